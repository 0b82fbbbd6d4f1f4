import { betterWhen, columnOf, type IndicatorKey } from '../../lib/indicator-format';

/**
 * Colours of the leader's choropleth: 红黄绿 for indicators with a better direction
 * (green is good whichever way "good" points: no overdue is green, a 100 % on-time
 * rate is green), one cyan ramp for plain volumes (new, closed). Fixed domains for
 * rates and the score, so 96 % never looks alarming just because a sibling has 100 %;
 * counts and hours scale to the largest sibling.
 */
export const GOOD_TO_BAD = ['#16a34a', '#84cc16', '#facc15', '#f97316', '#dc2626'] as const;
export const VOLUME = ['#164e63', '#0e7490', '#0891b2', '#06b6d4', '#67e8f9'] as const;

export interface Scale {
  domain: [number, number];
  /** Colours from the low end of the domain to the high end. */
  colours: readonly string[];
}

export function scaleFor(key: IndicatorKey, values: ReadonlyArray<number | null>): Scale {
  const present = values.filter((v): v is number => v !== null);
  const max = present.length > 0 ? Math.max(...present) : 0;
  const min = present.length > 0 ? Math.min(...present) : 0;
  const better = betterWhen(key);
  const colours = better === null ? VOLUME : better === 'low' ? GOOD_TO_BAD : [...GOOD_TO_BAD].reverse();
  const { format } = columnOf(key);
  let domain: [number, number];
  if (key === 'score') domain = [50, 100];
  else if (key === 'reworkRate') domain = [0, 0.3];
  else if (format === 'rate') domain = [0.5, 1];
  else if (format === 'hours') domain = [min, Math.max(max, min + 1)];
  else domain = [0, Math.max(max, 1)];
  return { domain, colours };
}

/** The fill of one value: a colour step of the scale, or none (null: nothing to rate). */
export function colourOf(value: number | null, scale: Scale): string | null {
  if (value === null) return null;
  const [lo, hi] = scale.domain;
  const t = hi > lo ? Math.min(1, Math.max(0, (value - lo) / (hi - lo))) : 0;
  const n = scale.colours.length;
  return scale.colours[Math.min(n - 1, Math.floor(t * n))]!;
}
