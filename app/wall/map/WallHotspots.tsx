'use client';

import { useCallback } from 'react';
import type { HotspotEventData } from '../../../server/protocol/wire';
import { hotspotWords, topicsByCount, TREND_COLOURS, type LiveTrend } from '../../lib/hotspot-labels';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import HotspotOutlines from './HotspotOutlines';
import { popupContent } from './support';

/** The wall's hotspot layer: the store's live hotspots, a tap opens their topics and areas in short. */
export default function WallHotspots({ visible }: { visible: boolean }) {
  const hotspots = useWall((s) => s.hotspots);
  const tr = useT();
  const popup = useCallback(
    (h: HotspotEventData) => {
      const w = hotspotWords(tr.lang);
      const rows: Array<[string, string]> = [
        [w.w('count'), tr.number(h.count)],
        [w.w('topics'), topicsByCount(h).slice(0, 3).map(([t, n]) => `${w.topic(t)} ${tr.number(n)}`).join('，')],
        [w.w('areas'), h.areas.slice(0, 3).map((a) => `${a.name} ${tr.number(a.count)}`).join('，')],
        [w.w('firstSeen'), tr.dateTime(h.firstSeen)],
      ];
      return popupContent(w.title(h), rows, TREND_COLOURS[h.trend as LiveTrend]);
    },
    [tr],
  );
  return <HotspotOutlines hotspots={hotspots} visible={visible} popup={popup} />;
}
