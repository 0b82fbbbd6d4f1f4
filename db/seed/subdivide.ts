import { sql } from 'drizzle-orm';
import { contains, distance, toKm, toLngLat, type PlaneShape, type Xy } from './geo';
import { createRng, hashSeed, type Rng } from './random';
import { floatArray, GRID_SIZE, intArray, type Exec } from './sql';
import type { Density } from './density';

/**
 * Cuts every parent of one level into `count` children that tile it exactly:
 * seeds are placed in JS (spaced by the density surface), PostGIS computes the
 * Voronoi diagram of each parent's seeds and clips it to the parent. Clipping
 * can leave a child with stray pieces on the far side of a concave parent; each
 * such piece joins the sibling it shares the longest border with, so children
 * come out in one piece wherever the parent is.
 *
 * Leaves the result in the temp table `seed_children (parent_id, idx, geom)`.
 */
export interface ParentCell {
  id: number;
  code: string;
  shape: PlaneShape;
  /** A point surely inside the parent (ST_PointOnSurface), for when sampling finds none. */
  inside: Xy;
  count: number;
}

export interface ChildCell {
  parentId: number;
  idx: number;
  areaKm2: number;
  /** Centroid, or a point on the surface when the centroid falls outside (km plane). */
  centre: Xy;
}

const CANDIDATES = 10;

function sampleInside(shape: PlaneShape, rng: Rng, density: Density, peak: number): Xy | null {
  const { minX, minY, maxX, maxY } = shape.bounds;
  for (let attempt = 0; attempt < 4000; attempt++) {
    const p: Xy = [rng.range(minX, maxX), rng.range(minY, maxY)];
    if (contains(shape, p) && rng.next() * peak <= density(p)) return p;
  }
  return null;
}

/**
 * Best-candidate (Mitchell) sampling with distances scaled by √density: seeds
 * sit about evenly far apart in "people space", so every child gets a similar
 * population and the Voronoi cells are rounder than for plain random points.
 */
export function placeSeeds(parent: ParentCell, density: Density, seed: number): Xy[] {
  if (parent.count <= 1) return [parent.inside];
  const rng = createRng(hashSeed(seed, 'seeds', parent.code));
  let peak = density(parent.inside);
  for (let i = 0; i < 48; i++) {
    const p = sampleInside(parent.shape, rng, () => 1, 1);
    if (p) peak = Math.max(peak, density(p));
  }
  peak *= 1.25;
  const seeds: Xy[] = [];
  for (let n = 0; n < parent.count; n++) {
    let best: Xy | null = null;
    let bestScore = -1;
    for (let c = 0; c < (n === 0 ? 1 : CANDIDATES); c++) {
      const p = sampleInside(parent.shape, rng, density, peak);
      if (!p) continue;
      const scale = Math.sqrt(density(p));
      const score = seeds.reduce((m, s) => Math.min(m, distance(p, s) * scale), Infinity);
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    // A sliver too thin to sample gets fewer children rather than stacked seeds.
    if (best && bestScore > 1e-9) seeds.push(best);
  }
  return seeds.length > 0 ? seeds : [parent.inside];
}

export async function subdivide(exec: Exec, parents: ParentCell[], density: Density, seed: number): Promise<ChildCell[]> {
  const ids: number[] = [];
  const idxs: number[] = [];
  const lngs: number[] = [];
  const lats: number[] = [];
  for (const parent of parents) {
    placeSeeds(parent, density, seed).forEach((p, i) => {
      const [lng, lat] = toLngLat(p);
      ids.push(parent.id);
      idxs.push(i);
      lngs.push(lng);
      lats.push(lat);
    });
  }
  await exec.rows(sql`DROP TABLE IF EXISTS pg_temp.seed_pts, pg_temp.seed_gen, pg_temp.seed_parts, pg_temp.seed_moves, pg_temp.seed_children`);
  await exec.rows(sql`
    CREATE TEMP TABLE seed_pts ON COMMIT DROP AS
    SELECT u.parent_id, u.idx, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326) AS pt
    FROM unnest(${intArray(ids)}, ${intArray(idxs)}, ${floatArray(lngs)}, ${floatArray(lats)}) AS u(parent_id, idx, x, y)`);
  await exec.rows(sql`
    CREATE TEMP TABLE seed_gen ON COMMIT DROP AS
    WITH counts AS (SELECT parent_id, count(*) AS n FROM seed_pts GROUP BY parent_id),
    cells AS (
      SELECT p.id AS parent_id, p.geom AS pgeom, v.cell
      FROM areas p
      JOIN counts c ON c.parent_id = p.id AND c.n > 1
      CROSS JOIN LATERAL (
        SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(s.pt ORDER BY s.idx), 0, p.geom))).geom AS cell
        FROM seed_pts s WHERE s.parent_id = p.id
      ) v
    )
    SELECT c.parent_id, s.idx, ST_CollectionExtract(ST_Intersection(c.cell, c.pgeom, ${GRID_SIZE}::float8), 3) AS geom
    FROM cells c JOIN seed_pts s ON s.parent_id = c.parent_id AND ST_Contains(c.cell, s.pt)
    UNION ALL
    SELECT s.parent_id, s.idx, p.geom
    FROM seed_pts s JOIN counts c ON c.parent_id = s.parent_id AND c.n = 1 JOIN areas p ON p.id = s.parent_id`);
  await exec.rows(sql`
    CREATE TEMP TABLE seed_parts ON COMMIT DROP AS
    SELECT parent_id, idx, (d).path[1] AS part, (d).geom AS geom,
           row_number() OVER (PARTITION BY parent_id, idx ORDER BY ST_Area((d).geom) DESC, (d).path[1]) AS rank
    FROM (SELECT parent_id, idx, ST_Dump(geom) AS d FROM seed_gen) x
    WHERE NOT ST_IsEmpty((d).geom)`);
  await exec.rows(sql`
    CREATE TEMP TABLE seed_moves ON COMMIT DROP AS
    SELECT DISTINCT ON (parent_id, idx, part) parent_id, idx, part, to_idx
    FROM (
      SELECT o.parent_id, o.idx, o.part, n.idx AS to_idx,
             ST_Length(ST_CollectionExtract(ST_Intersection(o.geom, n.geom, ${GRID_SIZE}::float8), 2)) AS shared
      FROM seed_parts o
      JOIN seed_parts n ON n.parent_id = o.parent_id AND n.idx <> o.idx AND n.rank = 1 AND ST_Intersects(o.geom, n.geom)
      WHERE o.rank > 1
    ) candidates
    WHERE shared > 0
    ORDER BY parent_id, idx, part, shared DESC, to_idx`);
  // A child that keeps exactly its one piece is copied untouched: re-unioning it would only add float noise.
  await exec.rows(sql`
    CREATE TEMP TABLE seed_children ON COMMIT DROP AS
    SELECT parent_id, idx,
           CASE WHEN ST_IsValid(g) THEN g ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) END AS geom
    FROM (
      SELECT p.parent_id, coalesce(m.to_idx, p.idx) AS idx,
             CASE WHEN count(*) = 1 THEN ST_Multi((array_agg(p.geom))[1])
                  ELSE ST_Multi(ST_Union(p.geom, ${GRID_SIZE}::float8 ORDER BY p.idx, p.part)) END AS g
      FROM seed_parts p LEFT JOIN seed_moves m USING (parent_id, idx, part)
      GROUP BY 1, 2
    ) merged`);
  return readChildren(exec);
}

export async function readChildren(exec: Exec): Promise<ChildCell[]> {
  const rows = await exec.rows<{ parent_id: number; idx: number; km2: number; x: number; y: number }>(sql`
    SELECT parent_id, idx, ST_Area(geom::geography) / 1e6 AS km2, ST_X(c) AS x, ST_Y(c) AS y
    FROM (
      SELECT parent_id, idx, geom,
             CASE WHEN ST_Intersects(ST_Centroid(geom), geom) THEN ST_Centroid(geom) ELSE ST_PointOnSurface(geom) END AS c
      FROM seed_children
    ) x
    ORDER BY parent_id, idx`);
  return rows.map((r) => ({
    parentId: Number(r.parent_id),
    idx: Number(r.idx),
    areaKm2: Number(r.km2),
    centre: toKm([Number(r.x), Number(r.y)]),
  }));
}
