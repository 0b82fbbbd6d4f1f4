
/**
 * Shapes of the REST responses the browser reads. The OpenAPI description at
 * /api/openapi.json documents the same endpoints for outside callers.
 */
export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

export interface BasemapConfig {
  /** none: dark background + admin outlines only, works offline. */
  kind: 'none' | 'osm' | 'tianditu' | 'amap' | 'custom';
  url: string | null;
  attribution: string | null;
  /** Coordinate system of the tiles; overlays are converted at display time only. */
  crs: 'wgs84' | 'gcj02';
  maxZoom: number;
}

/** GET /api/config */
export interface ClientConfig {
  cityName: string;
  cityNameEn: string;
  rootCode: string;
  center: [lng: number, lat: number];
  zoom: number;
  basemap: BasemapConfig;
}

// Shapes that the database layer produces are defined there (db/records.ts).
export type { AreaCollection, AreaFeatureProperties, OpenCounts, Snapshot } from '../../db/records';
