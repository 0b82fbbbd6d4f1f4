import { z } from 'zod';
import { QUEUE_TABS, readQueueView, type QueueCursor } from '../../../../db/queries/queue';
import { CASE_CHANNELS, SEVERITIES } from '../../../protocol/vocab';
import { areaCodeSchema } from '../../../protocol/wire';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';

export const QUEUE_MAX_LIMIT = 200;

/** `a,b,c` → distinct values, each checked by `item`. */
const listParam = <T extends string>(item: z.ZodType<T, string>) =>
  z
    .string()
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(item).max(50));

const ISO_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The cursor is opaque to clients: base64url of `{ d: deadline (µs ISO) | null, i: id }`. */
export function encodeQueueCursor(cursor: QueueCursor): string {
  return Buffer.from(JSON.stringify({ d: cursor.dueAt, i: cursor.id })).toString('base64url');
}

const cursorParam = z
  .string()
  .max(200)
  .transform((value, ctx): QueueCursor => {
    try {
      const { d, i } = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { d: unknown; i: unknown };
      if ((d === null || (typeof d === 'string' && ISO_US.test(d) && !Number.isNaN(Date.parse(d)))) && Number.isSafeInteger(i) && (i as number) > 0) {
        return { dueAt: d, id: i as number };
      }
    } catch {
      // fall through
    }
    ctx.addIssue({ code: 'custom', message: 'cursor is not one this server returned' });
    return z.NEVER;
  });

const queueQuery = z.object({
  tab: z.enum(QUEUE_TABS).default('register'),
  category: listParam(z.string().regex(/^[\w-]{1,16}$/, 'category codes are letters and digits')).optional(),
  severity: listParam(z.enum(SEVERITIES)).optional(),
  channel: listParam(z.enum(CASE_CHANNELS)).optional(),
  area: areaCodeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_MAX_LIMIT).default(50),
  cursor: cursorParam.optional(),
  /** `counts=false`: the page only (a live refresh of the list); counting every live case of the jurisdiction is the costly part. */
  counts: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export const dispatchQueue = defineRoute({
  method: 'get',
  path: '/api/dispatch/queue',
  tags: ['dispatch'],
  summary: 'The dispatch queue of your jurisdiction: one tab, soonest deadline first, with the count of every tab',
  description:
    'Tabs: `register` 待立案 (reported), `dispatch` 待派遣 (registered, returned), `handling` 处置中 (dispatched, in_progress, suspended), ' +
    '`verify` 待核查 (handled), `overdue` 已超时 (any live case whose running stage is overdue). Sorted by `sla.dueAt` ascending, cases ' +
    'without a deadline (suspended) last, then by id. Filters (comma-separated lists) apply to the page and to `counts` alike; ' +
    '`counts` comes with a first page (no `cursor`) unless `counts=false`, and is null otherwise. ' +
    '`next` is an opaque cursor for the following page (null on the last). `seq` is the feed head the answer is consistent with: ' +
    'subscribe with `since: seq` and apply `case.updated` events on top.',
  access: 'cases.queue',
  query: queueQuery,
  responses: {
    200: { description: '`{ tab, area, seq, at, counts: { register, dispatch, handling, verify, overdue } | null, cases: [CaseEventData & { address, warnAt }], next }`' },
    404: { description: 'The area is not in your jurisdiction' },
  },
  handle: async ({ ctx, query, actor }) => {
    const scope = await requestScope(ctx.database, actor, query.area);
    const view = await readQueueView(
      ctx.database,
      scope,
      query.tab,
      { categories: query.category, severities: query.severity, channels: query.channel },
      { limit: query.limit, cursor: query.cursor ?? null, counts: query.counts },
      ctx.config.statementTimeoutMs,
    );
    return {
      status: 200,
      body: {
        tab: query.tab,
        area: scope.code,
        seq: view.seq,
        at: view.at,
        counts: view.counts,
        cases: view.rows,
        next: view.next ? encodeQueueCursor(view.next) : null,
      },
    };
  },
});
