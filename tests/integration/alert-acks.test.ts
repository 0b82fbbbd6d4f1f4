import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import { escalateUnacknowledged, expireAlerts } from '../../server/services/alert-timers';
import { ensureUser, signIn } from '../helpers/auth';
import { alertRowCounts, capFixture, postCap } from '../helpers/cap';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import { FeedClient, getJson, postJson, startTestServer } from '../helpers/server';

/**
 * Acknowledgement per affected district (issue 12 §5) and the two alert timers the
 * scheduler calls: escalation of unacknowledged alerts, once per level and on time
 * (called here with explicit clocks), and expiry.
 */
const MIN = 60_000;

function box(w: number, s: number, e: number, n: number) {
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}
/** Straddles the border of the two districts (lng 106.64). */
const ACROSS = box(106.635, 26.505, 106.645, 26.515);
const WEST_ONLY = box(106.605, 26.505, 106.615, 26.515);
const EAST_ONLY = box(106.665, 26.505, 106.675, 26.515);

for (const kind of DB_KINDS) {
  describe(`alert acknowledgement and escalation on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    const as: Record<string, Record<string, string>> = {};

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ({ app, base } = await startTestServer(t.database));
      for (const [login, role, area] of [
        ['duty-west', 'duty_officer', FIXTURE.west],
        ['duty-east', 'duty_officer', FIXTURE.east],
        ['duty-city', 'duty_officer', FIXTURE.city],
        ['duty-street', 'duty_officer', `${FIXTURE.west}001`],
        ['dispatch-city', 'dispatcher', FIXTURE.city],
      ] as const) {
        await ensureUser(t.database, login, role, area);
        as[login] = { cookie: await signIn(base, login) };
      }
      // Display names differ from logins: the card shows the name.
      await t.database.rows(sql`UPDATE users SET display_name = '区' || split_part(login, '-', 2) || '值班员' WHERE login LIKE 'duty-%'`);
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    async function alert(externalId: string, severity: string, geometry: unknown, extra: Record<string, unknown> = {}): Promise<number> {
      const res = await postJson(base, '/api/alerts', {
        externalId, eventType: 'MET_RAINSTORM', headline: externalId, severity, urgency: 'Immediate', certainty: 'Observed', geometry, ...extra,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return (res.body as { alert: { id: number } }).alert.id;
    }
    const acknowledge = (who: string, id: number, body: Record<string, unknown> = {}) =>
      postJson(base, `/api/alerts/${id}/acknowledgements`, body, { headers: as[who]! });
    const storedAt = async (id: number) => {
      const [row] = await t.database.rows<{ ms: number }>(sql`SELECT (extract(epoch FROM created_at) * 1000)::float8 AS ms FROM alerts WHERE id = ${id}::bigint`);
      // Microseconds in the database: the first whole millisecond at or after it.
      return Math.ceil(row!.ms);
    };
    const escalations = (id: number) =>
      t.database.rows<{ level: number; to: string }>(sql`
        SELECT (payload->>'level')::int AS level, payload->>'to' AS "to" FROM feed
        WHERE topic = 'alert.escalated' AND (payload->>'id')::bigint = ${id}::bigint ORDER BY seq`);

    it('a duty officer acknowledges for their own district only: audited, live, idempotent; outsiders get 403/404', async () => {
      const id = await alert('ack-across', 'Extreme', ACROSS);
      const eastOnly = await alert('ack-east', 'Severe', EAST_ONLY);
      const before = await alertRowCounts(t.database);

      // Another district's area: 403. Another district's alert: 404. A role that may not acknowledge: 403.
      const wrongArea = await acknowledge('duty-east', id, { area: FIXTURE.west });
      expect([wrongArea.status, wrongArea.body.error?.code]).toEqual([403, 'FORBIDDEN']);
      const elsewhere = await acknowledge('duty-west', eastOnly);
      expect([elsewhere.status, elsewhere.body.error?.code]).toEqual([404, 'NOT_FOUND']);
      const dispatcher = await acknowledge('dispatch-city', id, { area: FIXTURE.west });
      expect([dispatcher.status, dispatcher.body.error?.code]).toEqual([403, 'FORBIDDEN']);
      const notAsked = await acknowledge('duty-city', id, { area: `${FIXTURE.west}001` });
      expect([notAsked.status, notAsked.body.error?.code]).toEqual([422, 'UNKNOWN_AREA']);
      const ambiguous = await acknowledge('duty-city', id);
      expect([ambiguous.status, ambiguous.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      // A street's duty desk sees the alert but answers for no district.
      const street = await acknowledge('duty-street', id);
      expect([street.status, street.body.error?.code]).toEqual([403, 'FORBIDDEN']);
      expect(await alertRowCounts(t.database)).toEqual(before);

      // The east officer's district by default.
      const first = await acknowledge('duty-east', id, { note: '已通知各网格' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const body = first.body as { created: boolean; acknowledgement: { areaCode: string; actor: string; by: string; at: string };
        alert: { status: string; ack: { pending: string[]; acknowledged: string[]; level: number; records: unknown[] } };
      };
      expect(body.created).toBe(true);
      expect(body.acknowledgement.areaCode).toBe(FIXTURE.east);
      expect(body.alert.status).toBe('active');
      expect(body.alert.ack).toMatchObject({ pending: [FIXTURE.west], acknowledged: [FIXTURE.east], level: 0 });
      expect(await alertRowCounts(t.database)).toEqual({ ...before, acks: before.acks + 1, audit: before.audit + 1, feed: before.feed + 1 });
      const [audited] = await t.database.rows<{ actor_label: string; area_codes: string[]; details: { area: string; note: string } }>(sql`
        SELECT actor_label, area_codes, details FROM audit_log WHERE action = 'alerts.acknowledge' AND target_id = ${String(id)}`);
      expect(audited).toEqual({ actor_label: 'duty-east', area_codes: [FIXTURE.city, FIXTURE.east], details: expect.objectContaining({ area: FIXTURE.east, note: '已通知各网格' }) });
      const [live] = await t.database.rows<{ action: string; pending: string[]; records: unknown }>(sql`
        SELECT payload->>'action' AS action, ARRAY(SELECT jsonb_array_elements_text(payload->'ack'->'pending')) AS pending,
               payload->'ack'->'records' AS records
        FROM feed WHERE topic = 'alert.updated' AND (payload->>'id')::bigint = ${id}::bigint`);
      // Who (display name), when, per area — on the wire, in the answer and in the snapshot alike.
      const eastRecord = { area: FIXTURE.east, by: '区east值班员', at: body.acknowledgement.at };
      expect(live).toEqual({ action: 'acknowledged', pending: [FIXTURE.west], records: [eastRecord] });
      expect(body.acknowledgement.by).toBe('区east值班员');
      expect(body.alert.ack.records).toEqual([eastRecord]);
      expect(Date.parse(body.acknowledgement.at)).toBeGreaterThan(Date.now() - 60_000);
      const snap = await getJson<{ alerts: Array<{ id: number; ack: { records: unknown } }> }>(base, '/api/snapshot?layers=alerts');
      expect(snap.body.alerts.find((a) => a.id === id)!.ack.records).toEqual([eastRecord]);

      // Again: the first acknowledgement, nothing written.
      const repeat = await acknowledge('duty-east', id);
      expect(repeat.status).toBe(200);
      expect((repeat.body as typeof body).created).toBe(false);
      expect((repeat.body as typeof body).acknowledgement.at).toBe(body.acknowledgement.at);
      expect(await alertRowCounts(t.database)).toEqual({ ...before, acks: before.acks + 1, audit: before.audit + 1, feed: before.feed + 1 });

      // The last district: acknowledged, no more escalation.
      const last = await acknowledge('duty-city', id, { area: FIXTURE.west });
      expect(last.status).toBe(201);
      expect((last.body as typeof body).alert.status).toBe('acknowledged');
      expect((last.body as typeof body).alert.ack.records).toEqual([
        { area: FIXTURE.west, by: '区city值班员', at: (last.body as typeof body).acknowledgement.at },
        eastRecord,
      ]);
      const [row] = await t.database.rows<{ next: string | null }>(sql`SELECT next_escalation_at AS next FROM alerts WHERE id = ${id}::bigint`);
      expect(row!.next).toBeNull();
    });

    it('escalates an unacknowledged alert once per level, on time, to the level above (and catches up after downtime)', async () => {
      const extreme = await alert('esc-extreme', 'Extreme', ACROSS);
      const t0 = await storedAt(extreme);
      const watcher = new FeedClient(base, { layers: ['alerts'] });
      await watcher.connected();
      expect((await watcher.subscribe(null)).ok).toBe(true);

      expect((await escalateUnacknowledged(t.database, t0 + 5 * MIN - 1)).escalated).toBe(0);
      expect(await escalations(extreme)).toEqual([]);
      expect((await escalateUnacknowledged(t.database, t0 + 5 * MIN)).escalated).toBeGreaterThanOrEqual(1);
      expect(await escalations(extreme)).toEqual([{ level: 1, to: FIXTURE.city }]);
      await escalateUnacknowledged(t.database, t0 + 5 * MIN + 30_000);
      expect(await escalations(extreme)).toHaveLength(1);
      // The wall hears it.
      await watcher.until((events) => events.some((e) => e.topic === 'alert.escalated' && e.payload.id === extreme));
      watcher.close();

      // One district acknowledging does not stop it while the other has not.
      expect((await acknowledge('duty-west', extreme)).status).toBe(201);
      await escalateUnacknowledged(t.database, t0 + 10 * MIN);
      expect(await escalations(extreme)).toEqual([{ level: 1, to: FIXTURE.city }, { level: 2, to: FIXTURE.city }]);
      const [row] = await t.database.rows<{ level: number; next: string | null }>(sql`
        SELECT escalation_level AS level, next_escalation_at AS next FROM alerts WHERE id = ${extreme}::bigint`);
      expect(row).toEqual({ level: 2, next: null });
      await escalateUnacknowledged(t.database, t0 + 600 * MIN);
      expect(await escalations(extreme)).toHaveLength(2);

      // Down across two steps of a Severe alert: both levels, once each, in order, in one sweep.
      const severe = await alert('esc-severe', 'Severe', WEST_ONLY);
      const t1 = await storedAt(severe);
      await escalateUnacknowledged(t.database, t1 + 14 * MIN);
      expect(await escalations(severe)).toEqual([]);
      await escalateUnacknowledged(t.database, t1 + 31 * MIN);
      expect(await escalations(severe)).toEqual([{ level: 1, to: FIXTURE.city }, { level: 2, to: FIXTURE.city }]);
      const [audit] = await t.database.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM audit_log WHERE action = 'alerts.escalate' AND target_id = ${String(severe)}`);
      expect(audit!.n).toBe(1);
    });

    it('never escalates a Minor alert, an acknowledged one, or one kept off the wall', async () => {
      const minor = await alert('esc-minor', 'Minor', WEST_ONLY);
      const acked = await alert('esc-acked', 'Extreme', WEST_ONLY);
      expect((await acknowledge('duty-west', acked)).status).toBe(201);
      const key = { cookie: as['duty-city']!.cookie! };
      const drill = await postCap(base, key, capFixture('exercise'));
      expect(drill.status, JSON.stringify(drill.body)).toBe(201);
      const t0 = await storedAt(minor);
      await escalateUnacknowledged(t.database, t0 + 24 * 60 * MIN);
      expect(await escalations(minor)).toEqual([]);
      expect(await escalations(acked)).toEqual([]);
      expect(await escalations(drill.body.stored[0]!.id)).toEqual([]);
    });

    it('expires alerts on time: expired, alert.updated once, then nothing to acknowledge', async () => {
      const expires = new Date(Date.now() + 60 * MIN).toISOString();
      const id = await alert('exp-1', 'Extreme', EAST_ONLY, { expires });
      expect((await expireAlerts(t.database, Date.parse(expires) - 1)).expired).toBe(0);
      const done = await expireAlerts(t.database, Date.parse(expires));
      expect(done.expired).toBeGreaterThanOrEqual(1);
      const [row] = await t.database.rows<{ status: string; next: string | null }>(sql`SELECT status, next_escalation_at AS next FROM alerts WHERE id = ${id}::bigint`);
      expect(row).toEqual({ status: 'expired', next: null });
      await expireAlerts(t.database, Date.parse(expires) + MIN);
      const updates = await t.database.rows<{ action: string }>(sql`
        SELECT payload->>'action' AS action FROM feed WHERE topic = 'alert.updated' AND (payload->>'id')::bigint = ${id}::bigint`);
      expect(updates).toEqual([{ action: 'expired' }]);
      const late = await acknowledge('duty-east', id);
      expect([late.status, late.body.error?.code]).toEqual([409, 'CONFLICT']);
      await escalateUnacknowledged(t.database, Date.parse(expires) + 60 * MIN);
      expect(await escalations(id)).toEqual([]);
    });
  });
}
