import { z } from 'zod';
import { CASE_KINDS } from '../../../../db/vocab';
import { resolvePeriod, TREND_BUCKETS, type Period } from '../../../domain/indicators';
import { AppError } from '../../../errors';
import { areaCodeSchema } from '../../../protocol/wire';

/**
 * The query every indicator route takes: an area inside the caller's jurisdiction
 * (default: the jurisdiction), a period of whole Asia/Shanghai days [from, to)
 * (default: today) and optionally one case kind.
 */
const base = {
  area: areaCodeSchema.optional(),
  from: z.string().max(10).optional().describe('first day, YYYY-MM-DD (Asia/Shanghai); default: the day before `to`'),
  to: z.string().max(10).optional().describe('the day after the last, YYYY-MM-DD; default: tomorrow'),
  kind: z.enum(CASE_KINDS).optional(),
};

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const panelQuery = z.object({ ...base, children: flag.default(false) });
export const trendQuery = z.object({ ...base, bucket: z.enum(TREND_BUCKETS).default('day') });
export const exportQuery = z.object(base);

/** The period the query names; a bad or too long one is a 400 BAD_QUERY naming the field. */
export function periodOf(query: { from?: string; to?: string }): Period {
  const period = resolvePeriod(query, Date.now());
  if ('error' in period) throw new AppError('BAD_QUERY', `invalid query parameters: ${period.path}: ${period.error}`, [{ path: period.path, message: period.error }]);
  return period;
}
