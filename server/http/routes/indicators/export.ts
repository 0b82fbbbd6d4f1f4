import { contentDisposition, exportFileName, indicatorCsv, indicatorXlsx } from '../../../services/indicator-export';
import { readIndicatorPanel } from '../../../services/indicators';
import { defineRoute, type RouteInput } from '../../route';
import { requestScope } from '../scope';
import { exportQuery, periodOf } from './query';
import type { z } from 'zod';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function panelFor({ ctx, actor, query }: Pick<RouteInput<z.infer<typeof exportQuery>, undefined, undefined, 'indicators.read'>, 'ctx' | 'actor' | 'query'>) {
  const period = periodOf(query);
  const scope = await requestScope(ctx.database, actor, query.area);
  return readIndicatorPanel(ctx.database, scope, { period, kind: query.kind, children: true });
}

const description =
  'The area first, then its children in ranking order; the file name carries the area name, code and period (last day inclusive). ' +
  'Same query as GET /api/indicators.';

export const exportIndicatorsCsv = defineRoute({
  method: 'get',
  path: '/api/indicators/export.csv',
  tags: ['indicators'],
  summary: 'The indicator table of an area and its children as CSV (UTF-8 with BOM; rates in %)',
  description,
  access: 'indicators.read',
  query: exportQuery,
  responses: { 200: { description: 'CSV', contentType: 'text/csv' }, 404: { description: 'No such area in your jurisdiction' } },
  handle: async (input) => {
    const panel = await panelFor(input);
    return new Response(indicatorCsv(panel), {
      status: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': contentDisposition(exportFileName(panel, 'csv')), 'cache-control': 'no-store' },
    });
  },
});

export const exportIndicatorsXlsx = defineRoute({
  method: 'get',
  path: '/api/indicators/export.xlsx',
  tags: ['indicators'],
  summary: 'The indicator table of an area and its children as an Excel workbook (exact values, number formats)',
  description,
  access: 'indicators.read',
  query: exportQuery,
  responses: { 200: { description: 'XLSX', contentType: XLSX }, 404: { description: 'No such area in your jurisdiction' } },
  handle: async (input) => {
    const panel = await panelFor(input);
    const body = await indicatorXlsx(panel);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { 'content-type': XLSX, 'content-disposition': contentDisposition(exportFileName(panel, 'xlsx')), 'cache-control': 'no-store' },
    });
  },
});
