import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import type { CaseChannel } from '../vocab';

const iso = (column: string) => sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const channelArray = (channels: readonly CaseChannel[]) =>
  sql`(SELECT coalesce(array_agg(c), '{}') FROM jsonb_array_elements_text(${JSON.stringify(channels)}::jsonb) AS e(c))`;

// ---- display tokens ----

export interface DisplayTokenRow {
  id: number;
  name: string;
  areaId: number;
  areaCode: string;
  areaPath: string[];
  createdBy: number | null;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

const displayColumns = sql`
  d.id, d.name, d.area_id AS "areaId", a.code AS "areaCode", a.path AS "areaPath", d.created_by AS "createdBy",
  ${iso('d.created_at')} AS "createdAt", ${iso('d.last_seen_at')} AS "lastSeenAt", ${iso('d.revoked_at')} AS "revokedAt"`;

export async function insertDisplayToken(
  tx: Runner,
  token: { name: string; tokenHash: string; areaId: number; createdBy: number | null },
): Promise<DisplayTokenRow> {
  const [row] = await tx.rows<DisplayTokenRow>(sql`
    WITH inserted AS (
      INSERT INTO display_tokens (name, token_hash, area_id, created_by)
      VALUES (${token.name}, ${token.tokenHash}, ${token.areaId}::int, ${token.createdBy}::int) RETURNING *
    )
    SELECT ${displayColumns} FROM inserted d JOIN areas a ON a.id = d.area_id`);
  return row!;
}

/** A live (unrevoked) token by the hash of its secret, with the time it was last seen (ms). */
export async function findDisplayTokenByHash(
  db: Runner,
  tokenHash: string,
): Promise<(DisplayTokenRow & { lastSeenMs: number | null }) | undefined> {
  const [row] = await db.rows<DisplayTokenRow & { lastSeenMs: string | null }>(sql`
    SELECT ${displayColumns}, (extract(epoch FROM d.last_seen_at) * 1000)::float8::text AS "lastSeenMs"
    FROM display_tokens d JOIN areas a ON a.id = d.area_id
    WHERE d.token_hash = ${tokenHash} AND d.revoked_at IS NULL`);
  return row && { ...row, lastSeenMs: row.lastSeenMs === null ? null : Number(row.lastSeenMs) };
}

export async function touchDisplayToken(db: Runner, id: number, at: Date): Promise<void> {
  await db.rows(sql`
    UPDATE display_tokens SET last_seen_at = ${at.toISOString()}::timestamptz
    WHERE id = ${id}::int AND (last_seen_at IS NULL OR last_seen_at < ${at.toISOString()}::timestamptz)`);
}

/** Revokes a token within the scope; undefined when unknown, out of scope or already revoked. */
export async function revokeDisplayToken(tx: Runner, scope: Scope, id: number, at: Date): Promise<DisplayTokenRow | undefined> {
  const [row] = await tx.rows<DisplayTokenRow>(sql`
    WITH revoked AS (
      UPDATE display_tokens d SET revoked_at = ${at.toISOString()}::timestamptz
      FROM areas a
      WHERE d.id = ${id}::int AND d.revoked_at IS NULL AND a.id = d.area_id AND ${inScope(sql`a.path`, scope)}
      RETURNING d.*
    )
    SELECT ${displayColumns} FROM revoked d JOIN areas a ON a.id = d.area_id`);
  return row;
}

export async function listDisplayTokens(db: Runner, scope: Scope): Promise<DisplayTokenRow[]> {
  return db.rows<DisplayTokenRow>(sql`
    SELECT ${displayColumns} FROM display_tokens d JOIN areas a ON a.id = d.area_id
    WHERE ${inScope(sql`a.path`, scope)} ORDER BY d.id`);
}

// ---- API clients ----

export interface ApiClientRow {
  id: number;
  name: string;
  keyPrefix: string;
  channels: CaseChannel[];
  areaId: number;
  areaCode: string;
  areaPath: string[];
  disabled: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

const apiColumns = sql`
  c.id, c.name, c.key_prefix AS "keyPrefix", c.channels, c.area_id AS "areaId", a.code AS "areaCode",
  a.path AS "areaPath", c.disabled, ${iso('c.created_at')} AS "createdAt", ${iso('c.last_used_at')} AS "lastUsedAt"`;

export async function insertApiClient(
  tx: Runner,
  client: { name: string; keyPrefix: string; keyHash: string; channels: readonly CaseChannel[]; areaId: number },
): Promise<ApiClientRow | undefined> {
  const [row] = await tx.rows<ApiClientRow>(sql`
    WITH inserted AS (
      INSERT INTO api_clients (name, key_prefix, key_hash, channels, area_id)
      VALUES (${client.name}, ${client.keyPrefix}, ${client.keyHash}, ${channelArray(client.channels)}, ${client.areaId}::int)
      ON CONFLICT (key_prefix) DO NOTHING
      RETURNING *
    )
    SELECT ${apiColumns} FROM inserted c JOIN areas a ON a.id = c.area_id`);
  return row;
}

/** A client by its public key prefix, with its key hash (compared by the caller in constant time). */
export async function findApiClientByPrefix(
  db: Runner,
  keyPrefix: string,
): Promise<(ApiClientRow & { keyHash: string; lastUsedMs: number | null }) | undefined> {
  const [row] = await db.rows<ApiClientRow & { keyHash: string; lastUsedMs: string | null }>(sql`
    SELECT ${apiColumns}, c.key_hash AS "keyHash", (extract(epoch FROM c.last_used_at) * 1000)::float8::text AS "lastUsedMs"
    FROM api_clients c JOIN areas a ON a.id = c.area_id WHERE c.key_prefix = ${keyPrefix}`);
  return row && { ...row, lastUsedMs: row.lastUsedMs === null ? null : Number(row.lastUsedMs) };
}

export async function touchApiClient(db: Runner, id: number, at: Date): Promise<void> {
  await db.rows(sql`
    UPDATE api_clients SET last_used_at = ${at.toISOString()}::timestamptz
    WHERE id = ${id}::int AND (last_used_at IS NULL OR last_used_at < ${at.toISOString()}::timestamptz)`);
}

/** Disables (or re-enables) a client within the scope; undefined when unknown or out of scope. */
export async function setApiClientDisabled(tx: Runner, scope: Scope, id: number, disabled: boolean): Promise<ApiClientRow | undefined> {
  const [row] = await tx.rows<ApiClientRow>(sql`
    WITH changed AS (
      UPDATE api_clients c SET disabled = ${disabled}
      FROM areas a
      WHERE c.id = ${id}::int AND a.id = c.area_id AND ${inScope(sql`a.path`, scope)}
      RETURNING c.*
    )
    SELECT ${apiColumns} FROM changed c JOIN areas a ON a.id = c.area_id`);
  return row;
}

export async function listApiClients(db: Runner, scope: Scope): Promise<ApiClientRow[]> {
  return db.rows<ApiClientRow>(sql`
    SELECT ${apiColumns} FROM api_clients c JOIN areas a ON a.id = c.area_id
    WHERE ${inScope(sql`a.path`, scope)} ORDER BY c.id`);
}

/** Is there already a display token with this hash (revoked or not)? For idempotent seeding. */
export async function displayTokenHashExists(db: Runner, tokenHash: string): Promise<boolean> {
  const rows = await db.rows<{ one: number }>(sql`SELECT 1 AS one FROM display_tokens WHERE token_hash = ${tokenHash}`);
  return rows.length > 0;
}
