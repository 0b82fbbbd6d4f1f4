import { readIndicatorPanel, readIndicatorTrend } from '../../../services/indicators';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';
import { panelQuery, periodOf, trendQuery } from './query';

export const indicatorPanel = defineRoute({
  method: 'get',
  path: '/api/indicators',
  tags: ['indicators'],
  summary: "An area's evaluation indicators over a period, and with `children=1` each child area's, ranked",
  description:
    'Period: whole Asia/Shanghai days `from` (inclusive) to `to` (exclusive), YYYY-MM-DD, at most 366 days; default today. ' +
    'Counts of the period come from the per-day rollups; `open`, `overdue` and `warning` are the cases open now. ' +
    'Formulas, score weights and the star rule: docs/indicators.md.',
  access: 'indicators.panel',
  query: panelQuery,
  responses: { 200: { description: 'IndicatorPanel' }, 404: { description: 'No such area in your jurisdiction' } },
  handle: async ({ ctx, actor, query }) => {
    const period = periodOf(query);
    const scope = await requestScope(ctx.database, actor, query.area);
    const body = await readIndicatorPanel(ctx.database, scope, { ...query, period });
    return { status: 200, body };
  },
});

export const indicatorTrend = defineRoute({
  method: 'get',
  path: '/api/indicators/trend',
  tags: ['indicators'],
  summary: "An area's indicators per day, ISO week or month of a period (zero-filled)",
  description: 'Buckets at the edges of the period hold only the days inside it; `start` is the bucket’s first day.',
  access: 'indicators.panel',
  query: trendQuery,
  responses: { 200: { description: 'IndicatorTrend' }, 404: { description: 'No such area in your jurisdiction' } },
  handle: async ({ ctx, actor, query }) => {
    const period = periodOf(query);
    const scope = await requestScope(ctx.database, actor, query.area);
    const body = await readIndicatorTrend(ctx.database, scope, { ...query, period });
    return { status: 200, body };
  },
});
