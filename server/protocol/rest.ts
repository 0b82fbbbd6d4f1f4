import type { LinkedResponder } from '../../db/queries/positions';
import type { TaskRow } from '../../db/queries/tasks';

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
  /** The area the wall opens on: the caller's jurisdiction when signed in, else the city. */
  cityName: string;
  cityNameEn: string;
  rootCode: string;
  center: [lng: number, lat: number];
  /** Extent of that area [west, south, east, north] (WGS84); null when no area is loaded. */
  bounds: [number, number, number, number] | null;
  zoom: number;
  basemap: BasemapConfig;
  /**
   * Only on a demo server (demo accounts seeded) and only for a caller who is not
   * signed in: what the login page offers so the demo needs no typing.
   */
  demo?: DemoInfo;
}

export interface DemoInfo {
  /** Opens the city-wide wall display (its display token in the query). */
  wallUrl: string;
  logins: { login: string; password: string; role: string; displayName: string }[];
}

// Shapes that the database layer produces are defined there (db/records.ts).
export type { AlertPreview, AreaCollection, AreaFeatureProperties, CaseDuplicates, CaseSuggestions, OpenCounts, ResponderView, Snapshot } from '../../db/records';

// Evaluation indicators (GET /api/indicators, /trend, /api/handover): shapes and the pure formulas' vocabulary.
export type { AreaRef, IndicatorPanel, IndicatorTrend, PeriodView } from '../services/indicators';
export type { Handover } from '../services/handover';
export type { HandoverAlert, HandoverCase } from '../../db/queries/handover';
export type { ColumnFormat, IndicatorColumn, Indicators, Stars } from '../domain/indicators';

// The grid worker's app (GET /api/me/tasks).
export type { LinkedResponder, TaskRow };
export interface MyTasks {
  responder: LinkedResponder | null;
  tasks: TaskRow[];
  /** The feed head read before the tasks: subscribe with `since: seq`. */
  seq: number;
}
