import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import type { AlertInput } from '../../server/protocol/api';
import { escalateUnacknowledged } from '../../server/services/alert-timers';
import { AlertDuty, SIMULATED_DUTY_NAME, Simulator, dutyAckAt } from '../../server/simulator';
import type { Severity } from '../../server/protocol/vocab';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { insertFixtureCity } from '../helpers/fixtures';
import { postJson, startTestServer } from '../helpers/server';

/**
 * The simulator's duty officers (issue 12): they acknowledge most of the simulator's
 * alerts, per district, when their plan says, through the real acknowledgement
 * service (ack row, audit row, `alert.updated`, the card's "who"); they leave the rest
 * to escalate, and never touch an alert that did not come from the simulator.
 */
const MIN = 60_000;
const SEED = 11;
const SEVERITIES: Severity[] = ['Extreme', 'Severe', 'Moderate'];
function box(w: number, s: number, e: number, n: number) {
  return { type: 'Polygon' as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}
const PLACES = [box(106.605, 26.505, 106.615, 26.515), box(106.665, 26.505, 106.675, 26.515), box(106.635, 26.505, 106.645, 26.515)];

for (const kind of DB_KINDS) {
  describe(`simulated duty officers on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    let apiAlert: number;
    const stored: Array<{ id: number; severity: Severity; storedAt: number; ackAreas: string[] }> = [];
    let wakes = 0;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ({ app, base } = await startTestServer(t.database));
      for (let i = 0; i < 24; i++) {
        const input: AlertInput = {
          source: 'simulator', externalId: `sim-duty-${i}`, eventType: 'MET_RAINSTORM', headline: `模拟预警 ${i}`,
          severity: SEVERITIES[i % 3]!, urgency: 'Immediate', certainty: 'Likely', geometry: PLACES[i % 3]!,
        } as AlertInput;
        const { alert } = await app.context.ingest.ingestAlert(input);
        stored.push({ id: alert.id, severity: alert.severity, storedAt: 0, ackAreas: alert.ack.pending });
      }
      const rows = await t.database.rows<{ id: number; ms: number }>(sql`SELECT id, (extract(epoch FROM created_at) * 1000)::float8 AS ms FROM alerts`);
      for (const s of stored) s.storedAt = rows.find((r) => Number(r.id) === s.id)!.ms;
      const api = await postJson(base, '/api/alerts', {
        externalId: 'not-simulated', eventType: 'MET_RAINSTORM', headline: '真实预警', severity: 'Extreme', urgency: 'Immediate', certainty: 'Observed', geometry: PLACES[0],
      });
      expect(api.status).toBe(201);
      apiAlert = (api.body as { alert: { id: number } }).alert.id;
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    const acks = () =>
      t.database.rows<{ alert: number; area: string; actor: string; label: string }>(sql`
        SELECT alert_id::int AS alert, area_code AS area, actor, actor_label AS label FROM alert_acks ORDER BY alert_id, area_code`);
    /** The (alert, area) pairs the plan acknowledges by `now`. */
    const planned = (now: number) =>
      stored.flatMap((s) =>
        s.ackAreas.flatMap((area) => {
          const at = dutyAckAt(SEED, s.id, area, s.severity, s.storedAt);
          return at !== null && at <= now ? [`${s.id}:${area}`] : [];
        }),
      );

    it('acknowledges what is due when it is due, through the acknowledgement service, and only the simulator’s alerts', async () => {
      const duty = new AlertDuty(t.database, () => wakes++, { seed: SEED, maxPerTick: 500 });
      const t0 = Math.max(...stored.map((s) => s.storedAt));
      const early = t0 + 3 * MIN;
      expect(await duty.tick(early)).toBe(planned(early).length);
      expect((await acks()).map((a) => `${a.alert}:${a.area}`).sort()).toEqual(planned(early).sort());
      expect(planned(early).length).toBeGreaterThan(0);

      // Through the simulator's own tick: everything planned, hours later.
      const simulator = new Simulator(app.context.ingest, t.database, { seed: SEED, rates: { incidentsPerMin: 0, appealsPerMin: 0, alertsPerHour: 0 }, duty });
      const late = t0 + 3 * 60 * MIN;
      await simulator.tick(new Date(late));
      const all = await acks();
      const pairs = stored.reduce((n, s) => n + s.ackAreas.length, 0);
      expect(all.map((a) => `${a.alert}:${a.area}`).sort()).toEqual(planned(late).sort());
      // Most acknowledged, some left to escalate; none of a real alert.
      expect(all.length).toBeGreaterThan(pairs * 0.6);
      expect(all.length).toBeLessThan(pairs);
      expect(all.some((a) => a.alert === apiAlert)).toBe(false);
      expect(new Set(all.map((a) => `${a.actor}|${a.label}`))).toEqual(new Set([`system:simulator:duty|${SIMULATED_DUTY_NAME}`]));
      expect(wakes).toBe(all.length);

      // Each one audited and pushed, the card naming the simulated officer.
      const [counts] = await t.database.rows<{ audit: number; feed: number; named: number }>(sql`
        SELECT (SELECT count(*)::int FROM audit_log WHERE action = 'alerts.acknowledge' AND actor = 'system:simulator:duty') AS audit,
               (SELECT count(*)::int FROM feed WHERE topic = 'alert.updated' AND payload->>'action' = 'acknowledged') AS feed,
               (SELECT count(*)::int FROM feed, jsonb_array_elements(payload->'ack'->'records') r
                WHERE topic = 'alert.updated' AND r->>'by' = ${SIMULATED_DUTY_NAME}) AS named`);
      expect(counts!.audit).toBe(all.length);
      expect(counts!.feed).toBe(all.length);
      expect(counts!.named).toBeGreaterThanOrEqual(all.length);

      // Nothing more to do; the ones left escalate.
      expect(await duty.tick(late + 10_000)).toBe(0);
      await escalateUnacknowledged(t.database, late);
      const escalated = await t.database.rows<{ id: number }>(sql`
        SELECT DISTINCT (payload->>'id')::int AS id FROM feed WHERE topic = 'alert.escalated' ORDER BY 1`);
      const leftPending = stored.filter((s) => s.ackAreas.some((area) => !all.some((a) => a.alert === s.id && a.area === area))).map((s) => s.id);
      expect(leftPending.length).toBeGreaterThan(0);
      expect(escalated.map((r) => r.id)).toEqual([...leftPending, apiAlert].sort((a, b) => a - b));
    });

    it('skips an alert that has ended', async () => {
      const before = (await acks()).length;
      const { alert } = await app.context.ingest.ingestAlert({
        source: 'simulator', externalId: 'sim-duty-ended', eventType: 'MET_RAINSTORM', headline: '已结束', severity: 'Extreme',
        urgency: 'Immediate', certainty: 'Likely', geometry: PLACES[1]!,
      } as AlertInput);
      await t.database.rows(sql`UPDATE alerts SET status = 'cancelled' WHERE id = ${alert.id}::bigint`);
      const duty = new AlertDuty(t.database, () => undefined, { seed: SEED, maxPerTick: 500 });
      expect(await duty.tick(Date.now() + 24 * 60 * MIN)).toBe(0);
      expect((await acks()).length).toBe(before);
    });
  });
}
