import type { AlertEventData, CaseEventData } from './wire';
import type { AreaLevel } from './vocab';

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

export interface AreaFeatureProperties {
  code: string;
  name: string;
  nameEn: string | null;
  level: AreaLevel;
  parentCode: string | null;
}

/** GET /api/areas?level=…&bbox=…&simplify=… → GeoJSON FeatureCollection */
export interface AreaCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
    properties: AreaFeatureProperties;
  }>;
}

export interface OpenCounts {
  incidents: number;
  appeals: number;
}

/**
 * GET /api/snapshot?area=&layers=&appealHours= — everything the map shows, read in one
 * transaction together with the feed head `seq`, so subscribing with since=seq
 * continues exactly where the snapshot ends.
 */
export interface Snapshot {
  seq: number;
  at: string;
  area: string | null;
  /** Open incidents (newest first, capped). */
  incidents: CaseEventData[];
  /** Appeals of the last `appealHours` hours (for heat and density). */
  appeals: CaseEventData[];
  alerts: Array<AlertEventData & { id: number }>;
  /** Open case counts keyed by grid code ('' for cases outside every grid). */
  openByGrid: Record<string, OpenCounts>;
  totals: { openIncidents: number; openAppeals: number; activeAlerts: number; todayCases: number };
  /** More cases than `limit`: fetch the rest with `cursor=next` (null when complete). */
  truncated: boolean;
  /**
   * Opaque cursor for the next page of incidents/appeals, or null. Pages after the
   * first carry cases only; they are read after `seq`, so apply the feed on top as usual.
   */
  next?: string | null;
}
