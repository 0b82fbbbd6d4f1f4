import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import { toCapTime } from '../../server/cap/message';
import type { FeedEvent } from '../../server/protocol/wire';
import { makeApiKey } from '../helpers/auth';
import { capFixture, postCap } from '../helpers/cap';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import { FeedClient, startTestServer } from '../helpers/server';

/**
 * A CAP alert's two timers as the running server's scheduler (the leader job, not
 * the sweep functions called by hand) applies them, heard by a real socket client:
 * unacknowledged, an Extreme alert escalates once per level at 5 and 10 minutes; its
 * <expires> ends it at that instant with one `alert.updated` (action expired). The
 * scheduler's clock is moved, nothing sleeps.
 */
const MIN = 60_000;

for (const kind of DB_KINDS) {
  describe(`CAP alert timers through the scheduler on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    let feedKey: Record<string, string>;
    const clock = { now: Date.now() };

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      // One tick at start (at the real now: nothing due), then only the ticks this test asks for.
      ({ app, base } = await startTestServer(t.database, 0, { scheduler: { enabled: true, tickMs: 3_600_000, now: () => clock.now } }));
      feedKey = { authorization: `Bearer ${await makeApiKey(t.database, 'weather feed', FIXTURE.city, ['api'])}` };
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    const alertFeed = (id: number) =>
      t.database.rows<{ topic: string; action: string | null; level: number | null }>(sql`
        SELECT topic, payload->>'action' AS action, (payload->>'level')::int AS level
        FROM feed WHERE layer = 'alerts' AND (payload->>'id')::bigint = ${id}::bigint ORDER BY seq`);
    const tickAt = async (ms: number) => {
      clock.now = ms;
      return app.context.scheduler.tick();
    };
    const heard = (events: FeedEvent[], id: number, what: (e: FeedEvent) => boolean) =>
      events.some((e) => e.layer === 'alerts' && e.payload.id === id && what(e));

    it('escalates an unacknowledged CAP alert once per level on time, then ends it at its <expires>', async () => {
      const watcher = new FeedClient(base, { layers: ['alerts'] });
      await watcher.connected();
      expect((await watcher.subscribe(null)).ok).toBe(true);
      const sent = Date.now();
      const expires = sent + 12 * MIN;
      const xml = capFixture('circle-point')
        .replace('GAS-2026-0601-001', 'GAS-TIMERS-1')
        .replace('<sent>2026-06-01T10:15:00+08:00</sent>', `<sent>${toCapTime(sent)}</sent>`)
        .replace('<headline>', `<expires>${toCapTime(expires)}</expires>\n    <headline>`);
      const res = await postCap(base, feedKey, xml);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const id = res.body.stored[0]!.id;
      const [row] = await t.database.rows<{ stored: number; expires: number }>(sql`
        SELECT (extract(epoch FROM created_at) * 1000)::float8 AS stored, (extract(epoch FROM expires) * 1000)::float8 AS expires
        FROM alerts WHERE id = ${id}::bigint`);
      // CAP times are whole seconds.
      expect(row!.expires).toBe(Math.floor(expires / 1000) * 1000);
      const t0 = Math.ceil(row!.stored);

      await watcher.until((events) => heard(events, id, (e) => e.topic === 'alert.created'));

      expect(await tickAt(t0 + 5 * MIN - 1)).toMatchObject({ leader: true, alertsEscalated: 0, alertsExpired: 0 });
      expect(await tickAt(t0 + 5 * MIN)).toMatchObject({ alertsEscalated: 1, alertsExpired: 0 });
      await watcher.until((events) => heard(events, id, (e) => e.topic === 'alert.escalated' && e.payload.level === 1));
      expect(await tickAt(t0 + 9 * MIN)).toMatchObject({ alertsEscalated: 0 });
      expect(await tickAt(t0 + 10 * MIN)).toMatchObject({ alertsEscalated: 1 });
      await watcher.until((events) => heard(events, id, (e) => e.topic === 'alert.escalated' && e.payload.level === 2));

      expect(await tickAt(row!.expires - 1)).toMatchObject({ alertsExpired: 0, alertsEscalated: 0 });
      expect(await tickAt(row!.expires)).toMatchObject({ alertsExpired: 1 });
      await watcher.until((events) => heard(events, id, (e) => e.topic === 'alert.updated' && e.payload.action === 'expired'));
      expect(await tickAt(row!.expires + 60 * MIN)).toMatchObject({ alertsExpired: 0, alertsEscalated: 0 });

      expect(await alertFeed(id)).toEqual([
        { topic: 'alert.created', action: null, level: null },
        { topic: 'alert.escalated', action: null, level: 1 },
        { topic: 'alert.escalated', action: null, level: 2 },
        { topic: 'alert.updated', action: 'expired', level: null },
      ]);
      const [ended] = await t.database.rows<{ status: string }>(sql`SELECT status FROM alerts WHERE id = ${id}::bigint`);
      expect(ended!.status).toBe('expired');
      watcher.close();
    });
  });
}
