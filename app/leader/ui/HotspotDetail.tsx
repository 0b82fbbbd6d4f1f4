'use client';

import type { HotspotEventData } from '../../../server/protocol/wire';
import { topicsByCount, TREND_COLOURS, useHotspotWords, type LiveTrend } from '../../lib/hotspot-labels';
import { useT } from '../../lib/i18n';

/**
 * What a tap on a hotspot opens under the leader's map: its topics (catalogue names)
 * and the areas it covers, each with its appeal count, and how it is trending.
 * Aggregates only, as the hotspot itself.
 */
export default function HotspotDetail({ hotspot, onClose }: { hotspot: HotspotEventData; onClose: () => void }) {
  const w = useHotspotWords();
  const tr = useT();
  const colour = TREND_COLOURS[hotspot.trend as LiveTrend] ?? '#94a3b8';
  return (
    <section className="leader-hotspot" data-testid="hotspot-detail" data-hotspot-id={hotspot.id} aria-labelledby="hotspot-title" style={{ borderColor: colour }}>
      <div className="leader-hotspot-head">
        <h3 id="hotspot-title">
          <span className="leader-hotspot-dot" style={{ background: colour }} aria-hidden="true" />
          {w.title(hotspot)}
        </h3>
        <button type="button" className="leader-button leader-hotspot-close" onClick={onClose} aria-label={w.w('close')}>
          ×
        </button>
      </div>
      <p className="leader-hotspot-count">
        <strong data-testid="hotspot-count">{tr.number(hotspot.count)}</strong> {w.w('appeals')}
        {hotspot.previousCount !== null ? <span>{` · ${w.w('previous')} ${tr.number(hotspot.previousCount)}`}</span> : null}
        <span>{` · ${w.w('peak')} ${tr.number(hotspot.peakCount)}`}</span>
        <span>{` · ${w.w('firstSeen')} ${tr.dateTime(hotspot.firstSeen)}`}</span>
      </p>
      {hotspot.alertId !== null ? <p className="leader-hotspot-alert">{w.w('raisedAlert')}</p> : null}
      <div className="leader-hotspot-lists">
        <div>
          <h4>{w.w('topics')}</h4>
          <ul data-testid="hotspot-topics">
            {topicsByCount(hotspot).map(([topic, n]) => (
              <li key={topic}>
                <span>{w.topic(topic)}</span>
                <span className="leader-hotspot-n">{tr.number(n)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h4>{w.w('areas')}</h4>
          <ul data-testid="hotspot-areas">
            {[...hotspot.areas]
              .sort((a, b) => b.count - a.count)
              .map((a) => (
                <li key={a.code}>
                  <span>{a.name}</span>
                  <span className="leader-hotspot-n">{tr.number(a.count)}</span>
                </li>
              ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
