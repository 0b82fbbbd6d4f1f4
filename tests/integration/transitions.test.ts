import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { countWrites, insertResponder, plusOneCommand } from '../helpers/lifecycle';
import { FeedClient, getJson, postJson, startTestServer } from '../helpers/server';
import { jpegWithGps } from '../helpers/images';

/**
 * POST /api/cases/{id}/transitions through the real server: each accepted command
 * writes its case update, events, audit, idempotency and feed rows exactly once
 * and together; every refusal writes nothing.
 */
type Body = Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
type CaseBody = { id: number; status: string; version: number; assigneeId: number | null; sla: { stage: string } | null };

for (const kind of DB_KINDS) {
  describe(`case transitions on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    const cookies: Record<string, string> = {};
    let workerA: number;
    /** Version of a case as the database has it. */
    const versionOf = async (id: number) => (await t.database.rows<{ version: number }>(sql`SELECT version FROM cases WHERE id = ${id}`))[0]!.version;
    let seq = 0;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ({ app, base } = await startTestServer(t.database));
      const people: Array<[string, Parameters<typeof ensureUser>[2], string?]> = [
        ['t-dispatcher', 'dispatcher'],
        ['t-dispatcher2', 'dispatcher'],
        ['t-duty', 'duty_officer'],
        ['t-leader', 'leader'],
        ['t-gw-a', 'grid_worker'],
        ['t-gw-b', 'grid_worker'],
        ['t-west', 'dispatcher', FIXTURE.west],
      ];
      for (const [login, role, area] of people) {
        await ensureUser(t.database, login, role, area);
        cookies[login] = await signIn(base, login);
      }
      workerA = await insertResponder(t.database, 'R-A', { userLogin: 't-gw-a' });
      await insertResponder(t.database, 'R-B', { userLogin: 't-gw-b' });
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    /** A fresh reported case in the east district (outside t-west's jurisdiction). */
    async function newCase(): Promise<number> {
      const res = await postJson(base, '/api/cases', incident(`tr-${kind}-${++seq}`, 106.645, 26.515));
      expect(res.status).toBe(201);
      return (res.body as { case: { id: number } }).case.id;
    }

    function send(login: string, id: number, body: Record<string, unknown>) {
      return postJson(base, `/api/cases/${id}/transitions`, { commandId: randomUUID(), ...body }, { headers: { cookie: cookies[login]! } }) as Promise<{ status: number; body: Body }>;
    }

    it('runs register → dispatch → accept → handle → close, versions 2…6, each command writing its rows exactly once', async () => {
      const id = await newCase();
      // 处置反馈 carries a photo the worker uploaded: attached to the case in the command's transaction.
      const upload = await fetch(`${base}/api/photos`, { method: 'POST', headers: { 'content-type': 'image/jpeg', cookie: cookies['t-gw-a']! }, body: new Uint8Array(await jpegWithGps(320, 240)) });
      expect(upload.status).toBe(201);
      const photoId = ((await upload.json()) as { photo: { id: string } }).photo.id;
      const steps: Array<[string, Record<string, unknown>, string, string | null]> = [
        ['t-dispatcher', { action: 'register', note: '属实，立案' }, 'registered', 'dispatch'],
        ['t-dispatcher', { action: 'dispatch', assigneeId: workerA, department: 'city-management' }, 'dispatched', 'handle'],
        ['t-gw-a', { action: 'accept' }, 'in_progress', 'handle'],
        ['t-gw-a', { action: 'handle', note: '已清理完毕', photos: [photoId] }, 'handled', 'verify'],
        ['t-duty', { action: 'close', note: '核查属实' }, 'closed', null],
      ];
      let version = 1;
      for (const [login, command, status, stage] of steps) {
        const before = await countWrites(t.database);
        const commandId = `happy-${kind}-${version}-${randomUUID()}`;
        const res = await send(login, id, { ...command, expectedVersion: version, commandId });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        version++;
        const accepted = res.body as unknown as { case: CaseBody; eventId: number; replayed: boolean };
        expect(accepted.replayed).toBe(false);
        expect(accepted.case).toMatchObject({ id, status, version });
        expect(accepted.case.sla?.stage ?? null).toBe(stage);
        // register/dispatch/handle/close start or stop a clock (+1 event); accept keeps it.
        const clockEvents = command.action === 'accept' ? 0 : 1;
        expect(await countWrites(t.database)).toEqual(plusOneCommand(before, 1 + clockEvents));
        const [event] = await t.database.rows<{ id: number; action: string; version: number; to: string; actor: string }>(sql`
          SELECT id, action, version, to_status AS to, actor FROM case_events WHERE command_id = ${commandId} AND version IS NOT NULL`);
        expect(event).toMatchObject({ id: accepted.eventId, action: command.action, version, to: status });
        const [feed] = await t.database.rows<{ payload: { version: number; action: string; status: string } }>(sql`
          SELECT payload FROM feed WHERE topic = 'case.updated' ORDER BY seq DESC LIMIT 1`);
        expect(feed!.payload).toMatchObject({ id, version, status, action: command.action });
      }
      const [row] = await t.database.rows<{ closed: boolean; clock: unknown }>(sql`SELECT closed_at IS NOT NULL AS closed, sla_clock AS clock FROM cases WHERE id = ${id}`);
      expect(row).toEqual({ closed: true, clock: null });
      expect(await t.database.rows(sql`SELECT case_id AS "caseId" FROM photos WHERE id = ${photoId}::uuid`)).toEqual([{ caseId: id }]);
      // Each stage change records the stage it left and whether it was late (the indicators count these).
      const left = await t.database.rows<{ action: string; stage: string; overdue: boolean }>(sql`
        SELECT action, data->'left'->>'stage' AS stage, (data->'left'->>'overdue')::boolean AS overdue
        FROM case_events WHERE case_id = ${id} AND version IS NOT NULL AND action <> 'reported' ORDER BY id`);
      expect(left).toEqual([
        { action: 'register', stage: 'register', overdue: false },
        { action: 'dispatch', stage: 'dispatch', overdue: false },
        { action: 'accept', stage: null, overdue: null },
        { action: 'handle', stage: 'handle', overdue: false },
        { action: 'close', stage: 'verify', overdue: false },
      ]);

      const timeline = await getJson<{ events: Array<{ action: string; version: number | null; actor: { kind: string; login: string | null } }> }>(base, `/api/cases/${id}/events`);
      expect(timeline.status).toBe(200);
      const transitions = timeline.body.events.filter((e) => e.version !== null);
      expect(transitions.map((e) => [e.action, e.version, e.actor.login])).toEqual([
        ['reported', 1, null],
        ['register', 2, 't-dispatcher'],
        ['dispatch', 3, 't-dispatcher'],
        ['accept', 4, 't-gw-a'],
        ['handle', 5, 't-gw-a'],
        ['close', 6, 't-duty'],
      ]);
      expect(timeline.body.events[0]!.actor.kind).toBe('system');
    });

    /** A case moved to `status` by the desk (register, then dispatch to worker A). */
    async function caseAt(status: 'reported' | 'registered' | 'dispatched'): Promise<number> {
      const id = await newCase();
      if (status === 'reported') return id;
      expect((await send('t-dispatcher', id, { action: 'register', expectedVersion: 1 })).status).toBe(200);
      if (status === 'registered') return id;
      expect((await send('t-dispatcher', id, { action: 'dispatch', expectedVersion: 2, assigneeId: workerA })).status).toBe(200);
      return id;
    }

    it('answers a stale expectedVersion with 409, the current case and who changed it last', async () => {
      const id = await caseAt('registered');
      const before = await countWrites(t.database);
      const res = await send('t-dispatcher2', id, { action: 'reject', reason: '重复上报', expectedVersion: 1 });
      expect(res.status).toBe(409);
      expect(res.body.error!.code).toBe('VERSION_CONFLICT');
      const details = res.body.error!.details as { current: CaseBody; last: { action: string; actor: string; actorLabel: string; at: string } };
      expect(details.current).toMatchObject({ id, status: 'registered', version: 2 });
      expect(details.last).toMatchObject({ action: 'register', actorLabel: 't-dispatcher' });
      expect(details.last.actor).toMatch(/^user:\d+$/);
      expect(Date.parse(details.last.at)).toBeGreaterThan(0);
      expect(await countWrites(t.database)).toEqual(before);
    });

    it('answers a retried command id with the first result and writes nothing twice, even after the case moved on', async () => {
      const id = await newCase();
      const body = { action: 'register', note: '立案', expectedVersion: 1, commandId: `retry-${kind}-${id}-abcdef` };
      const first = await send('t-dispatcher', id, body);
      expect(first.status).toBe(200);
      const afterFirst = await countWrites(t.database);
      const again = await send('t-dispatcher', id, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, replayed: true });
      expect(await countWrites(t.database)).toEqual(afterFirst);
      // Key order does not make it another command.
      const reordered = await send('t-dispatcher', id, { commandId: body.commandId, expectedVersion: 1, note: '立案', action: 'register' });
      expect(reordered.body).toEqual({ ...first.body, replayed: true });
      // Another command moves the case on; the retry still gets the first answer (version 2), not a conflict.
      expect((await send('t-dispatcher', id, { action: 'dispatch', department: 'water', expectedVersion: 2 })).status).toBe(200);
      const afterSecond = await countWrites(t.database);
      const late = await send('t-dispatcher', id, body);
      expect(late.status).toBe(200);
      expect(late.body).toEqual({ ...first.body, replayed: true });
      expect((late.body.case as CaseBody).version).toBe(2);
      expect(await countWrites(t.database)).toEqual(afterSecond);
    });

    it('refuses a command id reused for another command, case or actor with 409 and writes nothing', async () => {
      const id = await newCase();
      const other = await newCase();
      const commandId = `reuse-${kind}-${id}-abcdef`;
      expect((await send('t-dispatcher', id, { action: 'register', expectedVersion: 1, commandId })).status).toBe(200);
      const before = await countWrites(t.database);
      for (const [login, caseId, body] of [
        ['t-dispatcher', id, { action: 'register', note: '另一个说明', expectedVersion: 2 }],
        ['t-dispatcher', other, { action: 'register', expectedVersion: 1 }],
        ['t-dispatcher2', id, { action: 'register', expectedVersion: 1 }],
      ] as Array<[string, number, Record<string, unknown>]>) {
        const res = await send(login, caseId, { ...body, commandId });
        expect(res.status, `${login} ${caseId} ${JSON.stringify(body)}`).toBe(409);
        expect(res.body.error!.code).toBe('COMMAND_ID_REUSED');
      }
      expect(await countWrites(t.database)).toEqual(before);
      expect(await versionOf(other)).toBe(1);
    });

    it('refuses bad commands with a 4xx naming the problem, and writes nothing', async () => {
      const reported = await caseAt('reported');
      const dispatched = await caseAt('dispatched');
      const closed = await caseAt('reported');
      expect((await send('t-dispatcher', closed, { action: 'reject', reason: '不属于受理范围', expectedVersion: 1 })).status).toBe(200);
      const cases: Array<[string, string, number, Record<string, unknown>, number, string, RegExp]> = [
        ['illegal transition', 't-dispatcher', reported, { action: 'close', expectedVersion: 1 }, 409, 'TRANSITION_REFUSED', /not possible from reported/],
        ['finished case', 't-dispatcher', closed, { action: 'register', expectedVersion: 2 }, 409, 'TRANSITION_REFUSED', /rejected/],
        ['wrong role', 't-leader', reported, { action: 'register', expectedVersion: 1 }, 403, 'FORBIDDEN', /not allowed for role leader/],
        ['missing reason', 't-dispatcher', reported, { action: 'reject', expectedVersion: 1 }, 400, 'BAD_COMMAND', /reason/],
        ['blank reason', 't-dispatcher', reported, { action: 'reject', reason: ' ', expectedVersion: 1 }, 400, 'BAD_COMMAND', /reason/],
        ['unknown action', 't-dispatcher', reported, { action: 'teleport', expectedVersion: 1 }, 400, 'BAD_COMMAND', /action/],
        ['unknown field', 't-dispatcher', reported, { action: 'register', colour: 'red', expectedVersion: 1 }, 400, 'BAD_COMMAND', /colour/],
        ['client-set instant', 't-dispatcher', reported, { action: 'register', at: 0, expectedVersion: 1 }, 400, 'BAD_COMMAND', /set by the server/],
        ['unknown assignee', 't-dispatcher', await caseAt('registered'), { action: 'dispatch', assigneeId: 999_999, expectedVersion: 2 }, 422, 'INVALID_REFERENCE', /responder 999999/],
        ['merge into itself', 't-dispatcher', reported, { action: 'merge', into: reported, expectedVersion: 1 }, 422, 'INVALID_REFERENCE', /itself/],
        ['merge into a finished case', 't-dispatcher', reported, { action: 'merge', into: closed, expectedVersion: 1 }, 422, 'INVALID_REFERENCE', /rejected/],
        ['merge into an unknown case', 't-dispatcher', reported, { action: 'merge', into: 999_999, expectedVersion: 1 }, 422, 'INVALID_REFERENCE', /no case 999999/],
        ['grid worker, not assigned', 't-gw-b', dispatched, { action: 'accept', expectedVersion: 3 }, 403, 'FORBIDDEN', /dispatched to them/],
        ['grid worker on the desk', 't-gw-a', reported, { action: 'register', expectedVersion: 1 }, 403, 'FORBIDDEN', /grid worker/],
        ['outside jurisdiction', 't-west', reported, { action: 'register', expectedVersion: 1 }, 404, 'NOT_FOUND', /no case/],
        ['unknown case', 't-dispatcher', 999_999, { action: 'register', expectedVersion: 1 }, 404, 'NOT_FOUND', /no case/],
        ['bad command id', 't-dispatcher', reported, { action: 'register', expectedVersion: 1, commandId: 'short' }, 400, 'VALIDATION_FAILED', /commandId/],
        ['no expected version', 't-dispatcher', reported, { action: 'register' }, 400, 'VALIDATION_FAILED', /expectedVersion/],
      ];
      const before = await countWrites(t.database);
      for (const [what, login, id, body, status, code, message] of cases) {
        const res = await send(login, id, body);
        expect(`${what}: ${res.status} ${res.body.error?.code}`).toBe(`${what}: ${status} ${code}`);
        expect(res.body.error!.message, what).toMatch(message);
      }
      expect(await countWrites(t.database)).toEqual(before);
      expect(await versionOf(reported)).toBe(1);
      // The assigned worker may do what the other one was refused.
      expect((await send('t-gw-a', dispatched, { action: 'accept', expectedVersion: 3 })).status).toBe(200);
    });

    it('writes all of a command or none of it: a failing feed insert rolls back the case, events, audit and command record', async () => {
      const id = await newCase();
      await t.database.rows(sql.raw(`
        CREATE OR REPLACE FUNCTION test_refuse_feed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'feed refused for the test'; END $$`));
      await t.database.rows(sql.raw(`
        CREATE TRIGGER test_refuse_feed BEFORE INSERT ON feed FOR EACH ROW
        WHEN ((NEW.payload->>'id')::bigint = ${id} AND NEW.topic = 'case.updated') EXECUTE FUNCTION test_refuse_feed()`));
      try {
        const before = await countWrites(t.database);
        const res = await send('t-dispatcher', id, { action: 'register', expectedVersion: 1 });
        expect(res.status).toBe(500);
        expect(await countWrites(t.database)).toEqual(before);
        expect(await versionOf(id)).toBe(1);
      } finally {
        await t.database.rows(sql.raw('DROP TRIGGER test_refuse_feed ON feed'));
      }
      expect((await send('t-dispatcher', id, { action: 'register', expectedVersion: 1 })).status).toBe(200);
    });

    it('lets exactly one of two dispatchers acting at once win; the other gets 409 with the winner named', async () => {
      for (let round = 0; round < 3; round++) {
        const id = await caseAt('registered');
        const before = await countWrites(t.database);
        const results = await Promise.all([
          send('t-dispatcher', id, { action: 'dispatch', assigneeId: workerA, expectedVersion: 2 }),
          send('t-dispatcher2', id, { action: 'dispatch', department: 'water', expectedVersion: 2 }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const loser = results.find((r) => r.status === 409)!;
        expect(loser.body.error!.code).toBe('VERSION_CONFLICT');
        const winner = results.indexOf(results.find((r) => r.status === 200)!) === 0 ? 't-dispatcher' : 't-dispatcher2';
        expect((loser.body.error!.details as { last: { actorLabel: string; action: string } }).last).toMatchObject({ action: 'dispatch', actorLabel: winner });
        expect(await countWrites(t.database)).toEqual(plusOneCommand(before, 2));
        expect(await versionOf(id)).toBe(3);
      }
    });

    it('answers a retry racing its first attempt with that attempt, and an id raced onto two cases once', async () => {
      const id = await caseAt('registered');
      const before = await countWrites(t.database);
      const body = { action: 'dispatch', assigneeId: workerA, expectedVersion: 2, commandId: `race-${kind}-${id}-abcdef` };
      const [a, b] = await Promise.all([send('t-dispatcher', id, body), send('t-dispatcher', id, body)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect([a.body.replayed, b.body.replayed].sort()).toEqual([false, true]);
      expect({ ...a.body, replayed: null }).toEqual({ ...b.body, replayed: null });
      expect(await countWrites(t.database)).toEqual(plusOneCommand(before, 2));

      const [x, y] = [await newCase(), await newCase()];
      const mid = await countWrites(t.database);
      const commandId = `race2-${kind}-${x}-abcdef`;
      const results = await Promise.all([
        send('t-dispatcher', x, { action: 'register', expectedVersion: 1, commandId }),
        send('t-dispatcher', y, { action: 'register', expectedVersion: 1, commandId }),
      ]);
      expect(results.map((r) => `${r.status} ${r.body.error?.code ?? ''}`.trim()).sort()).toEqual(['200', '409 COMMAND_ID_REUSED']);
      expect(await countWrites(t.database)).toEqual(plusOneCommand(mid, 2));
    });

    it('replays the case.updated events a client missed while offline, in order, versions rising', async () => {
      const id = await caseAt('reported');
      const watcher = new FeedClient(base, { layers: ['incidents'] });
      try {
        await watcher.connected();
        expect(await watcher.subscribe(null)).toMatchObject({ ok: true });
        expect((await send('t-dispatcher', id, { action: 'register', expectedVersion: 1 })).status).toBe(200);
        await watcher.until((events) => events.some((e) => e.topic === 'case.updated' && e.payload.id === id));
      } finally {
        watcher.close();
      }
      // Offline: three more transitions.
      expect((await send('t-dispatcher', id, { action: 'dispatch', assigneeId: workerA, expectedVersion: 2 })).status).toBe(200);
      expect((await send('t-gw-a', id, { action: 'accept', expectedVersion: 3 })).status).toBe(200);
      expect((await send('t-gw-a', id, { action: 'handle', note: '处置完毕', expectedVersion: 4 })).status).toBe(200);
      const again = new FeedClient(base, { layers: ['incidents'] });
      try {
        await again.connected();
        expect(await again.subscribe(watcher.lastSeq)).toMatchObject({ ok: true, data: { mode: 'replay' } });
        await again.until((events) => events.filter((e) => e.topic === 'case.updated' && e.payload.id === id).length === 3);
        const mine = again.applied.filter((e) => e.topic === 'case.updated' && e.payload.id === id);
        expect(mine.map((e) => (e.topic === 'case.updated' ? [e.payload.action, e.payload.version, e.payload.status] : null))).toEqual([
          ['dispatch', 3, 'dispatched'],
          ['accept', 4, 'in_progress'],
          ['handle', 5, 'handled'],
        ]);
        expect(again.outOfOrder).toBe(0);
        expect(again.applied.every((e) => e.seq > watcher.lastSeq)).toBe(true);
      } finally {
        again.close();
      }
    });

    it("gives the case page the reporter's text on GET /api/cases/{id}, not in the feed's record", async () => {
      const res = await postJson(base, '/api/cases', incident(`tr-${kind}-text`, 106.645, 26.515, { description: '井盖缺失，已设临时围挡', address: '花果园大街 8 号' }));
      expect(res.status).toBe(201);
      const { case: created } = res.body as { case: Record<string, unknown> & { id: number } };
      expect(created).not.toHaveProperty('description');
      const got = await getJson<{ description: string | null; address: string | null; case: Record<string, unknown> }>(base, `/api/cases/${created.id}`, { cookie: cookies['t-dispatcher']! });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ description: '井盖缺失，已设临时围挡', address: '花果园大街 8 号' });
      expect(got.body.case).not.toHaveProperty('description');
      expect((await getJson(base, `/api/cases/${created.id}`, { cookie: cookies['t-west']! })).status).toBe(404);
    });

    it('shows the timeline only within the jurisdiction', async () => {
      const id = await caseAt('registered');
      const west = await getJson(base, `/api/cases/${id}/events`, { cookie: cookies['t-west']! });
      expect(west.status).toBe(404);
      const gw = await getJson<{ events: Array<{ action: string }> }>(base, `/api/cases/${id}/events`, { cookie: cookies['t-gw-b']! });
      expect(gw.status).toBe(200);
      expect(gw.body.events.map((e) => e.action)).toEqual(['reported', 'register', 'sla_clock']);
    });

    it('carries the lifecycle on GET /api/cases/{id}: pending requests, paused and extended deadlines, and what the caller may do', async () => {
      const id = await caseAt('dispatched');
      type Lifecycle = { case: CaseBody & { sla: { dueAt: string | null; stage: string } | null }; lifecycle: { actions: string[]; pendingSuspension: { reason: string } | null; priorStatus: string | null; pendingExtension: unknown } };
      const view = async (login: string) => {
        const res = await getJson<Lifecycle>(base, `/api/cases/${id}`, { cookie: cookies[login]! });
        expect(res.status).toBe(200);
        return res.body;
      };
      expect((await view('t-gw-a')).lifecycle.actions.sort()).toEqual(['accept', 'extension_request', 'return', 'suspend_request']);
      expect((await view('t-gw-b')).lifecycle.actions).toEqual([]);
      expect((await view('t-leader')).lifecycle.actions).toEqual([]);
      const due = (await view('t-dispatcher')).case.sla!.dueAt!;

      // 挂账: requested by the worker, approved by the leader; the clock pauses and has no deadline.
      expect((await send('t-gw-a', id, { action: 'suspend_request', reason: '等待配件', expectedVersion: 3 })).status).toBe(200);
      const asked = await view('t-leader');
      expect(asked.lifecycle.pendingSuspension).toMatchObject({ reason: '等待配件' });
      expect(asked.lifecycle.actions.sort()).toEqual(['suspend_approve', 'suspend_refuse']);
      expect((await send('t-leader', id, { action: 'suspend_approve', expectedVersion: 4 })).status).toBe(200);
      const paused = await view('t-dispatcher');
      expect(paused.case).toMatchObject({ status: 'suspended', version: 5, sla: { stage: 'handle', dueAt: null } });
      expect(paused.lifecycle).toMatchObject({ priorStatus: 'dispatched', pendingSuspension: null });
      expect(paused.lifecycle.actions).toEqual(['resume']);
      expect((await send('t-duty', id, { action: 'resume', expectedVersion: 5 })).status).toBe(200);
      const resumed = await view('t-dispatcher');
      expect(resumed.case).toMatchObject({ status: 'dispatched', version: 6 });
      expect(Date.parse(resumed.case.sla!.dueAt!)).toBeGreaterThanOrEqual(Date.parse(due));

      // 延期: the deadline moves by two working days once approved.
      expect((await send('t-gw-a', id, { action: 'extension_request', reason: '工程量大', extend: { workDays: 2 }, expectedVersion: 6 })).status).toBe(200);
      expect((await send('t-gw-a', id, { action: 'extension_approve', expectedVersion: 7 })).status).toBe(403);
      expect((await send('t-leader', id, { action: 'extension_approve', expectedVersion: 7 })).status).toBe(200);
      const extended = await view('t-dispatcher');
      expect(extended.lifecycle.pendingExtension).toBeNull();
      expect(Date.parse(extended.case.sla!.dueAt!)).toBeGreaterThan(Date.parse(resumed.case.sla!.dueAt!) + 24 * 3_600_000);
    });
  });
}
