'use client';

import dynamic from 'next/dynamic';
import type { ComponentType } from 'react';
import type { ReportMapProps } from './ReportMap';

/**
 * The map's code (Leaflet) is a separate chunk, loaded client-only. It is fetched
 * at start-up too (`preloadReportMap`), so the offline shell has it before the worker
 * first opens a map with no network; if it still cannot load, the map's box says so
 * instead of taking the page down.
 */
export const preloadReportMap = () => import('./ReportMap');

function MapUnavailable({ label }: ReportMapProps) {
  return (
    <p className="report-map-unavailable" role="img" aria-label={label}>
      —
    </p>
  );
}

const ReportMap: ComponentType<ReportMapProps> = dynamic(
  () => preloadReportMap().catch(() => ({ default: MapUnavailable })),
  { ssr: false },
);
export default ReportMap;
