import type { Database } from '../../db/client';
import { findIndicatorAreas, readPanelRows, rollupSeries, type IndicatorArea, type PanelRow } from '../../db/queries/indicators';
import type { Scope } from '../../db/scope';
import type { CaseKind } from '../../db/vocab';
import {
  bucketStarts,
  COUNTER_KEYS,
  compareForRanking,
  indicatorsOf,
  periodDays,
  ZERO_COUNTERS,
  ZERO_NOW,
  type Counters,
  type Indicators,
  type NowCounts,
  type Period,
  type TrendBucket,
} from '../domain/indicators';
import { AppError } from '../errors';
import { withRetry } from './retry';

/** An area as indicator answers name it. */
export interface AreaRef {
  code: string;
  name: string;
  nameEn: string | null;
  level: IndicatorArea['level'];
}

export interface PeriodView extends Period {
  days: number;
  timeZone: 'Asia/Shanghai';
}

/** GET /api/indicators */
export interface IndicatorPanel {
  area: AreaRef & { path: string[] };
  period: PeriodView;
  kind: CaseKind | 'all';
  /** When "now" (open, overdue, warning) was read. */
  asOf: string;
  indicators: Indicators;
  /** The areas one level down, ranked (1 = best; see compareForRanking); null unless asked for. */
  children: Array<AreaRef & { rank: number; indicators: Indicators }> | null;
}

/** GET /api/indicators/trend */
export interface IndicatorTrend {
  area: AreaRef & { path: string[] };
  period: PeriodView;
  kind: CaseKind | 'all';
  bucket: TrendBucket;
  /** Every bucket of the period, oldest first, zero-filled; `open`/`overdue`/`warning` are not historical and are absent. */
  series: Array<{ start: string } & Omit<Indicators, keyof NowCounts>>;
}

const areaRef = ({ code, name, nameEn, level }: IndicatorArea): AreaRef => ({ code, name, nameEn, level });
const periodView = (p: Period): PeriodView => ({ ...p, days: periodDays(p), timeZone: 'Asia/Shanghai' });

/**
 * One statement (readPanelRows): the area, its children, their rollup sums and open
 * counts. Its work is bounded by construction (per area listed: at most 366 days ×
 * 2 kinds × 8 shards of rollup rows and 16 counter rows, by primary key), so it runs
 * outside a transaction, without the statement timeout's round trips.
 */
export async function readIndicatorPanel(
  database: Database,
  scope: Scope,
  query: { period: Period; children: boolean; kind?: CaseKind },
): Promise<IndicatorPanel> {
  const rows = await withRetry(() => readPanelRows(database, scope, query.period, { children: query.children, kind: query.kind }));
  const [self, ...children] = rows;
  // The scope was narrowed from a verified jurisdiction, so the area exists unless it was deleted meanwhile.
  if (!self?.self) throw new AppError('NOT_FOUND', `no area ${scope.code}`, { path: 'area' });
  const indicatorsFor = (row: PanelRow) => {
    const { open, overdue, warning } = row;
    const counters = Object.fromEntries(COUNTER_KEYS.map((k) => [k, row[k]])) as Counters;
    return indicatorsOf(counters, { open, overdue, warning });
  };
  const ranked = children
    .map((child) => ({ ...areaRef(child), indicators: indicatorsFor(child) }))
    .sort(compareForRanking)
    .map((child, i) => ({ ...child, rank: i + 1 }));
  return {
    area: { ...areaRef(self), path: self.path },
    period: periodView(query.period),
    kind: query.kind ?? 'all',
    asOf: new Date().toISOString(),
    indicators: indicatorsFor(self),
    children: query.children ? ranked : null,
  };
}

/** Like the panel, bounded by construction (one area, at most 366 days × 2 kinds × 8 shards), so no transaction. */
export async function readIndicatorTrend(
  database: Database,
  scope: Scope,
  query: { period: Period; bucket: TrendBucket; kind?: CaseKind },
): Promise<IndicatorTrend> {
  const [found, rows] = await withRetry(() =>
    Promise.all([findIndicatorAreas(database, scope, { children: false }), rollupSeries(database, scope.code, query.period, query.bucket, query.kind)]),
  );
  if (!found) throw new AppError('NOT_FOUND', `no area ${scope.code}`, { path: 'area' });
  const { area } = found;
  const byStart = new Map(rows.map(({ start, ...counters }) => [start, counters as Counters]));
  const series = bucketStarts(query.period, query.bucket).map((start) => {
    const { open: _o, overdue: _d, warning: _w, ...rest } = indicatorsOf(byStart.get(start) ?? ZERO_COUNTERS, ZERO_NOW);
    return { start, ...rest };
  });
  return { area: { ...areaRef(area), path: area.path }, period: periodView(query.period), kind: query.kind ?? 'all', bucket: query.bucket, series };
}
