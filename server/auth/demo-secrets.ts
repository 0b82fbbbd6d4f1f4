import { createHmac } from 'node:crypto';
import { sha256Hex } from './secrets';

/**
 * The demo's well-known credentials. They are printed in the README so anyone can
 * try the demo, which is exactly why a production server refuses them: with
 * NODE_ENV=production they are neither created nor accepted unless DEMO=1
 * (`npm run demo` sets it). The display token and API key are derived from one
 * fixed, public demo key, so every fresh demo database has the same ones and
 * `npm run demo` can open the wall with no typing.
 */
const DEMO_KEY = 'harmony-command-map/demo/2026';

function derive(label: string): string {
  return createHmac('sha256', DEMO_KEY).update(label).digest('base64url');
}

export interface DemoUser {
  login: string;
  password: string;
  displayName: string;
  role: 'admin' | 'leader' | 'duty_officer' | 'dispatcher' | 'grid_worker';
  /** Where the jurisdiction is: the city, 南明区 (520102), or the first street of 南明区. */
  area: 'city' | 'nanming' | 'nanming-street';
}

export const NANMING = '520102';

export const DEMO_USERS: readonly DemoUser[] = [
  { login: 'admin', password: 'demo-admin-2026', displayName: '系统管理员', role: 'admin', area: 'city' },
  { login: 'leader', password: 'demo-leader-2026', displayName: '市领导', role: 'leader', area: 'city' },
  { login: 'nm-duty', password: 'demo-duty-2026', displayName: '南明区值班员', role: 'duty_officer', area: 'nanming' },
  { login: 'nm-dispatcher', password: 'demo-dispatch-2026', displayName: '南明区派遣员', role: 'dispatcher', area: 'nanming' },
  { login: 'nm-grid', password: 'demo-grid-2026', displayName: '南明区网格员', role: 'grid_worker', area: 'nanming-street' },
];

/** The city-wide wall display (43 base64url characters, like any display token). */
export const DEMO_DISPLAY_TOKEN = derive('display:city');
export const DEMO_DISPLAY_NAME = '演示大屏（全市）';

/**
 * The key of the contact hashes (server/auth/contact-keys.ts) where CONTACT_KEY_SECRET is
 * not set: development, tests and demos only (public, like every demo secret).
 */
export const DEMO_CONTACT_KEY_SECRET = derive('contact-key');

/** The 12345 hotline's intake key, scoped to the city. */
export const DEMO_API_PREFIX = 'demo12345';
export const DEMO_API_SECRET = derive('api_client:hotline_12345');
export const DEMO_API_KEY = `hcm_${DEMO_API_PREFIX}_${DEMO_API_SECRET}`;
export const DEMO_API_NAME = '12345 热线（演示）';

/** An Open311 partner's key (channel open311), scoped to the city: what the README's Open311 curl examples use. */
export const DEMO_OPEN311_PREFIX = 'demoopen311';
export const DEMO_OPEN311_SECRET = derive('api_client:open311');
export const DEMO_OPEN311_KEY = `hcm_${DEMO_OPEN311_PREFIX}_${DEMO_OPEN311_SECRET}`;
export const DEMO_OPEN311_NAME = 'Open311 合作方（演示）';

const DEMO_PASSWORDS = new Set(DEMO_USERS.map((u) => u.password));
const DEMO_SECRET_HASHES = new Set([sha256Hex(DEMO_DISPLAY_TOKEN), sha256Hex(DEMO_API_KEY), sha256Hex(DEMO_OPEN311_KEY)]);

/** Demo credentials are allowed unless NODE_ENV=production, where DEMO=1 must say so explicitly. */
export function demoAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== 'production' || env.DEMO === '1' || env.DEMO === 'true';
}

/** True when `secret` is one of the demo's public passwords, its display token or its API key. */
export function isDemoSecret(secret: string): boolean {
  return DEMO_PASSWORDS.has(secret) || DEMO_SECRET_HASHES.has(sha256Hex(secret));
}

/** The one check every credential path makes: a demo secret outside an allowed demo is refused. */
export function refusedAsDemo(secret: string, env: Record<string, string | undefined> = process.env): boolean {
  return !demoAllowed(env) && isDemoSecret(secret);
}
