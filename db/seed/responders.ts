import { sql } from 'drizzle-orm';
import { createRng, hashSeed, type Rng } from './random';
import { personName } from './names';
import type { Exec } from './sql';

/**
 * The people on the map: one grid worker (网格员) per grid, and per street two
 * officers (a community police officer and an urban-management officer) and
 * one emergency unit, each based in a grid of the street. Positions are a
 * seeded random point inside the home grid (ST_GeneratePoints with a seed is
 * deterministic), so every responder starts inside the grid it belongs to.
 */
export interface GridRef {
  code: string;
  communityName: string;
}

export interface StreetRef {
  code: string;
  name: string;
  districtName: string;
  grids: readonly GridRef[];
}

interface ResponderSpec {
  code: string;
  name: string;
  role: 'grid_worker' | 'officer' | 'unit';
  department: string;
  grid_code: string;
  status: 'on_duty' | 'busy' | 'off_duty';
  point_seed: number;
}

function status(rng: Rng): ResponderSpec['status'] {
  const roll = rng.next();
  return roll < 0.85 ? 'on_duty' : roll < 0.95 ? 'busy' : 'off_duty';
}

/** ST_GeneratePoints wants a positive int4 seed. */
function pointSeed(seed: number, code: string): number {
  return (hashSeed(seed, 'position', code) % 2_147_483_646) + 1;
}

export async function seedResponders(exec: Exec, streets: readonly StreetRef[], seed: number): Promise<number> {
  const specs: ResponderSpec[] = [];
  for (const street of streets) {
    const rng = createRng(hashSeed(seed, 'responders', street.code));
    for (const grid of street.grids) {
      specs.push({
        code: `GW${grid.code}`,
        name: personName(rng),
        role: 'grid_worker',
        department: `${street.name}${grid.communityName}`,
        grid_code: grid.code,
        status: status(rng),
        point_seed: pointSeed(seed, `GW${grid.code}`),
      });
    }
    const crew: [ResponderSpec['role'], string, string][] = [
      ['officer', `OF${street.code}01`, `${street.districtName}公安分局${street.name}派出所`],
      ['officer', `OF${street.code}02`, `${street.districtName}综合行政执法局${street.name}中队`],
      ['unit', `UN${street.code}01`, `${street.name}办事处`],
    ];
    for (const [role, code, department] of crew) {
      specs.push({
        code,
        name: role === 'unit' ? `${street.name}应急处置队` : personName(rng),
        role,
        department,
        grid_code: rng.pick(street.grids).code,
        status: status(rng),
        point_seed: pointSeed(seed, code),
      });
    }
  }
  const rows = await exec.rows<{ n: number }>(sql`
    WITH inserted AS (
      INSERT INTO responders (code, name, role, department, home_grid_id, status, geom, position_at)
      SELECT j.code, j.name, j.role, j.department, a.id, j.status,
             ST_GeometryN(ST_GeneratePoints(a.geom, 1, j.point_seed), 1), now()
      FROM json_to_recordset(${JSON.stringify(specs)}::json)
           AS j(code text, name text, role text, department text, grid_code text, status text, point_seed int)
      JOIN areas a ON a.code = j.grid_code AND a.level = 'grid'
      ORDER BY j.code
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM inserted`);
  const inserted = Number(rows[0]?.n ?? 0);
  if (inserted !== specs.length) throw new Error(`inserted ${inserted} of ${specs.length} responders`);
  return inserted;
}
