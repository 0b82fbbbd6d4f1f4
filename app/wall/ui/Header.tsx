'use client';

import { useEffect, useState } from 'react';
import { useLangToggle, useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';

/** Title, city, connection pill with last-update time, clock and the 中/EN switch. */
export default function Header() {
  const tr = useT();
  const config = useWall((s) => s.config);
  const toggle = useLangToggle();
  const city = config ? tr.areaName(config.cityName, config.cityNameEn) : '';

  return (
    <header className="wall-header" data-map-inset>
      <div className="wall-title">
        <h1>{tr.t('title')}</h1>
        {city && city !== '—' ? <span className="wall-city">{city}</span> : null}
        <span className="wall-subtitle">{tr.t('subtitle')}</span>
      </div>
      <div className="wall-header-right">
        <ConnectionStatus />
        <Clock />
        <button
          type="button"
          className="lang-toggle"
          onClick={toggle}
          aria-label={tr.t('switchTo')}
          title={tr.t('switchLabel')}
        >
          {tr.t('switchTo')}
        </button>
      </div>
    </header>
  );
}

function ConnectionStatus() {
  const tr = useT();
  const status = useWall((s) => s.status);
  const lastUpdateAt = useWall((s) => s.lastUpdateAt);
  return (
    <div className="status-block">
      <span className="status-pill" data-testid="connection-status" data-state={status} role="status">
        <span className="status-dot" aria-hidden="true" />
        {tr.t(`status_${status}`)}
      </span>
      <span className="last-update" data-testid="last-update">
        {tr.t('lastUpdate')} {lastUpdateAt ? tr.time(lastUpdateAt) : tr.t('never')}
      </span>
    </div>
  );
}

function Clock() {
  const tr = useT();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  return (
    <time className="wall-clock" suppressHydrationWarning>
      {now ? `${tr.date(now)} ${tr.time(now)}` : ''}
    </time>
  );
}
