import { sql } from 'drizzle-orm';
import type { Runner } from '../client';

/** Of these display token ids, the ones revoked (or deleted): their screens must go dark. */
/** True when a display token with this hash was issued and has been revoked. */
export async function isRevokedDisplayTokenHash(db: Runner, tokenHash: string): Promise<boolean> {
  const rows = await db.rows<{ id: number }>(sql`SELECT id FROM display_tokens WHERE token_hash = ${tokenHash} AND revoked_at IS NOT NULL`);
  return rows.length > 0;
}

export async function findRevokedDisplayTokens(db: Runner, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const live = await db.rows<{ id: number }>(sql`
    SELECT id FROM display_tokens WHERE id = ANY(${`{${ids.join(',')}}`}::int[]) AND revoked_at IS NULL`);
  const alive = new Set(live.map((r) => r.id));
  return ids.filter((id) => !alive.has(id));
}
