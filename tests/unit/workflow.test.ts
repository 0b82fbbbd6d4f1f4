import { describe, expect, it } from 'vitest';
import { decide, invariantViolations, reportedCase, TRANSITIONS, type CaseState, type WorkflowActor } from '../../server/domain/workflow';
import { buildCalendar, chineseDaysYears, slaView } from '../../server/domain/sla';

const bj = (text: string) => new Date(`${text.replace(' ', 'T')}:00+08:00`).getTime();
const HOUR = 3_600_000;
const dispatcher: WorkflowActor = { id: 1, role: 'dispatcher', responderId: null };
const leader: WorkflowActor = { id: 2, role: 'leader', responderId: null };
const worker: WorkflowActor = { id: 3, role: 'grid_worker', responderId: 30 };
const otherWorker: WorkflowActor = { id: 4, role: 'grid_worker', responderId: 40 };
const display: WorkflowActor = { id: 9, role: 'display', responderId: null };

/** Apply commands in order, failing loudly on the first refusal. */
function run(c: CaseState, steps: Array<[WorkflowActor, Record<string, unknown>]>): CaseState {
  for (const [actor, command] of steps) {
    const d = decide(c, command, actor);
    if (!d.ok) throw new Error(`${String(command.action)} refused: ${d.code} ${d.message}`);
    expect(invariantViolations(d.next)).toEqual([]);
    c = d.next;
  }
  return c;
}

const t0 = bj('2026-03-09 09:00');
const at = (h: number) => t0 + h * HOUR;

describe('decide', () => {
  it('drives a case around the loop, with rework counted and each stage on its own clock', () => {
    const c = run(reportedCase(7, t0), [
      [dispatcher, { action: 'register', at: at(0.5) }],
      [dispatcher, { action: 'dispatch', at: at(1), assigneeId: 30, department: 'city-management' }],
      [worker, { action: 'accept', at: at(1.5) }],
      [worker, { action: 'handle', at: at(2), note: 'cleared', photos: ['p/1.jpg'] }],
      [dispatcher, { action: 'rework', at: at(2.5), reason: 'still dirty' }],
      [worker, { action: 'handle', at: at(3), note: 'cleared again' }],
    ]);
    expect(c).toMatchObject({ status: 'handled', version: 7, rework: 1, assigneeId: 30, clock: { stage: 'verify', startedAt: at(3) } });
    const closed = decide(c, { action: 'close', at: at(4) }, dispatcher);
    expect(closed.ok && closed.next).toMatchObject({ status: 'closed', version: 8, clock: null });
    expect(closed.ok && closed.events).toEqual([
      { type: 'transitioned', caseId: 7, action: 'close', from: 'handled', to: 'closed', version: 8, at: at(4), by: 1, data: {} },
      { type: 'clock', caseId: 7, op: 'stop', stage: null, at: at(4) },
    ]);
    if (!closed.ok) return;
    expect(decide(closed.next, { action: 'rework', at: at(5), reason: 'again' }, dispatcher)).toMatchObject({ ok: false, code: 'terminal' });
  });

  it('requires a reason to reject, and rejection is terminal', () => {
    const c = reportedCase(1, t0);
    expect(decide(c, { action: 'reject', at: at(1) }, dispatcher)).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(decide(c, { action: 'reject', at: at(1), reason: ' ' }, dispatcher)).toMatchObject({ ok: false, code: 'invalid_payload' });
    const r = decide(c, { action: 'reject', at: at(1), reason: 'not a city matter' }, dispatcher);
    expect(r.ok && r.next.status).toBe('rejected');
    if (r.ok) expect(decide(r.next, { action: 'register', at: at(2) }, dispatcher)).toMatchObject({ ok: false, code: 'terminal' });
  });

  it('lets only the assigned grid worker accept, and refuses roles outside the table', () => {
    const c = run(reportedCase(1, t0), [
      [dispatcher, { action: 'register', at: at(0.1) }],
      [dispatcher, { action: 'dispatch', at: at(0.2), assigneeId: 30 }],
    ]);
    expect(decide(c, { action: 'accept', at: at(1) }, otherWorker)).toMatchObject({ ok: false, code: 'not_assigned' });
    expect(decide(c, { action: 'accept', at: at(1) }, leader)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide(c, { action: 'accept', at: at(1) }, display)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide(c, { action: 'accept', at: at(1) }, worker)).toMatchObject({ ok: true });
    expect(decide(c, { action: 'register', at: at(1) }, dispatcher)).toMatchObject({ ok: false, code: 'illegal_transition' });
    expect(decide(c, { action: 'dispatch', at: at(1), assigneeId: 40 }, dispatcher)).toMatchObject({ ok: false, code: 'illegal_transition' });
  });

  it('sends a returned case back to the dispatch queue and out again by a new dispatch', () => {
    const c = run(reportedCase(1, t0), [
      [dispatcher, { action: 'register', at: at(0.1) }],
      [dispatcher, { action: 'dispatch', at: at(0.2), assigneeId: 30 }],
      [worker, { action: 'return', at: at(0.5), reason: 'not my grid' }],
    ]);
    expect(c).toMatchObject({ status: 'returned', assigneeId: null, clock: { stage: 'dispatch', startedAt: at(0.5) } });
    expect(decide(c, { action: 'dispatch', at: at(1) }, dispatcher)).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(decide(c, { action: 'dispatch', at: at(1), assigneeId: 40 }, dispatcher)).toMatchObject({ ok: true, next: { status: 'dispatched', assigneeId: 40 } });
  });

  it('suspends on approval by someone else, pauses the clock and resumes to the prior status', () => {
    const calendar = buildCalendar(chineseDaysYears());
    let c = run(reportedCase(1, t0), [
      [dispatcher, { action: 'register', at: t0 }],
      [dispatcher, { action: 'dispatch', at: t0, assigneeId: 30 }],
      [worker, { action: 'accept', at: at(0.5) }],
      [worker, { action: 'suspend_request', at: at(1), reason: 'needs funding' }],
    ]);
    expect(decide(c, { action: 'suspend_request', at: at(1), reason: 'twice' }, worker)).toMatchObject({ ok: false, code: 'request_pending' });
    const self: WorkflowActor = { id: 3, role: 'leader', responderId: null };
    expect(decide(c, { action: 'suspend_approve', at: at(1) }, self)).toMatchObject({ ok: false, code: 'self_approval' });
    c = run(c, [[leader, { action: 'suspend_approve', at: at(1) }]]);
    expect(c).toMatchObject({ status: 'suspended', priorStatus: 'in_progress', pendingSuspension: null });
    expect(decide(c, { action: 'handle', at: at(2), note: 'done' }, worker)).toMatchObject({ ok: false, code: 'illegal_transition' });
    // Two days suspended (Mon 10:00 → Wed 10:00) are not counted.
    c = run(c, [[dispatcher, { action: 'resume', at: bj('2026-03-11 10:00') }]]);
    expect(c).toMatchObject({ status: 'in_progress', priorStatus: null });
    const v = slaView(c.clock!, { workDays: 1 }, bj('2026-03-11 10:00'), calendar);
    expect(v.elapsedMs).toBe(HOUR);
    expect(v.deadline).toEqual(new Date(bj('2026-03-12 09:00')));
  });

  it('extends the deadline on approval and leaves the status alone; a refusal extends nothing', () => {
    let c = run(reportedCase(1, t0), [
      [dispatcher, { action: 'register', at: t0 }],
      [dispatcher, { action: 'dispatch', at: t0, department: 'water' }],
      [dispatcher, { action: 'extension_request', at: at(1), reason: 'parts on order', extend: { workDays: 2 } }],
    ]);
    const refused = decide(c, { action: 'extension_refuse', at: at(2), reason: 'no' }, leader);
    expect(refused.ok && refused.next).toMatchObject({ status: 'dispatched', pendingExtension: null, clock: { extensions: [] } });
    c = run(c, [[leader, { action: 'extension_approve', at: at(2) }]]);
    expect(c).toMatchObject({ status: 'dispatched', version: 5, pendingExtension: null, clock: { stage: 'handle', extensions: [{ workDays: 2 }] } });
    expect(decide(c, { action: 'extension_approve', at: at(3) }, leader)).toMatchObject({ ok: false, code: 'no_pending_request' });
  });

  it('lets a pending request lapse when the case moves on', () => {
    const c = run(reportedCase(1, t0), [
      [dispatcher, { action: 'register', at: t0 }],
      [dispatcher, { action: 'dispatch', at: t0, assigneeId: 30 }],
      [worker, { action: 'extension_request', at: at(1), reason: 'parts on order', extend: { workHours: 3 } }],
    ]);
    const d = decide(c, { action: 'accept', at: at(2) }, worker);
    expect(d.ok && d.next.pendingExtension).toBeNull();
    expect(d.ok && d.events.at(-1)).toEqual({ type: 'request_lapsed', caseId: 1, request: 'extension', at: at(2) });
  });

  it('merges into another case, never into itself', () => {
    const c = reportedCase(5, t0);
    expect(decide(c, { action: 'merge', at: at(1), into: 5 }, dispatcher)).toMatchObject({ ok: false, code: 'self_merge' });
    expect(decide(c, { action: 'merge', at: at(1), into: 6 }, dispatcher)).toMatchObject({ ok: true, next: { status: 'merged', mergedInto: 6, clock: null } });
  });

  it('refuses a command dated before the case last changed', () => {
    expect(decide(reportedCase(1, t0), { action: 'register', at: t0 - 1 }, dispatcher)).toMatchObject({ ok: false, code: 'clock_skew' });
  });

  it('has one table entry per action, each with a role rule', () => {
    expect(Object.keys(TRANSITIONS)).toHaveLength(16);
  });
});
