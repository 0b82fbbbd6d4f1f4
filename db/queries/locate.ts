import { sql, type SQL } from 'drizzle-orm';
import { AREA_LEVELS } from '../vocab';

/**
 * The routing rule, in one place: a point belongs to the deepest level that
 * exists where it lies — its unit grid if grids cover it, else its community,
 * street, district or city — so a city that has loaded only district
 * boundaries still gets every case into the right district. The area's path
 * (root → that area) is what cases, alerts and feed rows carry as area codes,
 * so every scoped query (`area_codes @> ARRAY[code]`) works at every level.
 *
 * A point on an edge shared by two areas of that level goes to the lowest id.
 */
const DEEPEST_FIRST = [...AREA_LEVELS].reverse();

/**
 * A one-row (or empty) subquery `(id, level, path)` of the area a point lies
 * in, for `LEFT JOIN LATERAL ${deepestAreaAt(sql`i.geom`)} loc ON true`.
 * The levels are tried deepest first inside one COALESCE, which stops at the
 * first hit: where grids exist (the usual case) the coarser levels, whose
 * polygons are the largest, are never tested.
 */
export function deepestAreaAt(point: SQL): SQL {
  const probes = DEEPEST_FIRST.map(
    (level) => sql`(SELECT a.id FROM areas a WHERE a.level = ${level} AND ST_Intersects(a.geom, ${point}) ORDER BY a.id LIMIT 1)`,
  );
  // OFFSET 0 keeps the planner from pulling the pick up into a join that evaluates it twice per point.
  return sql`(SELECT a.id, a.level, a.path
    FROM (SELECT coalesce(${sql.join(probes, sql`, `)}) AS id OFFSET 0) pick JOIN areas a ON a.id = pick.id)`;
}

/**
 * The areas of any level whose interior a shape reaches (merely touching an
 * edge does not count), as a subquery `(id, code, level, path)`. Areas nest, so
 * this is the deepest areas the shape reaches together with all their
 * ancestors: the same rule as deepestAreaAt, for shapes.
 */
export function areasReachedBy(shape: SQL): SQL {
  return sql`(SELECT a.id, a.code, a.level, a.path FROM areas a
    WHERE a.geom && ${shape} AND ST_Intersects(a.geom, ${shape}) AND NOT ST_Touches(a.geom, ${shape}))`;
}
