import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { countWrites, insertResponder, plusOneCommand } from '../helpers/lifecycle';
import { getJson, postJson, startTestServer } from '../helpers/server';

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
      const steps: Array<[string, Record<string, unknown>, string, string | null]> = [
        ['t-dispatcher', { action: 'register', note: '属实，立案' }, 'registered', 'dispatch'],
        ['t-dispatcher', { action: 'dispatch', assigneeId: workerA, department: 'city-management' }, 'dispatched', 'handle'],
        ['t-gw-a', { action: 'accept' }, 'in_progress', 'handle'],
        ['t-gw-a', { action: 'handle', note: '已清理完毕', photos: ['p/1.jpg'] }, 'handled', 'verify'],
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
  });
}
