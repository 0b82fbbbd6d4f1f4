'use client';

import type { IndicatorPanel } from '../../../server/protocol/rest';
import type { AreaLevel } from '../../../server/protocol/vocab';
import { formatIndicator, indicatorLabel, starText, type IndicatorKey } from '../../lib/indicator-format';
import { colourOf, type Scale } from '../map/shade';
import { useLeaderT } from '../strings';

type Child = NonNullable<IndicatorPanel['children']>[number];

/**
 * The children of the current area in ranking order (综合评分, then fewer overdue,
 * docs/indicators.md), with their stars, score, overdue count and the indicator the
 * map is shaded by; a row drills into its area. The keyboard's way down the levels.
 */
export default function Ranking({
  rows,
  childLevel,
  shade,
  scale,
  onSelect,
}: {
  rows: readonly Child[] | null;
  /** null: the area is a grid (no level below); undefined: not known yet. */
  childLevel: AreaLevel | null | undefined;
  shade: IndicatorKey;
  scale: Scale;
  onSelect: (code: string) => void;
}) {
  const tr = useLeaderT();
  const title = childLevel ? tr.s('rankingOf', { level: tr.level(childLevel) }) : tr.s('ranking');
  const extra: IndicatorKey | null = shade === 'score' || shade === 'overdue' ? null : shade;
  return (
    <section className="leader-panel leader-ranking" aria-labelledby="ranking-title" data-testid="ranking">
      <h2 id="ranking-title" className="leader-panel-title">
        {title}
      </h2>
      {childLevel === null ? (
        <p className="leader-empty">{tr.s('smallestUnit')}</p>
      ) : rows === null ? (
        <p className="leader-empty">{tr.s('loading')}</p>
      ) : rows.length === 0 ? (
        <p className="leader-empty">{tr.s('rankingEmpty')}</p>
      ) : (
        <ol className="leader-ranking-list">
          <li className="leader-ranking-head" aria-hidden="true">
            <span>{tr.s('rank')}</span>
            <span>{tr.s('area')}</span>
            <span>{tr.s('score')}</span>
            <span>{indicatorLabel('overdue', tr.lang)}</span>
            {extra ? <span>{indicatorLabel(extra, tr.lang)}</span> : null}
          </li>
          {rows.map((row) => {
            const name = tr.base.areaName(row.name, row.nameEn);
            const swatch = colourOf(row.indicators[shade] as number | null, scale);
            return (
              <li key={row.code} data-code={row.code} data-rank={row.rank} data-extra={extra ? 'yes' : 'no'}>
                <button type="button" onClick={() => onSelect(row.code)} aria-label={`${row.rank}. ${name}`}>
                  <span className="leader-rank" data-top={row.rank <= 3 && row.indicators.score !== null}>
                    {row.rank}
                  </span>
                  <span className="leader-ranking-name">
                    <span className="leader-swatch" style={{ background: swatch ?? 'transparent' }} aria-hidden="true" />
                    <span className="leader-ranking-text">
                      <span>{name}</span>
                      {row.indicators.stars !== null ? (
                        <span className="leader-stars" role="img" aria-label={`${tr.s('stars')}: ${row.indicators.stars}`} data-value={row.indicators.stars}>
                          {starText(row.indicators.stars)}
                        </span>
                      ) : null}
                    </span>
                  </span>
                  <span className="leader-num" data-testid="rank-score">
                    {formatIndicator('score', row.indicators.score, tr.lang)}
                  </span>
                  <span className="leader-num" data-tone={row.indicators.overdue > 0 ? 'bad' : undefined}>
                    {formatIndicator('overdue', row.indicators.overdue, tr.lang)}
                  </span>
                  {extra ? <span className="leader-num">{formatIndicator(extra, row.indicators[extra] as number | null, tr.lang)}</span> : null}
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
