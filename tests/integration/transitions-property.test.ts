import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCaseLifecycle } from '../../db/queries/case-commands';
import { scopeOf } from '../../db/scope';
import type { Role } from '../../db/vocab';
import { buildCalendar, chineseDaysYears } from '../../server/domain/sla';
import { invariantViolations, TERMINAL_STATUSES, TRANSITIONS, type CommandAction } from '../../server/domain/workflow';
import { AppError } from '../../server/errors';
import { caseInputSchema } from '../../server/protocol/api';
import { CaseCommandService, caseStateOf, type CommandBy } from '../../server/services/case-commands';
import { IngestService } from '../../server/services/ingest';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { countWrites, insertResponder, plusOneCommand } from '../helpers/lifecycle';

/**
 * Random command sequences by random actors through the REAL service and database:
 * the stored case never breaks an invariant, its version rises by exactly one per
 * accepted command, and each accepted command has exactly one transition event,
 * one audit row, one feed row and one command record; refusals and replays write
 * nothing. Bounded: 15 runs × ≤ 12 commands per engine.
 */
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
const ACTIONS = Object.keys(FIELDS) as CommandAction[];
/** Who may act: the desk, approvers, the worker the case is dispatched to, and one it is not. */
type Who = 'admin' | 'dispatcher' | 'duty_officer' | 'leader' | 'assigned_worker' | 'other_worker';

const step = fc.record({
  steer: fc.integer({ min: 0, max: 9 }),
  pick: fc.nat(),
  // The desk acts most often (the loop needs it); workers and approvers less.
  who: fc.constantFrom<Who>('admin', 'dispatcher', 'dispatcher', 'dispatcher', 'duty_officer', 'duty_officer', 'leader', 'assigned_worker', 'assigned_worker', 'other_worker'),
  payload: fc.record({
    // Mostly valid; now and then blank, too short or missing (400, nothing written).
    reason: fc.constantFrom('道路施工阻断', '重复上报', '等待配件', '工程量大', '群众反映强烈', '需协调多部门', '', undefined),
    note: fc.constantFrom('已处理完毕', '核查属实', '已清理', '现场已恢复', '已回访', undefined, undefined, 'x'),
    department: fc.constantFrom('water', undefined),
    // 'a'/'b' are the two responders; 'unknown' one that does not exist.
    assigneeId: fc.constantFrom<'a' | 'b' | 'unknown' | undefined>('a', 'a', 'b', 'unknown', undefined),
    // Photos must be real uploads (tests/integration/photos.test.ts); the property is about the loop.
    photos: fc.constant(undefined),
    // 'open' another open case, 'closed' a finished one, 'self' the case itself.
    into: fc.constantFrom<'open' | 'closed' | 'self' | 'unknown'>('open', 'open', 'closed', 'self', 'unknown'),
    extend: fc.constantFrom({ workDays: 2 }, { workHours: 3 }, { workDays: 1 }, { hours: 4 }, { hours: 0 }),
  }),
  // Usually the current version; now and then a stale one.
  stale: fc.integer({ min: 0, max: 14 }).map((n) => n === 0),
  // Now and then resend the previous command id: the same command (a retry) or another one (reuse).
  resend: fc.integer({ min: 0, max: 14 }).map((n): 'fresh' | 'retry' | 'reuse' => (n === 0 ? 'retry' : n === 1 ? 'reuse' : 'fresh')),
  gapMin: fc.integer({ min: 0, max: 600 }),
});

for (const kind of DB_KINDS) {
  describe(`case commands under random sequences on ${kind}`, () => {
    let t: TestDatabase;
    let ingest: IngestService;
    let service: CaseCommandService;
    let responders: { a: number; b: number };
    let openTarget: number;
    let closedTarget: number;
    let n = 0;
    const scope = scopeOf(FIXTURE.city);

    const newCase = async () => (await ingest.ingestCases([caseInputSchema.parse(incident(`prop-${kind}-${++n}`, 106.605 + (n % 7) * 0.01, 26.505))]))[0]!.case.id;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ingest = new IngestService(t.database, () => undefined);
      const calendar = buildCalendar(chineseDaysYears());
      service = new CaseCommandService(t.database, () => calendar, () => undefined);
      responders = { a: await insertResponder(t.database, 'P-A'), b: await insertResponder(t.database, 'P-B') };
      openTarget = await newCase();
      closedTarget = await newCase();
      const desk = by('admin', 1, null);
      await service.apply(desk, { caseId: closedTarget, expectedVersion: 1, commandId: `prop-${kind}-close-target`, command: { action: 'reject', reason: '不予立案' } });
    });
    afterAll(async () => {
      await t?.drop();
    });

    function by(role: Role, id: number, responderId: number | null): CommandBy {
      return { workflow: { id, role, responderId }, scope, audit: { actor: `user:${id}`, actorLabel: `${role}-${id}`, ip: null }, eventActor: `user:${id}` };
    }

    it('keeps every stored case legal and every accepted command written exactly once', async () => {
      let runs = 0;
      let accepted = 0;
      let refused = 0;
      let replayed = 0;
      const reached = new Set<string>();
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 12 }), async (steps) => {
          runs++;
          const id = await newCase();
          let now = Date.now();
          let version = 1;
          let previous: { commandId: string; command: Record<string, unknown>; who: CommandBy } | null = null;
          for (const [i, s] of steps.entries()) {
            now += s.gapMin * 60_000;
            const row = (await findCaseLifecycle(t.database, scope, id))!;
            const state = caseStateOf(row);
            const assigned = state.assigneeId;
            const other = assigned === responders.a ? responders.b : responders.a;
            const who =
              s.who === 'assigned_worker'
                ? by('grid_worker', 101, assigned)
                : s.who === 'other_worker'
                  ? by('grid_worker', 102, other)
                  : by(s.who, { admin: 1, dispatcher: 2, duty_officer: 3, leader: 4 }[s.who], null);
            // Most steps are steered to an action the table offers this actor from the current status
            // (otherwise random sequences rarely get past 立案), and rarely to one that ends the case;
            // the rest pick any action, so wrong roles and illegal transitions stay in the mix.
            const ends = (a: CommandAction) => typeof TRANSITIONS[a].to === 'string' && TERMINAL_STATUSES.has(TRANSITIONS[a].to as never);
            const offered = ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state.status) && TRANSITIONS[a].allowed(who.workflow, state) && (s.steer === 0 || !ends(a)));
            const pool = s.steer < 9 && offered.length > 0 ? offered : ACTIONS;
            const action = pool[s.pick % pool.length]!;
            const command: Record<string, unknown> = { action };
            for (const f of FIELDS[action]) {
              const v = s.payload[f as keyof typeof s.payload];
              if (v === undefined) continue;
              if (f === 'assigneeId') command[f] = v === 'unknown' ? 999_999 : responders[v as 'a' | 'b'];
              else if (f === 'into') command[f] = { open: openTarget, closed: closedTarget, self: id, unknown: 999_999 }[v as 'open'];
              else command[f] = v;
            }
            let request = { caseId: id, expectedVersion: s.stale ? version - 1 : version, commandId: `prop-${kind}-${id}-${i}-${++n}`, command };
            let sender = who;
            if (previous && s.resend === 'retry') {
              request = { ...request, commandId: previous.commandId, command: previous.command };
              sender = previous.who;
            } else if (previous && s.resend === 'reuse') {
              request = { ...request, commandId: previous.commandId };
            }

            const before = await countWrites(t.database);
            let outcome: 'accepted' | 'replayed' | 'refused';
            try {
              const result = await service.apply(sender, request, { now });
              outcome = result.replayed ? 'replayed' : 'accepted';
              if (!result.replayed) reached.add(result.case.status);
            } catch (error) {
              if (!(error instanceof AppError) || error.status >= 500) throw error;
              outcome = 'refused';
            }
            const after = await countWrites(t.database);
            const stored = (await findCaseLifecycle(t.database, scope, id))!;
            expect(invariantViolations(caseStateOf(stored))).toEqual([]);
            if (outcome === 'accepted') {
              accepted++;
              version++;
              expect(stored.version).toBe(version);
              expect(after.transitions).toBe(before.transitions + 1);
              expect({ ...after, events: 0 }).toEqual({ ...plusOneCommand(before, 0), events: 0 });
              const [rows] = await t.database.rows<{ events: number; audit: number; feed: number }>(sql`
                SELECT (SELECT count(*)::int FROM case_events WHERE command_id = ${request.commandId} AND version IS NOT NULL) AS events,
                       (SELECT count(*)::int FROM audit_log WHERE details->>'commandId' = ${request.commandId}) AS audit,
                       (SELECT count(*)::int FROM feed WHERE topic = 'case.updated' AND (payload->>'id')::bigint = ${id} AND (payload->>'version')::int = ${version}) AS feed`);
              expect(rows).toEqual({ events: 1, audit: 1, feed: 1 });
              previous = { commandId: request.commandId, command: request.command, who: sender };
            } else {
              if (outcome === 'replayed') replayed++;
              else refused++;
              expect(stored.version).toBe(version);
              expect(after).toEqual(before);
            }
            if (TERMINAL_STATUSES.has(stored.status)) expect(stored.slaClock).toBeNull();
          }
        }),
        { numRuns: 15 },
      );
      expect(runs).toBe(15);
      // The sequences really exercised all three outcomes.
      expect(accepted).toBeGreaterThan(15);
      expect(refused).toBeGreaterThan(5);
      expect(replayed).toBeGreaterThan(0);
      // …and went round the loop, not just in and out of 立案.
      expect(reached.size, [...reached].join(' ')).toBeGreaterThanOrEqual(4);
    });

    it('leaves warning and overdue to the scheduler within a stage, lets an extension relieve them, and resets escalation with the stage', async () => {
      const id = await newCase();
      const t0 = Date.parse('2026-03-02T09:00:00+08:00'); // a Monday
      const desk = by('dispatcher', 2, null);
      const apply = (version: number, command: Record<string, unknown>, at: number, who = desk) =>
        service.apply(who, { caseId: id, expectedVersion: version, commandId: `sla-${kind}-${id}-${version}`, command }, { now: at });
      const sla = async () =>
        (await t.database.rows<{ state: string; stage: string; due: number; level: number; next: string | null }>(sql`
          SELECT sla_state AS state, sla_stage AS stage, (extract(epoch FROM sla_due_at) * 1000)::float8 AS due, escalation_level AS level,
                 next_escalation_at::text AS next FROM cases WHERE id = ${id}`))[0]!;
      // Intake started the clock at the real report time: move it to t0 so the arithmetic is on known days.
      await t.database.rows(sql`UPDATE cases SET reported_at = to_timestamp(${t0 / 1000}), sla_clock = jsonb_set(sla_clock, '{startedAt}', to_jsonb(${t0}::float8)) WHERE id = ${id}`);
      await apply(1, { action: 'register' }, t0);
      await apply(2, { action: 'dispatch', assigneeId: responders.a }, t0);
      // A month later, still in the handling stage: past its deadline, but the command does not say so.
      const late = t0 + 30 * 24 * 3_600_000;
      await apply(3, { action: 'accept' }, late);
      expect(await sla()).toMatchObject({ state: 'normal', stage: 'handle' });
      expect((await sla()).due).toBeLessThan(late);
      // The scheduler marks it overdue and escalates (simulated here).
      await t.database.rows(sql`UPDATE cases SET sla_state = 'overdue', escalation_level = 1, next_escalation_at = now() WHERE id = ${id}`);
      await apply(4, { action: 'extension_request', reason: '需协调多部门', extend: { workDays: 60 } }, late, by('grid_worker', 101, responders.a));
      expect(await sla()).toMatchObject({ state: 'overdue', level: 1 });
      await apply(5, { action: 'extension_approve' }, late, by('leader', 4, null));
      // Relieved: due again in the future, no further escalation due, the level reached kept.
      expect(await sla()).toMatchObject({ state: 'normal', level: 1, next: null });
      expect((await sla()).due).toBeGreaterThan(late);
      // A new stage starts clean.
      await t.database.rows(sql`UPDATE cases SET sla_state = 'overdue', escalation_level = 2, next_escalation_at = now() WHERE id = ${id}`);
      await apply(6, { action: 'handle', note: '已处理完毕' }, late, by('grid_worker', 101, responders.a));
      expect(await sla()).toMatchObject({ state: 'normal', stage: 'verify', level: 0, next: null });
    });
  });
}
