import { z } from 'zod';
import { DEMO_CONTACT_KEY_SECRET, demoAllowed } from './auth/demo-secrets';
import { DEFAULT_OFFICE_HOURS, officeHoursSchema, type OfficeHours } from './domain/sla/calendar';

/** Environment → typed config, validated once at start-up. Secrets are never logged. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** none | osm | tianditu | amap | a URL template with {z}/{x}/{y}. */
  BASEMAP: z.string().default('none'),
  TIANDITU_KEY: z.string().optional(),
  /** Start the traffic simulator (the demo turns it on). */
  SIMULATE: z.enum(['0', '1', 'true', 'false']).default('0'),
  /** Simulated events per minute at the daily peak, per layer. */
  SIM_INCIDENTS_PER_MIN: z.coerce.number().min(0).max(100_000).default(30),
  SIM_APPEALS_PER_MIN: z.coerce.number().min(0).max(100_000).default(20),
  SIM_ALERTS_PER_HOUR: z.coerce.number().min(0).max(1000).default(2),
  /** Hours of history the simulator writes when it starts on a freshly seeded city. */
  SIM_BACKFILL_HOURS: z.coerce.number().min(0).max(48).default(8),
  /** Seed the demo city when the database has no areas. */
  SEED_IF_EMPTY: z.enum(['0', '1', 'true', 'false']).default('0'),
  /** Size of the demo city (1 ≈ 3,700 grids; tests use less). */
  SEED_SCALE: z.coerce.number().positive().max(10).default(1),
  FEED_RETENTION_HOURS: z.coerce.number().positive().default(72),
  /** Shared screens' appeal window (hours): the per-grid density of the wall's heat layer counts appeals this recent. */
  APPEAL_WINDOW_HOURS: z.coerce.number().min(1).max(24 * 30).default(24),
  /** Extra browser origins allowed to open sockets (comma-separated), beyond the site itself. */
  ALLOWED_ORIGINS: z.string().default(''),
  /** 0 → serve only /api and Socket.IO (an intake-only node, or API tests). */
  UI: z.enum(['0', '1', 'true', 'false']).default('1'),
  /** 1 → trust X-Forwarded-Proto from a reverse proxy (Secure cookies behind https termination). */
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).default('0'),
  /** Longest a single request statement may run in the database (ms); it is cancelled after that. */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** 0 → this node never runs the timers (SLA sweeps, escalation, pruning); another node must. */
  SCHEDULER: z.enum(['0', '1', 'true', 'false']).default('1'),
  /** Pause between scheduler ticks (ms). */
  SCHEDULER_TICK_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  /** How often the leader looks for appeal hotspots (ms); 0 turns detection off. */
  HOTSPOT_EVERY_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** The sliding window of appeals clustered (hours). */
  HOTSPOT_WINDOW_HOURS: z.coerce.number().positive().max(24 * 90).default(72),
  /** DBSCAN radius (metres) and core density per topic (across topics it takes twice as many). */
  HOTSPOT_EPS_M: z.coerce.number().positive().max(5_000).default(250),
  HOTSPOT_MIN_POINTS: z.coerce.number().int().min(2).max(10_000).default(10),
  /** A hotspot that emerges with, or grows past, this many appeals raises a 信访聚集风险 alert (once). */
  HOTSPOT_ALERT_COUNT: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Office hours of the working calendar: comma-separated HH:MM-HH:MM spans, in order. */
  OFFICE_HOURS: z.string().optional(),
  /** Key of the reporters' contact hashes that link repeat appeals (≥ 32 characters); required in production. */
  CONTACT_KEY_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir?: string;
  dev: boolean;
  /** Serve the Next.js UI (tests of the API alone turn it off). */
  next: boolean;
  basemap: string;
  tiandituKey?: string;
  simulate: boolean;
  simulator: { incidentsPerMin: number; appealsPerMin: number; alertsPerHour: number; backfillHours: number };
  seedIfEmpty: boolean;
  allowedOrigins: string[];
  seedScale: number;
  feedRetentionHours: number;
  appealWindowHours: number;
  statementTimeoutMs: number;
  logLevel: string;
  trustProxy: boolean;
  scheduler: { enabled: boolean; tickMs: number };
  hotspots: { everyMs: number; windowHours: number; epsM: number; minPoints: number; alertCount: number };
  officeHours: OfficeHours;
  /** HMAC key of the contact hashes (CONTACT_KEY_SECRET; the public demo key where demos are allowed). */
  contactKeySecret: string;
}

/** "08:30-12:00,14:00-17:30" → [["08:30", "12:00"], ["14:00", "17:30"]], checked (in order, not overlapping), or the problem. */
export function parseOfficeHours(text: string): { ok: true; value: OfficeHours } | { ok: false; problem: string } {
  const spans = text.split(',').map((span) => span.trim().split('-').map((t) => t.trim()));
  if (spans.some((s) => s.length !== 2)) return { ok: false, problem: `OFFICE_HOURS: "${text}" is not like 08:30-12:00,14:00-17:30` };
  const parsed = officeHoursSchema.safeParse(spans);
  if (!parsed.success) return { ok: false, problem: `OFFICE_HOURS: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  return { ok: true, value: parsed.data };
}

const truthy = (v: string) => v === '1' || v === 'true';

export function configFromEnv(env: Record<string, string | undefined> = process.env): AppConfig {
  // An empty variable means unset (e.g. DATABASE_URL= to force the embedded database).
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  const officeHours = e.OFFICE_HOURS === undefined ? { ok: true as const, value: DEFAULT_OFFICE_HOURS } : parseOfficeHours(e.OFFICE_HOURS);
  if (!officeHours.ok) throw new Error(`invalid environment: ${officeHours.problem}`);
  const contactKeySecret = e.CONTACT_KEY_SECRET ?? (demoAllowed({ NODE_ENV: e.NODE_ENV, DEMO: env.DEMO }) ? DEMO_CONTACT_KEY_SECRET : undefined);
  if (contactKeySecret === undefined) {
    throw new Error('invalid environment: CONTACT_KEY_SECRET (at least 32 characters) is required with NODE_ENV=production (the demo key is public)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dev: e.NODE_ENV === 'development',
    next: truthy(e.UI),
    basemap: e.BASEMAP,
    tiandituKey: e.TIANDITU_KEY,
    simulate: truthy(e.SIMULATE),
    simulator: {
      incidentsPerMin: e.SIM_INCIDENTS_PER_MIN,
      appealsPerMin: e.SIM_APPEALS_PER_MIN,
      alertsPerHour: e.SIM_ALERTS_PER_HOUR,
      backfillHours: e.SIM_BACKFILL_HOURS,
    },
    seedIfEmpty: truthy(e.SEED_IF_EMPTY),
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    seedScale: e.SEED_SCALE,
    feedRetentionHours: e.FEED_RETENTION_HOURS,
    appealWindowHours: e.APPEAL_WINDOW_HOURS,
    statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    trustProxy: truthy(e.TRUST_PROXY),
    scheduler: { enabled: truthy(e.SCHEDULER), tickMs: e.SCHEDULER_TICK_MS },
    hotspots: {
      everyMs: e.HOTSPOT_EVERY_MS,
      windowHours: e.HOTSPOT_WINDOW_HOURS,
      epsM: e.HOTSPOT_EPS_M,
      minPoints: e.HOTSPOT_MIN_POINTS,
      alertCount: e.HOTSPOT_ALERT_COUNT,
    },
    officeHours: officeHours.value,
    contactKeySecret,
  };
}
