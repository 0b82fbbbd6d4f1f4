import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Runner } from '../../db/client';
import { CityModel, type GridSource } from './city';

/** Loads the unit grids once; the simulator re-asks only while the city is still empty. */
export type CityLoader = () => Promise<CityModel>;

const positionSchema = z.tuple([z.number(), z.number()]);
const ringsSchema = z.array(z.array(positionSchema));
const gridGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: ringsSchema }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(ringsSchema) }),
]);

/** Grids straight from the areas table, weighted by population. */
export function databaseCity(db: Runner): CityLoader {
  return async () => {
    const rows = await db.rows<{ code: string; name: string; population: number; geometry: string }>(sql`
      SELECT code, name, population, ST_AsGeoJSON(geom, 7) AS geometry
      FROM areas WHERE level = 'grid' ORDER BY code`);
    return new CityModel(
      rows.map((r) => ({
        code: r.code,
        name: r.name,
        weight: Number(r.population),
        geometry: gridGeometrySchema.parse(JSON.parse(r.geometry)),
      })),
    );
  };
}

const areaCollectionSchema = z.object({
  features: z.array(
    z.object({
      geometry: gridGeometrySchema,
      properties: z.object({ code: z.string(), name: z.string() }),
    }),
  ),
});

/** Most grids a REST load asks for (the /api/areas limit). */
const REST_GRID_LIMIT = 20_000;

/**
 * Grids from a running server's `/api/areas`. That endpoint carries no
 * population, so every grid weighs the same — which is close to population
 * weighting anyway, because unit grids are drawn to hold similar numbers of
 * households (small in the dense core, large in the outskirts).
 */
export function restCity(baseUrl: string, fetchImpl: typeof fetch = fetch): CityLoader {
  return async () => {
    const url = new URL(`/api/areas?level=grid&limit=${REST_GRID_LIMIT}`, baseUrl);
    const response = await fetchImpl(url);
    if (!response.ok) throw new Error(`GET ${url.pathname} answered ${response.status}: ${await response.text()}`);
    const body = areaCollectionSchema.parse(await response.json());
    const sources: GridSource[] = body.features.map((f) => ({
      code: f.properties.code,
      name: f.properties.name,
      weight: 1,
      geometry: f.geometry,
    }));
    return new CityModel(sources);
  };
}
