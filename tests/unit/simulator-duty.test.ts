import { describe, expect, it } from 'vitest';
import { DUTY_ACK_SHARE, dutyAckAt } from '../../server/simulator/alert-duty';

/**
 * The simulated duty officers' plan (server/simulator/alert-duty.ts): deterministic
 * from (seed, alert, area); most alerts acknowledged, some left to escalate; the
 * delay shorter the more severe, and some Extreme ones late enough to escalate once.
 */
const MIN = 60_000;
const STORED = Date.parse('2026-06-01T02:00:00Z');

function draws(severity: 'Extreme' | 'Severe' | 'Moderate', n = 4000) {
  return Array.from({ length: n }, (_, i) => dutyAckAt(7, i + 1, i % 2 ? '520102' : '520103', severity, STORED));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('simulated duty officers', () => {
  it('plans the same acknowledgement for the same (seed, alert, area), and differently per district', () => {
    expect(dutyAckAt(7, 42, '520102', 'Extreme', STORED)).toBe(dutyAckAt(7, 42, '520102', 'Extreme', STORED));
    const perArea = Array.from({ length: 50 }, (_, i) => [dutyAckAt(7, i, '520102', 'Severe', STORED), dutyAckAt(7, i, '520103', 'Severe', STORED)]);
    expect(perArea.some(([a, b]) => a !== b)).toBe(true);
  });

  it('acknowledges most alerts and leaves the rest to escalate', () => {
    const all = draws('Severe');
    const share = all.filter((at) => at !== null).length / all.length;
    expect(Math.abs(share - DUTY_ACK_SHARE)).toBeLessThan(0.03);
    expect(share).toBeLessThan(1);
  });

  it('answers quicker the more severe the alert; never at once; some Extreme ones only after the 5-minute escalation', () => {
    const delays = (severity: 'Extreme' | 'Severe' | 'Moderate') => draws(severity).flatMap((at) => (at === null ? [] : [at - STORED]));
    const extreme = delays('Extreme');
    const severe = delays('Severe');
    const moderate = delays('Moderate');
    expect(median(extreme)).toBeLessThan(median(severe));
    expect(median(severe)).toBeLessThan(median(moderate));
    expect(Math.min(...extreme, ...severe, ...moderate)).toBeGreaterThanOrEqual(20_000);
    const late = extreme.filter((d) => d >= 5 * MIN).length / extreme.length;
    expect(late).toBeGreaterThan(0.02);
    expect(late).toBeLessThan(0.3);
    // A Severe alert is nearly always answered within its 15-minute step, when it is answered at all.
    expect(severe.filter((d) => d < 15 * MIN).length / severe.length).toBeGreaterThan(0.9);
  });
});
