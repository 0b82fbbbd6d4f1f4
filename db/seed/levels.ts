import { sql } from 'drizzle-orm';
import type { AreaLevel } from '../vocab';
import type { MultiPolygonGeometry } from '../spatial';
import { planeShape, toKm } from './geo';
import { allocate } from './random';
import { readingOrder } from './plan';
import { subdivide, type ChildCell, type ParentCell } from './subdivide';
import type { Density } from './density';
import type { Exec } from './sql';

/** One row about to be inserted into `areas`, matched to its shape in seed_children by (parentId, idx). */
export interface AreaSpec {
  parentId: number;
  idx: number;
  code: string;
  name: string;
  nameEn: string;
  population: number;
  households: number;
}

export interface ParentInfo {
  id: number;
  code: string;
  population: number;
  households: number;
}

/** A generated child, in reading order within its parent, with its share of the parent's people. */
export interface OrderedChild extends ChildCell {
  /** 1-based number within the parent: the last three digits of its code. */
  n: number;
  code: string;
  population: number;
  households: number;
  density: number;
}

/**
 * Generates the children of every parent (see subdivide), numbers them in
 * reading order and shares each parent's population and households among
 * them by area × density, so that sums match exactly at every level.
 */
export async function childrenOf<P extends ParentInfo>(
  exec: Exec,
  parents: readonly P[],
  count: (parent: P) => number,
  density: Density,
  seed: number,
): Promise<{ parent: P; children: OrderedChild[] }[]> {
  const shapes = await exec.rows<{ id: number; json: string; x: number; y: number }>(sql`
    SELECT id, ST_AsGeoJSON(geom) AS json, ST_X(p) AS x, ST_Y(p) AS y
    FROM (SELECT id, geom, ST_PointOnSurface(geom) AS p FROM areas
          WHERE id = ANY(${`{${parents.map((p) => p.id).join(',')}}`}::int[])) a`);
  const byId = new Map(shapes.map((s) => [Number(s.id), s]));
  const cells: ParentCell[] = parents.map((parent) => {
    const row = byId.get(parent.id);
    if (!row) throw new Error(`area ${parent.code} vanished while seeding`);
    const geometry = JSON.parse(row.json) as MultiPolygonGeometry;
    return { id: parent.id, code: parent.code, shape: planeShape(geometry), inside: toKm([row.x, row.y]), count: count(parent) };
  });
  const generated = await subdivide(exec, cells, density, seed);
  const grouped = new Map<number, ChildCell[]>();
  for (const child of generated) {
    const siblings = grouped.get(child.parentId);
    if (siblings) siblings.push(child);
    else grouped.set(child.parentId, [child]);
  }
  return parents.map((parent) => {
    const ordered = readingOrder(grouped.get(parent.id) ?? []);
    if (ordered.length === 0) throw new Error(`no children generated for area ${parent.code}`);
    if (ordered.length > 999) throw new Error(`area ${parent.code} would get ${ordered.length} children; codes allow 999`);
    const densities = ordered.map((c) => density(c.centre));
    const population = allocate(parent.population, ordered.map((c, i) => c.areaKm2 * (densities[i] ?? 0)));
    const households = allocate(parent.households, population);
    return {
      parent,
      children: ordered.map((c, i) => ({
        ...c,
        n: i + 1,
        code: parent.code + String(i + 1).padStart(3, '0'),
        population: population[i] ?? 0,
        households: households[i] ?? 0,
        density: densities[i] ?? 0,
      })),
    };
  });
}

/** Inserts one level from seed_children; returns the new ids by code. */
export async function insertLevel(exec: Exec, level: AreaLevel, specs: readonly AreaSpec[]): Promise<Map<string, number>> {
  const payload = JSON.stringify(
    specs.map((s) => ({
      parent_id: s.parentId,
      idx: s.idx,
      code: s.code,
      name: s.name,
      name_en: s.nameEn,
      population: s.population,
      households: s.households,
    })),
  );
  const rows = await exec.rows<{ id: number; code: string }>(sql`
    INSERT INTO areas (code, name, name_en, level, parent_id, path, population, households, area_m2, geom)
    SELECT j.code, j.name, j.name_en, ${level}, c.parent_id, p.path || j.code, j.population, j.households,
           round(ST_Area(c.geom::geography))::bigint, c.geom
    FROM json_to_recordset(${payload}::json)
         AS j(parent_id int, idx int, code text, name text, name_en text, population int, households int)
    JOIN seed_children c ON c.parent_id = j.parent_id AND c.idx = j.idx
    JOIN areas p ON p.id = c.parent_id
    ORDER BY j.code
    RETURNING id, code`);
  if (rows.length !== specs.length) throw new Error(`inserted ${rows.length} of ${specs.length} ${level} areas`);
  return new Map(rows.map((r) => [r.code, Number(r.id)]));
}
