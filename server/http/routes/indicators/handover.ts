import { z } from 'zod';
import { AppError } from '../../../errors';
import { areaCodeSchema } from '../../../protocol/wire';
import { MAX_SHIFT_HOURS, readHandover } from '../../../services/handover';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';

const HOUR_MS = 3_600_000;
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

export const handoverReport = defineRoute({
  method: 'get',
  path: '/api/handover',
  tags: ['indicators'],
  summary: 'The shift handover report (交接班报告): what came in, what closed, what is overdue now, the alerts of the shift',
  description:
    `\`from\`/\`to\` are ISO 8601 instants with an offset (e.g. 2026-05-11T08:00:00+08:00), \`to\` exclusive; default the 12 hours up to now; at most ${MAX_SHIFT_HOURS} hours.`,
  access: 'indicators.read',
  query: z.object({ area: areaCodeSchema.optional(), from: instant.optional(), to: instant.optional() }),
  responses: { 200: { description: 'Handover' }, 404: { description: 'No such area in your jurisdiction' } },
  handle: async ({ ctx, actor, query }) => {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - 12 * HOUR_MS);
    if (to <= from) throw new AppError('BAD_QUERY', 'invalid query parameters: to: must be after from', [{ path: 'to', message: 'must be after from' }]);
    if (to.getTime() - from.getTime() > MAX_SHIFT_HOURS * HOUR_MS) {
      throw new AppError('BAD_QUERY', `invalid query parameters: to: a shift is at most ${MAX_SHIFT_HOURS} hours`, [{ path: 'to', message: `at most ${MAX_SHIFT_HOURS} hours` }]);
    }
    const scope = await requestScope(ctx.database, actor, query.area);
    return { status: 200, body: await readHandover(ctx.database, scope, { from, to }, { statementTimeoutMs: ctx.config.statementTimeoutMs }) };
  },
});
