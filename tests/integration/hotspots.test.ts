import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeedAfter } from '../../db/queries/feed';
import type { HotspotEventData } from '../../db/records';
import { HOTSPOT_ALERT_SOURCE } from '../../server/domain/hotspots';
import { createLogger } from '../../server/logger';
import { CalendarService } from '../../server/services/calendar';
import { SoleLeader } from '../../server/services/leader';
import { Scheduler } from '../../server/services/scheduler';
import { caseInputSchema } from '../../server/protocol/api';
import { feedEventSchema } from '../../server/protocol/wire';
import { runHotspots, type HotspotOptions, type HotspotRun } from '../../server/services/hotspots';
import { IngestService } from '../../server/services/ingest';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { appeal, FIXTURE, insertFixtureCity } from '../helpers/fixtures';

/**
 * Hotspot detection on a synthetic field: planted gaussian clusters of appeals and
 * uniform noise over the fixture city, in hourly batches; a run at the end of each
 * hour sees only that hour (1 h window), so a hotspot's identity rests on the
 * overlap of consecutive outlines alone. Cluster A drifts 150 m east per hour (450 m
 * in all, more than its radius) and grows then cools; B stops after two hours; C is
 * six appeals per topic (never a per-topic hotspot) and grows past the alert threshold.
 */
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T02:00:00Z');
const runAt = (k: number) => new Date(T0 + k * HOUR);
/** Metres → degrees near lat 26.52. */
const east = (m: number) => m / 99_650;
const north = (m: number) => m / 110_800;

const OPTIONS: Partial<HotspotOptions> = {
  detection: { windowMs: HOUR, epsM: 250, minPoints: 8, minPointsAll: 16, minCount: 12, topicShare: 0.3, bufferM: 200, simplifyM: 25, concavity: 0.5 },
  alert: { minCount: 30 },
};

const TOPICS = ['物业管理', '噪音扰民', '环境污染', '交通出行', '劳动社保', '住房建设', '拆迁安置', '医疗卫生', '教育', '市场监管', '供水供电', '城市管理'];
const A = { lng: 106.615, lat: 26.52, topic: '噪音扰民' };
const B = { lng: 106.66, lat: 26.525, topic: '物业管理' };
const C = { lng: 106.64, lat: 26.508 };
/** Two topics in one place: 教育 dominant, 城市管理 a quarter — dense enough for DBSCAN, too small a share to be a hotspot of its own. */
const D = { lng: 106.625, lat: 26.533, topic: '教育', minor: '城市管理' };
const SIGMA_M = 120;
/** A hotspot's label point (on its outline's surface) lies this close to the planted centre: well under the clusters' spacing (≥ 1.5 km). */
const NEAR_M = 200;
const NOISE_PER_HOUR = 150;

/** Deterministic: mulberry32. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planted {
  lng: number;
  lat: number;
  count: number;
  topics: string[];
}

/** Where the planted clusters are in hour k (1…4), and how many appeals each gets. */
function plan(k: number): Record<'A' | 'B' | 'C' | 'D', Planted | null> {
  const counts = [40, 40, 60, 30];
  return {
    A: { lng: A.lng + east(150 * (k - 1)), lat: A.lat, count: counts[k - 1]!, topics: [A.topic] },
    B: k <= 2 ? { lng: B.lng, lat: B.lat, count: 40, topics: [B.topic] } : null,
    C: k === 1 ? { ...C, count: 24, topics: TOPICS.slice(2, 6) } : { ...C, count: k === 2 ? 36 : 48, topics: TOPICS.slice(2, 8) },
    D: { lng: D.lng, lat: D.lat, count: 64, topics: [D.topic, D.topic, D.topic, D.minor] },
  };
}

describe.each(DB_KINDS)('hotspot detection on %s', (kind) => {
  let t: TestDatabase;
  let ingest: IngestService;
  const random = rng(11);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let serial = 0;
  const runs: HotspotRun[] = [];

  /** The hour's appeals (planted + noise), reported inside (run k − 1, run k]. */
  async function fillHour(k: number): Promise<void> {
    const inputs: unknown[] = [];
    const reportedAt = () => new Date(runAt(k - 1).getTime() + (0.05 + 0.9 * random()) * HOUR).toISOString();
    for (const planted of Object.values(plan(k))) {
      if (!planted) continue;
      for (let i = 0; i < planted.count; i++) {
        const topic = planted.topics[i % planted.topics.length]!;
        const [lng, lat] = [planted.lng + east(gauss() * SIGMA_M), planted.lat + north(gauss() * SIGMA_M)];
        inputs.push(appeal(`hot-${++serial}`, lng, lat, { topic, reportedAt: reportedAt() }));
      }
    }
    const [w, s, e, n] = FIXTURE.bbox;
    for (let i = 0; i < NOISE_PER_HOUR; i++) {
      const topic = TOPICS[Math.floor(random() * TOPICS.length)]!;
      inputs.push(appeal(`hot-${++serial}`, w + (e - w) * random(), s + (n - s) * random(), { topic, reportedAt: reportedAt() }));
    }
    await ingest.ingestCases(inputs.map((i) => caseInputSchema.parse(i)));
  }

  const hotspots = async (): Promise<Array<{ id: number; topic: string | null; trend: string; count: number; lng: number; lat: number; alertId: number | null; endedAt: string | null }>> =>
    (
      await t.database.rows<{ id: number; topic: string | null; trend: string; count: number; lng: number; lat: number; alertId: number | null; endedAt: string | null }>(sql`
        SELECT id, topic, trend, count, ST_X(center) AS lng, ST_Y(center) AS lat, alert_id AS "alertId", ended_at::text AS "endedAt"
        FROM hotspots ORDER BY id`)
    ).map((h) => ({ ...h, id: Number(h.id), alertId: h.alertId === null ? null : Number(h.alertId) }));
  const metres = (a: { lng: number; lat: number }, b: { lng: number; lat: number }) =>
    Math.hypot((a.lng - b.lng) * 99_650, (a.lat - b.lat) * 110_800);
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ingest = new IngestService(t.database, () => undefined, { clock: () => T0 });
    for (let k = 1; k <= 4; k++) {
      await fillHour(k);
      runs.push(await runHotspots(t.database, runAt(k), OPTIONS));
      (runs.at(-1) as HotspotRun & { snapshot?: unknown }).snapshot = await hotspots();
    }
  });

  afterAll(async () => {
    await t?.drop();
  });

  const snapshot = (k: number) => (runs[k - 1] as HotspotRun & { snapshot: Awaited<ReturnType<typeof hotspots>> }).snapshot;

  it('finds every planted cluster (label point within 200 m) and no hotspot made of noise', () => {
    const first = snapshot(1);
    const planted = plan(1);
    // Per topic: A, B and D's dominant topic; across topics: A, B, C and D (six appeals per topic is no
    // per-topic hotspot, nor is D's minor topic, however dense, at a quarter of D).
    const expected: Array<[string | null, Planted]> = [
      [A.topic, planted.A!], [B.topic, planted.B!], [D.topic, planted.D!], [null, planted.A!], [null, planted.B!], [null, planted.C!], [null, planted.D!],
    ];
    for (const [topic, centre] of expected) {
      const found = first.filter((h) => h.topic === topic && metres(h, centre) < NEAR_M);
      expect(found, `${topic ?? 'all topics'} at ${centre.lng},${centre.lat}`).toHaveLength(1);
    }
    expect(first).toHaveLength(expected.length);
    expect(first.every((h) => h.trend === 'emerging')).toBe(true);
    expect(first.filter((h) => h.topic === D.minor)).toEqual([]);
    expect(runs[0]).toMatchObject({ clusters: 7, created: 7, updated: 0, ended: 0 });
  });

  it('keeps a drifting cluster\'s identity and follows its trend: stable, growing, cooling', () => {
    const ids = [1, 2, 3, 4].map((k) => snapshot(k).filter((h) => h.topic === A.topic && h.endedAt === null));
    for (const [k, live] of ids.entries()) {
      expect(live, `hour ${k + 1}`).toHaveLength(1);
      expect(metres(live[0]!, plan(k + 1).A!), `hour ${k + 1}`).toBeLessThan(NEAR_M);
    }
    expect(new Set(ids.map((l) => l[0]!.id)).size).toBe(1);
    expect(ids.map((l) => l[0]!.trend)).toEqual(['emerging', 'stable', 'growing', 'cooling']);
    // Across topics the same: one identity all along.
    const all = [1, 2, 3, 4].map((k) => snapshot(k).filter((h) => h.topic === null && h.endedAt === null && metres(h, plan(k).A!) < NEAR_M));
    expect(all.map((l) => l.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(all.map((l) => l[0]!.id)).size).toBe(1);
  });

  it('ends a hotspot when its cluster is gone, and never matches it again', async () => {
    const b2 = snapshot(2).find((h) => h.topic === B.topic)!;
    expect(b2.trend).toBe('stable');
    const b3 = snapshot(3).find((h) => h.id === b2.id)!;
    expect(b3.trend).toBe('ended');
    expect(b3.endedAt).not.toBeNull();
    expect(snapshot(3).filter((h) => h.topic === B.topic && h.endedAt === null)).toHaveLength(0);
    const [history] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM hotspot_history WHERE hotspot_id = ${b2.id}::bigint`);
    expect(history!.n).toBe(2);
  });

  it('raises the 信访聚集风险 alert exactly once per hotspot, on emerging with enough appeals or growing past the threshold', async () => {
    const c = [1, 2, 3, 4].map((k) => snapshot(k).find((h) => h.topic === null && metres(h, plan(k).C!) < NEAR_M)!);
    expect(new Set(c.map((h) => h.id)).size).toBe(1);
    expect(c.map((h) => h.trend)).toEqual(['emerging', 'growing', 'growing', 'stable']);
    expect(c[0]!.alertId).toBeNull(); // 24 appeals: below the threshold of 30
    expect(c[1]!.alertId).not.toBeNull(); // grew past it
    expect(c.slice(2).map((h) => h.alertId)).toEqual([c[1]!.alertId, c[1]!.alertId]);
    // A, B and D emerged with 40 or more each, per topic and across: three alerts in the first run — each across-topics
    // hotspot drawn over its topic's shares that one (one alert per place) —, C's (across topics only) in the second, none after.
    expect(runs.map((r) => r.alerts)).toEqual([3, 1, 0, 0]);
    for (const [key, topic] of [['A', A.topic], ['B', B.topic], ['D', D.topic]] as const) {
      const at = plan(1)[key]!;
      const pair = snapshot(1).filter((h) => metres(h, at) < NEAR_M && (h.topic === topic || h.topic === null));
      expect(pair.map((h) => h.topic ?? '').sort(), key).toEqual(['', topic]);
      expect(pair[0]!.alertId, key).not.toBeNull();
      expect(pair[1]!.alertId, key).toBe(pair[0]!.alertId);
    }
    // Another run at the same instant raises nothing new either.
    const again = await runHotspots(t.database, runAt(4), OPTIONS);
    expect(again.alerts).toBe(0);
    const alerts = await t.database.rows<{ id: number; eventType: string; severity: string; status: string }>(sql`
      SELECT id, event_type AS "eventType", severity, status FROM alerts WHERE source = ${HOTSPOT_ALERT_SOURCE} ORDER BY id`);
    expect(alerts).toHaveLength(4);
    expect(alerts.every((a) => a.eventType === 'STABILITY' && a.status === 'active')).toBe(true);
    const linked = (await hotspots()).filter((h) => h.alertId !== null).map((h) => h.alertId!);
    expect(linked).toHaveLength(7);
    expect([...new Set(linked)].sort((a, b) => a - b)).toEqual(alerts.map((a) => Number(a.id)));
    // Each travels as an ordinary alert.created, on the wall, with the hotspot's outline as its area.
    const feed = await readFeedAfter(t.database, 0, 100_000);
    const created = feed.filter((f) => f.topic === 'alert.created' && (f.payload as { source: string }).source === HOTSPOT_ALERT_SOURCE);
    expect(created.map((f) => (f.payload as { id: number }).id).sort((a, b) => a - b)).toEqual(alerts.map((a) => Number(a.id)));
    for (const f of created) expect(feedEventSchema.safeParse(f).success).toBe(true);
  });

  it('writes hotspot.updated rows that validate, scoped by the outline\'s areas, with no appeal position among the outline\'s vertices', async () => {
    const feed = (await readFeedAfter(t.database, 0, 100_000)).filter((f) => f.topic === 'hotspot.updated');
    // Every run: the hotspots that are new, changed or ended (run 1: all five).
    expect(feed.length).toBeGreaterThanOrEqual(runs.reduce((n, r) => n + r.created + r.ended, 0));
    for (const f of feed) {
      const parsed = feedEventSchema.safeParse(f);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(f.layer).toBe('hotspots');
      expect(f.areaCodes).toContain(FIXTURE.city);
    }
    // Counts add up: the areas hold every member (all planted appeals lie in the city); across topics the
    // topic histogram is its members; a single-topic hotspot counts its own topic and its neighbours'.
    for (const h of feed.map((f) => f.payload as HotspotEventData)) {
      expect(h.areas.reduce((n, a) => n + a.count, 0), `areas of ${h.id}`).toBe(h.count);
      expect(h.areas.every((a) => [`${FIXTURE.west}001`, `${FIXTURE.east}001`].includes(a.code))).toBe(true); // streets
      if (h.topic === null) expect(Object.values(h.topics).reduce((n, c) => n + c, 0)).toBe(h.count);
      else expect(h.topics[h.topic]!).toBeGreaterThanOrEqual(h.count);
    }
    const cFirst = feed.map((f) => f.payload as HotspotEventData).find((h) => h.topic === null && Math.hypot((h.center[0] - C.lng) * 99_650, (h.center[1] - C.lat) * 110_800) < NEAR_M)!;
    expect(Object.keys(cFirst.topics).sort()).toEqual(expect.arrayContaining(TOPICS.slice(2, 6).sort()));
    const ended = feed.filter((f) => (f.payload as HotspotEventData).trend === 'ended');
    expect(ended.length).toBeGreaterThanOrEqual(2); // B per topic and across topics
    // No vertex of any outline, as stored or as fed, lies within 0.1 m of an appeal.
    const vertices = feed.flatMap((f) => (f.payload as HotspotEventData).outline.coordinates.flat(3) as number[]);
    const [stored] = await t.database.rows<{ n: number; nearest: number }>(sql`
      WITH v AS (
        SELECT (ST_DumpPoints(outline)).geom AS g FROM hotspots
        UNION ALL
        SELECT ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326)
        FROM jsonb_to_recordset(${JSON.stringify(chunkPairs(vertices))}::jsonb) AS x(lng float8, lat float8)
      )
      SELECT count(*)::int AS n,
        min((SELECT ST_Distance(v.g::geography, c.geom::geography) FROM cases c WHERE c.kind = 'appeal' ORDER BY c.geom <-> v.g LIMIT 1)) AS nearest
      FROM v`);
    expect(stored!.n).toBeGreaterThan(100);
    expect(stored!.nearest).toBeGreaterThan(0.1);
  });

  it('runs as the scheduler leader\'s job only, and prunes ended hotspots after the retention', async () => {
    const calendar = new CalendarService(t.database);
    await calendar.load();
    const clock = { now: runAt(5).getTime() };
    const make = (enabled: boolean) =>
      new Scheduler(
        { database: t.database, calendar, leadership: new SoleLeader(), log: createLogger('silent'), onCommit: () => undefined },
        { enabled, now: () => clock.now, hotspotsMs: 60_000, hotspots: OPTIONS, hotspotRetentionDays: 30 },
      );
    const follower = make(false);
    expect((await follower.tick()).hotspots).toBeNull();
    const leader = make(true);
    // Hour 5 has no appeals: every live hotspot ends.
    const live = (await hotspots()).filter((h) => h.endedAt === null).length;
    expect(live).toBeGreaterThan(0);
    const report = await leader.tick();
    expect(report.hotspots).toMatchObject({ clusters: 0, created: 0, updated: 0, ended: live });
    expect((await hotspots()).every((h) => h.endedAt !== null)).toBe(true);
    // The next tick within the interval does not detect again.
    expect((await leader.tick()).hotspots).toBeNull();
    await leader.stop();
    await follower.stop();
    // 31 days on, a new leader prunes them all (and their history).
    clock.now = runAt(5).getTime() + 31 * 24 * HOUR;
    const later = make(true);
    const pruned = (await later.tick()).pruned;
    expect(pruned?.hotspots).toBeGreaterThan(0);
    expect(await hotspots()).toEqual([]);
    const [history] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM hotspot_history`);
    expect(history!.n).toBe(0);
    await later.stop();
  });
});

function chunkPairs(flat: number[]): Array<{ lng: number; lat: number }> {
  const out: Array<{ lng: number; lat: number }> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ lng: flat[i]!, lat: flat[i + 1]! });
  return out;
}
