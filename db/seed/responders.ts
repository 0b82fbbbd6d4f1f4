import { sql } from 'drizzle-orm';
import departments from '../data/departments.json' with { type: 'json' };
import { createRng, hashSeed, type Rng } from './random';
import { personName } from './names';
import type { Exec } from './sql';

/**
 * The people on the map: one grid worker (网格员) per grid (属地, no department),
 * per street two officers (a community police officer of 公安局 `gaj`, an
 * urban-management officer of 城管局 `cgj`) and one emergency unit (应急管理局
 * `yjj`), each based in a grid of the street; and per district one field unit of
 * every 专业部门 that has one (db/data/departments.json), based in a grid of the
 * district, so routing by department has candidates everywhere. Positions are a
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
  districtCode: string;
  districtName: string;
  grids: readonly GridRef[];
}

interface ResponderSpec {
  code: string;
  name: string;
  role: 'grid_worker' | 'officer' | 'unit';
  /** 专业部门 code (departments.json); null for grid workers, who answer for their grid. */
  department: string | null;
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

/** Departments with a field unit in every district. */
export const UNIT_DEPARTMENTS = departments.departments.filter((d) => d.unit !== null);

/** One unit per department and district (its own random stream, so the street crews above stay as they were). */
function districtUnits(streets: readonly StreetRef[], seed: number): ResponderSpec[] {
  const byDistrict = new Map<string, { name: string; grids: GridRef[] }>();
  for (const street of streets) {
    const district = byDistrict.get(street.districtCode) ?? { name: street.districtName, grids: [] };
    district.grids.push(...street.grids);
    byDistrict.set(street.districtCode, district);
  }
  const specs: ResponderSpec[] = [];
  for (const [code, district] of byDistrict) {
    if (district.grids.length === 0) continue;
    const rng = createRng(hashSeed(seed, 'units', code));
    for (const department of UNIT_DEPARTMENTS) {
      const unitCode = `UN${code}${department.code.toUpperCase()}`;
      specs.push({
        code: unitCode,
        name: `${district.name}${department.name}${department.unit}`,
        role: 'unit',
        department: department.code,
        grid_code: rng.pick(district.grids).code,
        status: status(rng),
        point_seed: pointSeed(seed, unitCode),
      });
    }
  }
  return specs;
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
        department: null,
        grid_code: grid.code,
        status: status(rng),
        point_seed: pointSeed(seed, `GW${grid.code}`),
      });
    }
    const crew: [ResponderSpec['role'], string, string][] = [
      ['officer', `OF${street.code}01`, 'gaj'],
      ['officer', `OF${street.code}02`, 'cgj'],
      ['unit', `UN${street.code}01`, 'yjj'],
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
  specs.push(...districtUnits(streets, seed));
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
