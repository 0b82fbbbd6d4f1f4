'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import type { ClientConfig } from '../../../server/protocol/rest';
import { useProjection } from '../../wall/map/support';
import type { Fix } from '../geo';

const CLOSE_ZOOM = 16;

/**
 * Frames the map once per subject: the case and me together (a task), else the
 * case or the chosen point close up, else my position, else the jurisdiction. It
 * does not follow every GPS fix, so the worker can pan freely.
 */
export default function FrameView({ config, caseAt, picked, me }: { config: ClientConfig; caseAt: [number, number] | null; picked: [number, number] | null; me: Fix | null }) {
  const map = useMap();
  const { project } = useProjection();
  const framed = useRef<string | null>(null);

  useEffect(() => {
    const subject = caseAt ? `case:${caseAt.join(',')}:${me ? 'me' : ''}` : picked ? 'picked' : me ? 'me' : 'area';
    if (framed.current === subject) return;
    framed.current = subject;
    if (caseAt && me) {
      const bounds = L.latLngBounds([project(caseAt[0], caseAt[1]), project(me.lng, me.lat)]);
      map.fitBounds(bounds, { padding: [36, 36], maxZoom: CLOSE_ZOOM, animate: false });
    } else if (caseAt || picked) {
      const [lng, lat] = (caseAt ?? picked)!;
      // A pick keeps the zoom the worker chose; a case opens close up.
      map.setView(project(lng, lat), caseAt ? CLOSE_ZOOM : Math.max(map.getZoom(), 14), { animate: false });
    } else if (me) {
      map.setView(project(me.lng, me.lat), CLOSE_ZOOM, { animate: false });
    } else if (config.bounds) {
      const [w, s, e, n] = config.bounds;
      map.fitBounds(L.latLngBounds(project(w, s), project(e, n)), { padding: [12, 12], animate: false });
    }
  }, [map, project, config.bounds, caseAt, picked, me]);

  return null;
}
