import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ROLES } from '../../db/vocab';
import {
  decide,
  invariantViolations,
  REFUSAL_CODES,
  reportedCase,
  TERMINAL_STATUSES,
  TRANSITIONS,
  WORKFLOW_STATUSES,
  type CaseState,
  type CommandAction,
  type WorkflowActor,
} from '../../server/domain/workflow';
import { buildCalendar, chineseDaysYears, slaView, workingTimeBetween } from '../../server/domain/sla';

const calendar = buildCalendar(chineseDaysYears());
const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T09:00:00+08:00');
const LIMIT = { workHours: 8 } as const;

/** Each action's payload fields; each field is usually valid, sometimes missing or bad. */
const FIELDS: Record<CommandAction, string[]> = {
  register: ['note'],
  reject: ['reason'],
  dispatch: ['department', 'assigneeId', 'note'],
  accept: [],
  return: ['reason'],
  handle: ['note', 'photos'],
  close: ['note'],
  rework: ['reason'],
  merge: ['into'],
  suspend_request: ['reason'],
  suspend_approve: ['note'],
  suspend_refuse: ['reason'],
  resume: ['note'],
  extension_request: ['reason', 'extend'],
  extension_approve: ['note'],
  extension_refuse: ['reason'],
};
const VALUES = {
  reason: fc.constantFrom('blocked by works', 'duplicate report', 'waiting for parts', '', 'x', undefined),
  note: fc.constantFrom('cleared the pavement', 'done', 'ok', '', undefined),
  department: fc.constantFrom('water', 'city-management', '', undefined),
  assigneeId: fc.constantFrom(30, 40, 30, 0, undefined),
  photos: fc.constantFrom(['a.jpg'], [], [''], undefined),
  into: fc.constantFrom(1, 2, 3, -1, undefined),
  extend: fc.constantFrom({ workHours: 3 }, { workDays: 2 }, { hours: 4 }, { days: 1 }, undefined),
};
const ACTIONS = Object.keys(FIELDS) as CommandAction[];

/**
 * One random step. Most steps pick among the actions the table offers from the
 * current status (otherwise random sequences rarely get past 立案); the rest pick any
 * action. Roles, assignment, payloads and gaps stay random either way.
 */
const step = fc.record({
  steer: fc.integer({ min: 0, max: 9 }),
  pick: fc.nat(),
  payload: fc.record(VALUES),
  actor: fc.record({
    id: fc.integer({ min: 1, max: 4 }),
    role: fc.constantFrom(...ROLES, 'display' as const, 'api_client' as const),
    // 'assigned' becomes the case's assignee at run time.
    responderId: fc.constantFrom<number | null | 'assigned'>('assigned', 30, 40, null),
  }),
  // Minutes until the next command; now and then one dated before the last (refused as clock skew).
  gapMin: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 24 * 60 }) }, { weight: 1, arbitrary: fc.constant(-30) }),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function materialise(s: Step, c: CaseState, at: number): { action: CommandAction; command: Record<string, unknown>; actor: WorkflowActor } {
  // Steered steps rarely end the case (reject, merge, close), so runs get deep into the loop.
  const ends = (a: CommandAction) => typeof TRANSITIONS[a].to === 'string' && TERMINAL_STATUSES.has(TRANSITIONS[a].to as never);
  const offered = ACTIONS.filter((a) => TRANSITIONS[a].from.includes(c.status) && (s.steer < 2 || !ends(a)));
  const pool = s.steer < 9 && offered.length > 0 ? offered : ACTIONS;
  const action = pool[s.pick % pool.length]!;
  const command: Record<string, unknown> = { action, at };
  for (const f of FIELDS[action]) command[f] = s.payload[f as keyof typeof VALUES];
  const responderId = s.actor.responderId === 'assigned' ? c.assigneeId : s.actor.responderId;
  return { action, command, actor: { ...s.actor, responderId } };
}

/** Counted time by a formula other than slaView's: all working time minus the working time inside pauses. */
function countedOracle(c: CaseState, now: number): number {
  const clock = c.clock!;
  let ms = workingTimeBetween(clock.startedAt, now, calendar).ms;
  for (const p of clock.pauses) ms -= workingTimeBetween(p.from, Math.min(p.to ?? now, now), calendar).ms;
  return ms;
}

describe('the case state machine under random command sequences', () => {
  it('never reaches an illegal state; versions, rework and clocks stay honest', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        let c = reportedCase(1, START);
        let now = START;
        let reworks = 0;
        for (const s of steps) {
          now += s.gapMin * 60_000;
          const before = structuredClone(c);
          const m = materialise(s, c, now);
          const d = decide(c, m.command, m.actor);
          if (!d.ok) {
            expect(REFUSAL_CODES).toContain(d.code);
            expect(c).toEqual(before); // a refusal changes nothing, version included
            if (s.gapMin < 0) now -= s.gapMin * 60_000;
            continue;
          }
          expect(TERMINAL_STATUSES.has(before.status)).toBe(false);
          expect(TRANSITIONS[m.action].from).toContain(before.status);
          expect(['display', 'api_client']).not.toContain(m.actor.role);
          if (m.actor.role === 'grid_worker') expect(m.actor.responderId).toBe(before.assigneeId);
          expect(d.next.version).toBe(before.version + 1);
          expect(invariantViolations(d.next)).toEqual([]);
          expect(d.events[0]).toMatchObject({ type: 'transitioned', from: before.status, to: d.next.status, version: d.next.version });
          if (m.action === 'rework') reworks++;
          c = d.next;
          expect(c.rework).toBe(reworks);
          if (c.clock) {
            const view = slaView(c.clock, LIMIT, now, calendar);
            expect(view.elapsedMs).toBe(countedOracle(c, now));
            if (c.status === 'suspended') {
              // Suspended time is never counted: ten days later the clock has not moved.
              expect(slaView(c.clock, LIMIT, now + 240 * HOUR, calendar).elapsedMs).toBe(view.elapsedMs);
            } else if (view.deadline) {
              // At its deadline a running stage has used exactly its budget.
              expect(slaView(c.clock, LIMIT, Math.max(now, view.deadline.getTime()), calendar).remainingMs).toBeLessThanOrEqual(0);
              if (view.deadline.getTime() >= now) expect(countedOracle(c, view.deadline.getTime())).toBe(view.budgetMs);
            }
          }
        }
        if (TERMINAL_STATUSES.has(c.status)) {
          for (const action of ACTIONS) expect(decide(c, { action, at: now, reason: 'any reason', note: 'a note' }, { id: 1, role: 'admin', responderId: null }).ok).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reaches every status and accepts every action somewhere in random runs', () => {
    // Guards the property above against vacuity: random sequences really do walk the whole table.
    const statuses = new Set<string>();
    const accepted = new Set<string>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        let c = reportedCase(1, START);
        let now = START;
        for (const s of steps) {
          now += Math.max(0, s.gapMin) * 60_000;
          const m = materialise(s, c, now);
          const d = decide(c, m.command, m.actor);
          if (d.ok) {
            accepted.add(m.action);
            c = d.next;
            statuses.add(c.status);
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    );
    expect([...accepted].sort()).toEqual([...ACTIONS].sort());
    expect([...statuses].sort()).toEqual([...WORKFLOW_STATUSES].filter((x) => x !== 'reported').sort());
  });
});
