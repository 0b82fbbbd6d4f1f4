'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import { SEVERITIES, type Severity } from '../../../server/protocol/vocab';
import { caseWord, slaLabel, statusLabel } from '../../lib/case-labels';
import { useT } from '../../lib/i18n';
import { useWall, useWallStore } from '../../lib/store';
import { ALARM, ClusterCanvas, type CanvasPoint } from './cluster-canvas';
import { ensurePane, popupContent, SEVERITY_COLOURS, useProjection, throttled } from './support';

/** Rebuilding the cluster index costs ~1 ms per 1,000 points: at most twice a second. */
const REBUILD_MS = 500;
const RANK = new Map<Severity, number>(SEVERITIES.map((s, i) => [s, i]));

function colourOfRank(rank: number) {
  const severity = SEVERITIES[rank] ?? 'Unknown';
  return { fill: SEVERITY_COLOURS[severity], darkText: severity === 'Moderate' || severity === 'Severe' || severity === 'Unknown' };
}

/** Open grid incidents: clusters at low zoom, severity-coloured points up close, SLA alarms ringed. */
export default function IncidentPoints({ visible }: { visible: boolean }) {
  const map = useMap();
  const projection = useProjection();
  const store = useWallStore();
  const incidents = useWall((s) => s.incidents);
  const tr = useT();
  const layerRef = useRef<ClusterCanvas | null>(null);
  const trRef = useRef(tr);

  useEffect(() => {
    trRef.current = tr;
  }, [tr]);

  useEffect(() => {
    const layer = new ClusterCanvas(map, {
      pane: ensurePane(map, 'points'),
      projection,
      colourOfRank,
      onPointClick: (id, latlng) => {
        const incident = store.getState().incidents.get(id);
        if (!incident) return;
        const t = trRef.current;
        const rows: Array<[string, string]> = [
          [t.t('severity'), t.severity(incident.severity)],
          [caseWord(t.lang, 'status'), statusLabel(t.lang, incident.status)],
          [t.t('reported'), t.dateTime(incident.reportedAt)],
        ];
        if (incident.sla?.dueAt) rows.push([caseWord(t.lang, 'due'), `${t.dateTime(incident.sla.dueAt)} · ${slaLabel(t.lang, incident.sla.state)}`]);
        if (incident.escalation > 0) rows.push([caseWord(t.lang, 'escalated'), caseWord(t.lang, 'escalatedLevels', incident.escalation)]);
        if (incident.title) rows.push([t.t('description'), incident.title]);
        const content = popupContent(
          t.category(incident.category),
          rows,
          SEVERITY_COLOURS[incident.severity],
        );
        L.popup({ className: 'hcm-leaflet-popup' }).setLatLng(latlng).setContent(content).openOn(map);
      },
    });
    layerRef.current = layer;
    return () => {
      layer.destroy();
      layerRef.current = null;
    };
  }, [map, projection, store]);

  useEffect(() => {
    layerRef.current?.setVisible(visible);
  }, [visible]);

  // Throttled rebuild: the first change draws at once, a burst after it coalesces.
  const lastBuild = useRef(0);
  useEffect(() => {
    const build = () => {
      const points: CanvasPoint[] = [];
      for (const c of incidents.values()) {
        points.push({
          id: c.id,
          lng: c.lng,
          lat: c.lat,
          rank: RANK.get(c.severity) ?? SEVERITIES.length - 1,
          alarm: c.sla ? ALARM[c.sla.state === 'normal' ? 'none' : c.sla.state] : ALARM.none,
          escalated: c.escalation > 0,
        });
      }
      layerRef.current?.setPoints(points);
    };
    return throttled(build, lastBuild, REBUILD_MS);
  }, [incidents, projection]);

  return null;
}
