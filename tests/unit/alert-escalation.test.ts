import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ESCALATION_STEP_MS,
  MAX_ALERT_ESCALATION,
  escalationLevelAt,
  escalationTarget,
  levelsBetween,
  nextEscalationAt,
} from '../../server/domain/alerts/escalation';
import { SEVERITIES } from '../../db/vocab';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

describe('alert escalation rule', () => {
  it('steps by severity: Extreme 5 min, Severe 15 min, Moderate 60 min; Minor and Unknown never', () => {
    expect(ESCALATION_STEP_MS).toEqual({ Extreme: 5 * MIN, Severe: 15 * MIN, Moderate: 60 * MIN, Minor: null, Unknown: null });
    expect(escalationLevelAt('Extreme', T0, T0 + 5 * MIN - 1)).toBe(0);
    expect(escalationLevelAt('Extreme', T0, T0 + 5 * MIN)).toBe(1);
    expect(escalationLevelAt('Extreme', T0, T0 + 10 * MIN)).toBe(2);
    expect(escalationLevelAt('Extreme', T0, T0 + 24 * 60 * MIN)).toBe(MAX_ALERT_ESCALATION);
    expect(escalationLevelAt('Severe', T0, T0 + 29 * MIN)).toBe(1);
    expect(escalationLevelAt('Moderate', T0, T0 + 60 * MIN)).toBe(1);
    expect(escalationLevelAt('Minor', T0, T0 + 365 * 24 * 60 * MIN)).toBe(0);
    expect(escalationLevelAt('Extreme', T0, T0 - MIN)).toBe(0);
  });

  it('schedules the next level, and none after the last', () => {
    expect(nextEscalationAt('Extreme', T0, 0)).toBe(T0 + 5 * MIN);
    expect(nextEscalationAt('Extreme', T0, 1)).toBe(T0 + 10 * MIN);
    expect(nextEscalationAt('Extreme', T0, MAX_ALERT_ESCALATION)).toBeNull();
    expect(nextEscalationAt('Unknown', T0, 0)).toBeNull();
  });

  it('answers to the level above the district, the root at most', () => {
    const path = ['520100', '520102'];
    expect(escalationTarget(path, 0)).toBe('520102');
    expect(escalationTarget(path, 1)).toBe('520100');
    expect(escalationTarget(path, 2)).toBe('520100');
    expect(escalationTarget(['520100', '520102', '520102001'], 2)).toBe('520100');
  });

  it('announces every level exactly once, whatever the sweep times (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEVERITIES),
        fc.array(fc.integer({ min: 0, max: 3 * 60 * MIN }), { maxLength: 20 }),
        (severity, offsets) => {
          let level = 0;
          const announced: number[] = [];
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const due = nextEscalationAt(severity, T0, level);
            if (due === null || T0 + offset < due) continue; // the sweep only picks rows that are due
            const to = Math.max(level, escalationLevelAt(severity, T0, T0 + offset));
            announced.push(...levelsBetween(level, to));
            level = to;
          }
          expect(announced).toEqual(Array.from({ length: announced.length }, (_, i) => i + 1));
          expect(level).toBeLessThanOrEqual(MAX_ALERT_ESCALATION);
          const last = offsets.length ? Math.max(...offsets) : -1;
          if (last >= 0) expect(level).toBe(escalationLevelAt(severity, T0, T0 + last));
        },
      ),
    );
  });
});
