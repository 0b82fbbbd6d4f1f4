import { z } from 'zod';
import { AppError, issuesOf } from '../../errors';

/** Parses URL query parameters with a zod schema; failures are 400 BAD_QUERY naming each parameter. */
export function parseQuery<T extends z.ZodType>(schema: T, url: URL): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw new AppError('BAD_QUERY', 'invalid query parameters', issuesOf(parsed.error));
  return parsed.data;
}

/** Parses a JSON body with a zod schema; failures are 400 VALIDATION_FAILED naming each field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const details = issuesOf(parsed.error);
    throw new AppError('VALIDATION_FAILED', `invalid request body: ${details[0]?.path || '(root)'}: ${details[0]?.message}`, details);
  }
  return parsed.data;
}

export const bboxParam = z
  .string()
  .transform((value, ctx) => {
    const parts = value.split(',').map(Number);
    const [w, s, e, n] = parts;
    if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p)) || w! < -180 || e! > 180 || s! < -90 || n! > 90 || w! >= e! || s! >= n!) {
      ctx.addIssue({ code: 'custom', message: 'bbox is west,south,east,north in degrees' });
      return z.NEVER;
    }
    return [w!, s!, e!, n!] as [number, number, number, number];
  });
