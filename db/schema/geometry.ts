import { customType } from 'drizzle-orm/pg-core';

/**
 * PostGIS geometry columns. Values never travel through drizzle's mapping:
 * every read goes through ST_AsGeoJSON and every write through ST_GeomFromGeoJSON
 * (see db/spatial.ts), so the driver type is the raw EWKB hex string.
 */
export const multiPolygon = customType<{ data: string; driverData: string }>({
  dataType: () => 'geometry(MultiPolygon, 4326)',
});

export const point = customType<{ data: string; driverData: string }>({
  dataType: () => 'geometry(Point, 4326)',
});
