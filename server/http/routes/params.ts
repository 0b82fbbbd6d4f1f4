import { z } from 'zod';

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
