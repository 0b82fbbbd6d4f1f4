import { sql } from 'drizzle-orm';
import { buildLattice, OUTSIDE } from './atoms';
import { cornersOf, outlineOf } from './outline';
import type { CityFacts } from './facts';
import type { MultiPolygonGeometry } from '../spatial';
import type { Exec } from './sql';

/**
 * The city outline and the ten district shapes, as GeoJSON traced from the
 * atom lattice. Neighbouring districts share their border coordinates exactly.
 */
export function districtShapes(facts: CityFacts, seed: number): { city: MultiPolygonGeometry; districts: MultiPolygonGeometry[] } {
  const lattice = buildLattice(facts, seed);
  const corners = cornersOf(lattice);
  return {
    city: outlineOf(corners, (a) => (lattice.owners[a] ?? OUTSIDE) !== OUTSIDE),
    districts: facts.districts.map((_, i) => outlineOf(corners, (a) => lattice.owners[a] === i)),
  };
}

/** Stages the district shapes as `seed_children` under the city row, and checks them in PostGIS. */
export async function stageDistricts(exec: Exec, cityId: number, districts: MultiPolygonGeometry[]): Promise<void> {
  await exec.rows(sql`DROP TABLE IF EXISTS pg_temp.seed_children`);
  await exec.rows(sql`
    CREATE TEMP TABLE seed_children ON COMMIT DROP AS
    SELECT ${cityId}::int AS parent_id, (d.ord - 1)::int AS idx, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(d.g), 4326)) AS geom
    FROM json_array_elements_text(${JSON.stringify(districts)}::json) WITH ORDINALITY AS d(g, ord)`);
  // Every row is asked for, so that an empty answer (PGlite, see GRID_SIZE) cannot pass for "all valid".
  const checked = await exec.rows<{ idx: number; valid: boolean; reason: string }>(sql`
    SELECT idx, ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason FROM seed_children ORDER BY idx`);
  if (checked.length !== districts.length) throw new Error(`checked ${checked.length} of ${districts.length} districts`);
  const bad = checked.find((row) => row.valid !== true);
  if (bad) throw new Error(`generated district ${bad.idx} is invalid: ${bad.reason}`);
}

