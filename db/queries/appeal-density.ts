import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { AppealDensityData } from '../records';
import { inScope, type Scope } from '../scope';
import { OPEN_CASE } from './case-columns';

/**
 * Appeals of the window per unit grid, one row per district: the shared screens'
 * heat input (db/records.ts AppealDensityData). Aggregate only, k-anonymous: a grid
 * with fewer than `k` appeals is never named; its appeals are summed into the
 * district's `suppressed`. Every appeal reported within the window counts, whatever
 * its status (as the heat layer always did). Appeals outside every grid belong to the
 * city desk and to no district: they are in no row.
 *
 * Districts are those inside the scope, or the one holding it when the scope is
 * below a district (a street leader): then only the scope's own grids are counted,
 * so nothing outside a jurisdiction is ever counted into its rows.
 *
 * `open` counts the district's open appeals whatever their age, in and outside grids:
 * summed with the snapshot's, it keeps a shared screen's open-appeal total live.
 */
export async function readAppealDensity(db: Runner, scope: Scope, options: { windowHours: number; k: number }): Promise<AppealDensityData[]> {
  const districts = await db.rows<{ code: string }>(sql`
    SELECT d.code FROM areas d
    WHERE d.level = 'district'
      AND (d.path @> ARRAY[${scope.code}::text] OR d.code = ANY(coalesce((SELECT s.path FROM areas s WHERE s.code = ${scope.code}), '{}')))
    ORDER BY d.code`);
  const rows = await db.rows<{ district: string; grid: string; n: number }>(sql`
    SELECT d.code AS district, g.code AS grid, count(*)::int AS n
    FROM cases c
    JOIN areas g ON g.id = c.grid_id
    JOIN areas d ON d.level = 'district' AND d.code = ANY(g.path)
    WHERE c.kind = 'appeal' AND ${inScope(sql`c.area_codes`, scope)}
      AND c.reported_at > now() - make_interval(secs => ${options.windowHours * 3600}::float8)
    GROUP BY d.code, g.code`);
  const open = await db.rows<{ district: string; n: number }>(sql`
    SELECT d.code AS district, count(*)::int AS n
    FROM cases c
    JOIN areas d ON d.level = 'district' AND d.code = ANY(c.area_codes)
    WHERE c.kind = 'appeal' AND ${OPEN_CASE} AND ${inScope(sql`c.area_codes`, scope)}
    GROUP BY d.code`);
  const openBy = new Map(open.map((r) => [r.district, r.n]));
  const byDistrict = new Map<string, AppealDensityData>(
    districts.map((d) => [
      d.code,
      { area: d.code, windowHours: options.windowHours, k: options.k, cells: {}, suppressed: 0, open: openBy.get(d.code) ?? 0 },
    ]),
  );
  // Cells in grid-code order, so two reads of the same counts serialise alike.
  rows.sort((a, b) => (a.grid < b.grid ? -1 : a.grid > b.grid ? 1 : 0));
  for (const row of rows) {
    const density = byDistrict.get(row.district);
    if (!density) continue;
    if (row.n >= options.k) density.cells[row.grid] = row.n;
    else density.suppressed += row.n;
  }
  return [...byDistrict.values()];
}

/**
 * The last `appeal.density` row still in the feed for each district: what screens
 * were last told. A newly elected scheduler leader starts from these, so a restart
 * writes only what changed while no leader ran.
 */
export async function readLastDensities(db: Runner): Promise<AppealDensityData[]> {
  const rows = await db.rows<{ payload: AppealDensityData }>(sql`
    SELECT DISTINCT ON (f.payload->>'area') f.payload
    FROM feed f WHERE f.topic = 'appeal.density'
    ORDER BY f.payload->>'area', f.seq DESC`);
  return rows.map((r) => r.payload);
}
