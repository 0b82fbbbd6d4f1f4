'use client';

import { useCallback, useEffect, useMemo } from 'react';
import type { ClientConfig, IndicatorPanel, IndicatorTrend } from '../../server/protocol/rest';
import { AREA_LEVELS, type AreaLevel } from '../../server/protocol/vocab';
import { ApiRequestError } from '../lib/api';
import { formatIndicator } from '../lib/indicator-format';
import { fetchIndicatorPanel, fetchIndicatorTrend } from '../lib/indicators-api';
import { useLiveQuery } from '../lib/live-query';
import type { Me } from '../lib/session';
import type { WallStore } from '../lib/store';
import type { ChildValue } from './map/ChildShading';
import { scaleFor } from './map/shade';
import { trendOf } from '../lib/period';
import { useLeaderT } from './strings';
import Breadcrumb, { rememberNames } from './ui/Breadcrumb';
import Exports from './ui/Exports';
import KpiCards from './ui/KpiCards';
import MapPanel from './ui/MapPanel';
import PeriodSwitch from './ui/PeriodSwitch';
import Ranking from './ui/Ranking';
import TrendChart from './ui/TrendChart';
import { useLeaderLocation } from './url-state';

function childLevelOf(level: AreaLevel): AreaLevel | null {
  const i = AREA_LEVELS.indexOf(level);
  return i >= 0 && i < AREA_LEVELS.length - 1 ? AREA_LEVELS[i + 1]! : null;
}

/** The part of an area's path from the caller's jurisdiction down (the levels above are not theirs to open). */
function crumbsOf(path: readonly string[], self: string, jurisdiction: string | null): string[] {
  const full = path[path.length - 1] === self ? [...path] : [...path, self];
  const start = jurisdiction ? full.indexOf(jurisdiction) : 0;
  return start > 0 ? full.slice(start) : full;
}

/**
 * The leader's view of one area and period: breadcrumb, period switch, KPI cards,
 * the map of its children shaded by the chosen indicator, their ranking, the trend,
 * and the exports. Panel and trend re-fetch (debounced) on live case events.
 */
export default function LeaderView({ store, me, config }: { store: WallStore; me: Me; config: ClientConfig | null }) {
  const tr = useLeaderT();
  const [location, go] = useLeaderLocation();
  const { area, period, shade } = location;

  const panelKey = `${area ?? ''}|${period.from}|${period.to}`;
  const panel = useLiveQuery<IndicatorPanel>(panelKey, (signal) => fetchIndicatorPanel(area, period, signal), store);
  const trendSpec = trendOf(period);
  const trendKey = `${area ?? ''}|${trendSpec.period.from}|${trendSpec.period.to}|${trendSpec.bucket}`;
  const trend = useLiveQuery<IndicatorTrend>(trendKey, (signal) => fetchIndicatorTrend(area, trendSpec.period, trendSpec.bucket, signal), store);

  const data = panel.data;
  const current = panel.dataKey === panelKey;
  useEffect(() => {
    if (data) rememberNames([data.area, ...(data.children ?? [])]);
  }, [data]);

  const select = useCallback(
    (code: string) => {
      go({ ...location, area: code }, 'push');
      // A row tapped far down the page: the new area starts at the top (its name, cards and map).
      window.scrollTo({ top: 0 });
    },
    [go, location],
  );
  const childLevel = data ? childLevelOf(data.area.level) : null;
  const children = data?.children ?? null;
  const scale = useMemo(() => scaleFor(shade, (children ?? []).map((c) => c.indicators[shade] as number | null)), [children, shade]);
  const values = useMemo(() => {
    const map = new Map<string, ChildValue>();
    for (const c of children ?? []) {
      const value = c.indicators[shade] as number | null;
      map.set(c.code, { name: tr.base.areaName(c.name, c.nameEn), value, text: formatIndicator(shade, value, tr.lang) });
    }
    return map;
  }, [children, shade, tr]);

  const notFound = panel.error instanceof ApiRequestError && panel.error.status === 404 && !current;
  const jurisdiction = me.area?.code ?? null;
  const crumbs = data ? crumbsOf(data.area.path, data.area.code, jurisdiction) : [];

  return (
    <main className="leader-main" data-area={data?.area.code ?? ''} data-loading={panel.loading || !current}>
      <div className="leader-bar">
        {data && crumbs.length > 1 ? <Breadcrumb path={crumbs} onSelect={select} /> : <span />}
        <PeriodSwitch period={period} onChange={(p) => go({ ...location, period: p }, 'push')} />
      </div>
      {notFound ? (
        <div className="leader-error" role="alert" data-testid="not-found">
          <p>{tr.s('notFound')}</p>
          <button type="button" className="leader-button" onClick={() => go({ ...location, area: null }, 'push')}>
            {tr.s('goHome')}
          </button>
        </div>
      ) : panel.error && !data ? (
        <p className="leader-status" role="status">
          {tr.s('loadFailed')}
        </p>
      ) : null}
      <div className="leader-grid">
        <div className="leader-area-head">
          <h2 className="leader-area-name" data-testid="area-name">
            {data ? tr.base.areaName(data.area.name, data.area.nameEn) : '…'}
            {data ? <span className="leader-area-level">{tr.level(data.area.level)}</span> : null}
          </h2>
          <span className="leader-asof" data-testid="updated-at">
            {panel.at ? `${tr.s('updatedAt')} ${tr.base.time(panel.at)} · ${tr.s('asOf')}` : ''}
          </span>
        </div>
        <KpiCards indicators={data?.indicators ?? null} stale={!current} />
        <MapPanel
          config={config}
          area={data ? { code: data.area.code, level: data.area.level } : null}
          childLevel={childLevel}
          values={values}
          scale={scale}
          shade={shade}
          onShade={(key) => go({ ...location, shade: key }, 'replace')}
          onSelect={select}
        />
        <Ranking rows={current ? children : null} childLevel={data ? childLevel : undefined} shade={shade} scale={scale} onSelect={select} />
        <TrendChart trend={trend.data} stale={trend.dataKey !== trendKey} />
        <Exports area={data?.area.code ?? area} period={period} />
      </div>
    </main>
  );
}
