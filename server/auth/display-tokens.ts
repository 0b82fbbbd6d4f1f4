import type { Database, Runner } from '../../db/client';
import {
  findDisplayTokenByHash,
  insertDisplayToken,
  listDisplayTokens as listDisplayTokenRows,
  revokeDisplayToken as revokeDisplayTokenRow,
  touchDisplayToken,
  type DisplayTokenRow,
} from '../../db/queries/credentials';
import { findAreaInScope } from '../../db/queries/users';
import { scopeOf, type Scope } from '../../db/scope';
import type { Actor } from './actor';
import { audit, type AuditBy } from './audit';
import { systemClock, type Clock } from './clock';
import { refusedAsDemo } from './demo-secrets';
import { invalid, notFound } from './errors';
import { newSecret, sha256Hex } from './secrets';

/**
 * Wall-display tokens: a 32-byte random secret (base64url, 43 characters) that a
 * screen presents once (`/wall?display=…`) and trades for a cookie. Read-only,
 * bound to an area, revocable; last_seen_at is written at most once a minute.
 */
export const DISPLAY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TOUCH_EVERY_MS = 60_000;

export type DisplayActor = Extract<Actor, { kind: 'display' }>;

export interface CreatedDisplayToken {
  /** The secret, shown once. */
  token: string;
  display: DisplayTokenRow;
}

export async function createDisplayToken(
  database: Database,
  by: AuditBy & { userId?: number | null },
  scope: Scope,
  input: { name: string; areaCode: string },
  /** Only the demo seed passes a secret (derived from its fixed demo key); everyone else gets a random one. */
  secret: string = newSecret(),
): Promise<CreatedDisplayToken> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw invalid('display name must be 1–100 characters');
  if (!DISPLAY_TOKEN_PATTERN.test(secret)) throw invalid('display token must be 43 base64url characters');
  return database.transaction(async (tx) => {
    const area = await findAreaInScope(tx, scope, input.areaCode);
    if (!area) throw notFound('area', input.areaCode);
    const display = await insertDisplayToken(tx, { name, tokenHash: sha256Hex(secret), areaId: area.id, createdBy: by.userId ?? null });
    await audit(tx, by, {
      action: 'display_tokens.create',
      targetType: 'display_token',
      targetId: display.id,
      areaCodes: area.path,
      outcome: 'ok',
      details: { name, area: area.code },
    });
    return { token: secret, display };
  });
}

/** Secret → the display actor, or null when unknown or revoked. */
export async function resolveDisplayToken(db: Runner, token: string, clock: Clock = systemClock): Promise<DisplayActor | null> {
  if (!DISPLAY_TOKEN_PATTERN.test(token) || refusedAsDemo(token)) return null;
  const row = await findDisplayTokenByHash(db, sha256Hex(token));
  if (!row) return null;
  const now = clock();
  if (row.lastSeenMs === null || now.getTime() - row.lastSeenMs >= TOUCH_EVERY_MS) await touchDisplayToken(db, row.id, now);
  return { kind: 'display', id: row.id, name: row.name, role: 'display', scope: scopeOf(row.areaCode) };
}

export async function revokeDisplayToken(database: Database, by: AuditBy, scope: Scope, id: number, clock: Clock = systemClock): Promise<DisplayTokenRow> {
  return database.transaction(async (tx) => {
    const row = await revokeDisplayTokenRow(tx, scope, id, clock());
    if (!row) throw notFound('live display token', id);
    await audit(tx, by, { action: 'display_tokens.revoke', targetType: 'display_token', targetId: id, areaCodes: row.areaPath, outcome: 'ok' });
    return row;
  });
}

export function listDisplayTokens(db: Runner, scope: Scope): Promise<DisplayTokenRow[]> {
  return listDisplayTokenRows(db, scope);
}
