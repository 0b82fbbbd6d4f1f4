'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { useAreaNames } from '../../lib/area-names';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { SEVERITY_COLOURS } from '../map/support';
import { useWallExtrasT } from './strings';
import { tickerOrder } from './ticker-order';

/** Scroll speed of an overflowing ticker, in root-font units per second (so a 4K wall scrolls as fast to the eye). */
const REM_PER_SECOND = 4;

/**
 * The alert ticker along the bottom of the wall: every live alert, those still
 * awaiting acknowledgement first with the districts that have not signed. When the
 * line is longer than the screen it scrolls (paused under a pointer, still for
 * people who ask for reduced motion).
 */
export default function AlertTicker() {
  const tr = useT();
  const t = useWallExtrasT();
  const alerts = useWall((s) => s.alerts);
  const names = useAreaNames();
  const ordered = useMemo(() => tickerOrder(alerts.values()), [alerts]);
  const viewport = useRef<HTMLDivElement | null>(null);
  const first = useRef<HTMLUListElement | null>(null);
  const [scroll, setScroll] = useState<{ seconds: number } | null>(null);

  useEffect(() => {
    const box = viewport.current;
    const list = first.current;
    if (!box || !list) return;
    const measure = () => {
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      const overflow = list.scrollWidth > box.clientWidth;
      setScroll(overflow ? { seconds: Math.max(10, list.scrollWidth / (rem * REM_PER_SECOND)) } : null);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    observer.observe(list);
    return () => observer.disconnect();
  }, [ordered, names]);

  const nameOf = (code: string) => {
    const n = names?.get(code);
    return n ? tr.areaName(n.name, n.nameEn) : code;
  };

  const items = (copy: boolean) =>
    ordered.map((alert) => {
      const pending = alert.ack.pending;
      return (
        <li key={alert.id} className="ticker-item" data-alert-id={copy ? undefined : alert.id} data-pending={pending.length > 0}>
          <span className="ticker-severity" style={{ background: SEVERITY_COLOURS[alert.severity] }}>
            {tr.severity(alert.severity)}
          </span>
          <span className="ticker-type">{tr.alertType(alert.eventType)}</span>
          <span className="ticker-headline">{alert.headline}</span>
          {pending.length > 0 ? (
            <span className="ticker-ack" data-state="pending">
              {t('pendingAck')}: {pending.map(nameOf).join('、')}
            </span>
          ) : alert.ack.acknowledged.length > 0 ? (
            <span className="ticker-ack" data-state="done">
              {t('allAcked')}
            </span>
          ) : null}
        </li>
      );
    });

  return (
    <section className="alert-ticker" data-map-inset aria-labelledby="ticker-title" data-testid="alert-ticker" data-scrolling={scroll !== null}>
      <h2 className="ticker-title" id="ticker-title">
        {t('ticker')}
        <span className="ticker-count">{ordered.length}</span>
      </h2>
      <div className="ticker-viewport" ref={viewport}>
        {ordered.length === 0 ? (
          <p className="ticker-empty">{t('tickerEmpty')}</p>
        ) : (
          <div className="ticker-track" style={scroll ? { animationDuration: `${scroll.seconds}s` } : undefined}>
            <ul className="ticker-list" ref={first}>
              {items(false)}
            </ul>
            {scroll ? (
              <ul className="ticker-list" aria-hidden="true">
                {items(true)}
              </ul>
            ) : null}
          </div>
        )}
      </div>
    </section>
  );
}
