import { sql } from 'drizzle-orm';
import type { Runner } from '../client';

/** One round trip that needs PostGIS: proves the database is reachable and usable. */
export async function probeDatabase(db: Runner): Promise<{ postgis: string }> {
  const [row] = await db.rows<{ version: string }>(sql`SELECT postgis_lib_version() AS version`);
  return { postgis: row?.version ?? 'unknown' };
}
