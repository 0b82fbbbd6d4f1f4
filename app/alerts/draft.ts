'use client';

import { createContext, useContext } from 'react';
import type { AlertPreview } from '../../server/protocol/rest';
import type { DrawnPolygon } from './draw-geometry';

/**
 * The alert being drawn, shared by the draw panel (form, preview, send) and the map
 * (the drawing tool, the preview of affected grids). The map reports shapes; the
 * panel chooses the tool, previews and sends. Held by AlertsShell in React state.
 */
export type DrawTool = 'polygon' | 'circle';

export interface DraftShape {
  kind: DrawTool;
  /** What is previewed and sent: data order [lng, lat], WGS84. */
  geometry: DrawnPolygon;
  /** Corners drawn (polygon) or radius in metres (circle), for the panel's summary. */
  vertices: number;
  radiusM: number | null;
}

export interface Draft {
  /** The tool armed on the map (null: none, the map pans). */
  tool: DrawTool | null;
  shape: DraftShape | null;
  /** The last preview of `shape`, once it is known. */
  preview: AlertPreview | null;
  /** Bumped to make the map drop the drawn shape (cleared, or sent). */
  clearCount: number;
}

export const EMPTY_DRAFT: Draft = { tool: null, shape: null, preview: null, clearCount: 0 };

export interface DraftApi {
  draft: Draft;
  setTool: (tool: DrawTool | null) => void;
  setShape: (shape: DraftShape | null) => void;
  setPreview: (preview: AlertPreview | null) => void;
  clear: () => void;
}

export const DraftContext = createContext<DraftApi | null>(null);

export function useDraft(): DraftApi {
  const api = useContext(DraftContext);
  if (!api) throw new Error('useDraft outside <DraftContext>');
  return api;
}
