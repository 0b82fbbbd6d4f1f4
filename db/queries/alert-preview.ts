import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { AlertPreview } from '../records';
import { ACK_AREAS, alertReachCtes, type AlertShape } from './alerts';

/**
 * What storing an alert with this area would find — its areas, unit grids, the
 * districts that would have to acknowledge and its impact — from the very CTEs
 * insertAlert stores (alertReachCtes), with no INSERT: a duty officer sees the
 * affected grids before sending, and sending stores exactly those. Reads only.
 */
export async function previewAlertArea(db: Runner, shape: AlertShape, fallbackScope: string | null): Promise<AlertPreview> {
  const [row] = await db.rows<AlertPreview>(sql`
    WITH ${alertReachCtes(shape, fallbackScope)}
    SELECT
      s.in_city AS "reachesCity",
      CASE WHEN s.in_city THEN s.codes ELSE '{}'::text[] END AS "affectedAreas",
      coalesce((SELECT jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name) ORDER BY a.code)
                FROM hit h JOIN areas a ON a.id = h.id WHERE h.level = 'grid'), '[]'::jsonb) AS "affectedGrids",
      ${ACK_AREAS} AS "ackAreas",
      impact.v AS impact
    FROM scope s, impact`);
  if (!row) throw new Error('alert preview returned no row');
  return row;
}
