import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATUSES, SEVERITIES } from '../../db/vocab';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import { postJson, startTestServer } from '../helpers/server';

/**
 * The dispatch queue and the grid worker's tasks over HTTP, against answers
 * computed independently: which cases lie in a district by PostGIS geometry (never
 * the area_codes the code reads), tab membership and order written out again here.
 * Cases get their lifecycle columns directly in SQL (every status, deadlines in the
 * past and future, ties to the microsecond, no deadline), so every branch is met.
 */
type Tab = 'register' | 'dispatch' | 'handling' | 'verify' | 'overdue';
const TABS: Tab[] = ['register', 'dispatch', 'handling', 'verify', 'overdue'];
const IN_TAB: Record<Tab, (c: Raw) => boolean> = {
  register: (c) => c.status === 'reported',
  dispatch: (c) => ['registered', 'returned'].includes(c.status),
  handling: (c) => ['dispatched', 'in_progress', 'suspended'].includes(c.status),
  verify: (c) => c.status === 'handled',
  overdue: (c) => c.state === 'overdue' && !['closed', 'rejected', 'merged'].includes(c.status),
};
const N = 240;
const TIE = '2031-05-05T05:05:05.123456Z';

interface Raw {
  id: number;
  status: string;
  state: string;
  due: string | null;
  category: string;
  severity: string;
  channel: string;
  west: boolean;
  east: boolean;
}
interface QueueBody {
  tab: Tab;
  area: string;
  seq: number;
  counts: Record<Tab, number> | null;
  cases: Array<{ id: number; status: string; sla: { dueAt: string | null; state: string } | null; warnAt: string | null; address: string | null }>;
  next: string | null;
}

function byDeadline(a: Raw, b: Raw): number {
  if (a.due !== b.due) {
    if (a.due === null) return 1;
    if (b.due === null) return -1;
    return a.due < b.due ? -1 : 1;
  }
  return a.id - b.id;
}

describe.each(DB_KINDS)('dispatch queue and tasks (%s)', (kind) => {
  let t: TestDatabase;
  let base: string;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  let raw: Raw[];
  const cookies: Record<string, string> = {};
  const get = async <T = QueueBody>(who: string, path: string) => {
    const res = await fetch(base + path, { headers: { cookie: cookies[who]! } });
    return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
  };
  /** Every page of a tab, following `next`. */
  const walk = async (who: string, query: string, limit: number) => {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let first: QueueBody | undefined;
    do {
      const { status, body }: { status: number; body: QueueBody } = await get(who, `/api/dispatch/queue?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      first ??= body;
      expect(body.cases.length).toBeLessThanOrEqual(limit);
      ids.push(...body.cases.map((c) => c.id));
      // Counting is for the first page only.
      if (cursor) expect(body.counts).toBeNull();
      cursor = body.next;
      if (++pages > 100) throw new Error('paging does not end');
    } while (cursor);
    return { ids, first: first! };
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database));
    for (const [login, role, area] of [
      ['dispatcherWest', 'dispatcher', FIXTURE.west],
      ['dispatcherEast', 'dispatcher', FIXTURE.east],
      ['leader', 'leader', FIXTURE.city],
      ['worker', 'grid_worker', FIXTURE.west],
      ['worker2', 'grid_worker', FIXTURE.west],
    ] as const) {
      await ensureUser(t.database, `q-${login}`, role, area);
      cookies[login] = await signIn(base, `q-${login}`);
    }
    const cases = Array.from({ length: N }, (_, i) => {
      const west = i % 2 === 0;
      const lng = (west ? 106.6015 : 106.6415) + (i % 37) * 0.001;
      const lat = 26.5015 + (i % 13) * 0.003;
      const appeal = i % 5 === 4;
      return {
        kind: appeal ? 'appeal' : 'incident',
        channel: appeal ? 'hotline_12345' : i % 4 === 0 ? 'sensor' : 'grid_worker',
        externalId: `q-${i}`,
        category: appeal ? 'TS' : ['0101', '0102', '0103'][i % 3],
        ...(appeal ? { topic: '噪音扰民' } : {}),
        severity: SEVERITIES[i % 5],
        address: `测试路 ${i} 号`,
        location: { type: 'Point', coordinates: [lng, lat] },
      };
    });
    expect((await postJson(base, '/api/cases/batch', { cases })).status).toBe(200);
    // Lifecycle columns of every kind: each status; deadlines past, future, tied to the µs, or none (suspended, finished).
    await t.database.rows(sql`
      WITH x AS (
        SELECT c.id, n, (${`{${CASE_STATUSES.join(',')}}`}::text[])[1 + ((n / 2) * 7) % 10] AS status
        FROM cases c CROSS JOIN LATERAL (SELECT substr(c.external_id, 3)::int AS n) k
      ),
      d AS (
        SELECT x.*, CASE
          WHEN x.status IN ('closed', 'rejected', 'merged', 'suspended') THEN NULL
          WHEN n % 11 = 0 THEN ${TIE}::timestamptz
          ELSE now() + make_interval(mins => ((n * 37) % 200 - 60)) + make_interval(secs => n / 1000.0) END AS due
        FROM x
      )
      UPDATE cases c SET status = d.status, sla_due_at = d.due,
        sla_warn_at = d.due - interval '10 minutes',
        sla_stage = CASE WHEN d.due IS NULL THEN NULL ELSE 'handle' END,
        sla_state = CASE WHEN d.due < now() OR (d.status = 'suspended' AND n % 3 = 0) THEN 'overdue' WHEN n % 6 = 0 THEN 'warning' ELSE 'normal' END,
        updated_at = now() - make_interval(secs => n)
      FROM d WHERE d.id = c.id`);
    raw = await t.database.rows<Raw>(sql`
      SELECT c.id::int AS id, c.status, c.sla_state AS state,
             to_char(c.sla_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due,
             c.category, c.severity, c.channel,
             ST_Intersects(c.geom, (SELECT geom FROM areas WHERE code = ${FIXTURE.west})) AS west,
             ST_Intersects(c.geom, (SELECT geom FROM areas WHERE code = ${FIXTURE.east})) AS east
      FROM cases c ORDER BY c.id`);
    expect(raw.filter((c) => c.west && c.east)).toEqual([]);
  });

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('counts every tab as an independent SQL count does (district by geometry, not area codes)', async () => {
    const independent = async (district: string, extra = sql``) => {
      const [row] = await t.database.rows<Record<Tab, number>>(sql`
        WITH d AS (SELECT geom FROM areas WHERE code = ${district})
        SELECT count(*) FILTER (WHERE status = 'reported')::int AS register,
               count(*) FILTER (WHERE status IN ('registered', 'returned'))::int AS dispatch,
               count(*) FILTER (WHERE status IN ('dispatched', 'in_progress', 'suspended'))::int AS handling,
               count(*) FILTER (WHERE status = 'handled')::int AS verify,
               count(*) FILTER (WHERE sla_state = 'overdue' AND status NOT IN ('closed', 'rejected', 'merged'))::int AS overdue
        FROM cases c, d WHERE ST_Intersects(d.geom, c.geom) ${extra}`);
      return row!;
    };
    const west = await get('dispatcherWest', '/api/dispatch/queue');
    expect(west.status).toBe(200);
    expect(west.body.counts).toEqual(await independent(FIXTURE.west));
    expect(Object.values(west.body.counts!).every((n) => n > 0)).toBe(true);
    expect((await get('dispatcherEast', '/api/dispatch/queue?tab=verify')).body.counts).toEqual(await independent(FIXTURE.east));
    // Filters narrow the counts too.
    const filtered = await get('dispatcherWest', '/api/dispatch/queue?tab=handling&category=0101,0103&severity=Extreme,Minor,Moderate');
    expect(filtered.body.counts).toEqual(await independent(FIXTURE.west, sql`AND category IN ('0101', '0103') AND severity IN ('Extreme', 'Minor', 'Moderate')`));
    // The city sees both districts.
    const city = await get('leader', '/api/dispatch/queue');
    const both = [await independent(FIXTURE.west), await independent(FIXTURE.east)];
    for (const tab of TABS) expect(city.body.counts![tab]).toBe(both[0]![tab] + both[1]![tab]);
  });

  it('lists each tab soonest deadline first (no deadline last, ties by id), paged without gaps or repeats', async () => {
    for (const tab of TABS) {
      for (const [who, side] of [['dispatcherWest', 'west'], ['dispatcherEast', 'east']] as const) {
        const expected = raw.filter((c) => c[side] && IN_TAB[tab](c)).sort(byDeadline).map((c) => c.id);
        expect(expected.length).toBeGreaterThan(3);
        const { ids, first } = await walk(who, `tab=${tab}`, 7);
        expect([tab, who, ids]).toEqual([tab, who, expected]);
        expect(first.counts![tab]).toBe(expected.length);
        expect(first.tab).toBe(tab);
      }
    }
    // The µs tie group and the no-deadline tail are really there and come out in id order.
    const handling = raw.filter((c) => c.west && IN_TAB.handling(c)).sort(byDeadline);
    expect(handling.filter((c) => c.due === TIE).length).toBeGreaterThan(1);
    expect(handling.at(-1)!.due).toBeNull();
  });

  it('returns the rows the screen needs: deadline, state, warn instant, address', async () => {
    const { body } = await get('dispatcherWest', '/api/dispatch/queue?tab=dispatch&limit=200');
    const withDeadline = body.cases.find((c) => c.sla?.dueAt);
    expect(withDeadline).toMatchObject({ status: expect.stringMatching(/registered|returned/), address: expect.stringMatching(/^测试路/) });
    expect(Date.parse(withDeadline!.sla!.dueAt!) - Date.parse(withDeadline!.warnAt!)).toBe(10 * 60_000);
    expect(body.seq).toBeGreaterThan(0);
    // A live refresh of the list can skip the counts.
    const bare = await get('dispatcherWest', '/api/dispatch/queue?tab=dispatch&limit=200&counts=false');
    expect(bare.body.counts).toBeNull();
    expect(bare.body.cases.map((c) => c.id)).toEqual(body.cases.map((c) => c.id));
  });

  it('filters by category, severity and channel on every page', async () => {
    const query = 'tab=handling&category=0101,0102&severity=Severe,Moderate,Minor&channel=grid_worker';
    const expected = raw
      .filter((c) => c.west && IN_TAB.handling(c) && ['0101', '0102'].includes(c.category) && ['Severe', 'Moderate', 'Minor'].includes(c.severity) && c.channel === 'grid_worker')
      .sort(byDeadline)
      .map((c) => c.id);
    expect(expected.length).toBeGreaterThan(2);
    expect((await walk('dispatcherWest', query, 2)).ids).toEqual(expected);
    const appeals = raw.filter((c) => c.east && IN_TAB.register(c) && c.channel === 'hotline_12345').sort(byDeadline).map((c) => c.id);
    expect((await walk('dispatcherEast', 'tab=register&channel=hotline_12345', 3)).ids).toEqual(appeals);
  });

  it('keeps to the jurisdiction: an area outside it is 404, one inside narrows it', async () => {
    const west = await walk('dispatcherWest', 'tab=overdue', 50);
    expect(west.ids.every((id) => raw.find((c) => c.id === id)!.west)).toBe(true);
    expect((await walk('leader', `tab=overdue&area=${FIXTURE.west}`, 50)).ids).toEqual(west.ids);
    expect((await get('dispatcherEast', `/api/dispatch/queue?area=${FIXTURE.west}`)).status).toBe(404);
    expect((await get('dispatcherEast', '/api/dispatch/queue?area=999999')).status).toBe(404);
  });

  it('refuses a bad tab, filter, limit or cursor with 400, and grid workers with 403', async () => {
    for (const query of ['tab=all', 'counts=no', 'severity=Huge', 'channel=fax', 'limit=0', 'limit=201', 'cursor=abc', `cursor=${Buffer.from('{"d":"2020","i":1}').toString('base64url')}`, 'category=%27;drop']) {
      const { status, body } = await get('dispatcherWest', `/api/dispatch/queue?${query}`);
      expect([query, status, body.error?.code]).toEqual([query, 400, 'BAD_QUERY']);
    }
    expect((await get('worker', '/api/dispatch/queue')).status).toBe(403);
  });

  it("GET /api/me/tasks: the worker's own open cases in their jurisdiction, most recently changed first", async () => {
    // Grid-worker accounts are linked to a responder when made (server/auth/responder-link.ts): this test links its own.
    await t.database.rows(sql`UPDATE responders SET user_id = NULL WHERE user_id IN (SELECT id FROM users WHERE login IN ('q-worker', 'q-worker2'))`);
    const [r] = await t.database.rows<{ id: number }>(sql`
      INSERT INTO responders (code, name, role, user_id) VALUES ('Q-R1', 'worker', 'grid_worker', (SELECT id FROM users WHERE login = 'q-worker')) RETURNING id`);
    const [other] = await t.database.rows<{ id: number }>(sql`INSERT INTO responders (code, name, role) VALUES ('Q-R2', 'other', 'grid_worker') RETURNING id`);
    await t.database.rows(sql`UPDATE cases SET assignee_id = ${r!.id}::int WHERE substr(external_id, 3)::int % 3 = 0`);
    await t.database.rows(sql`UPDATE cases SET assignee_id = ${other!.id}::int WHERE substr(external_id, 3)::int % 3 = 1`);
    const rows = await t.database.rows<{ id: number; status: string; west: boolean; updated: string }>(sql`
      SELECT c.id::int AS id, c.status, ST_Intersects(c.geom, (SELECT geom FROM areas WHERE code = ${FIXTURE.west})) AS west,
             to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS updated
      FROM cases c WHERE c.assignee_id = ${r!.id}::int`);
    const expected = rows
      .filter((c) => c.west && ['dispatched', 'in_progress', 'handled', 'suspended'].includes(c.status))
      .sort((a, b) => (a.updated === b.updated ? b.id - a.id : a.updated < b.updated ? 1 : -1))
      .map((c) => c.id);
    expect(expected.length).toBeGreaterThan(3);
    // Assigned to them but outside their jurisdiction, or finished: not a task.
    expect(rows.some((c) => !c.west && c.status === 'dispatched')).toBe(true);
    const [feed] = await t.database.rows<{ head: number }>(sql`SELECT coalesce(max(seq), 0)::int AS head FROM feed`);
    const head = feed!.head;
    const mine = await get<{ responder: { id: number; code: string } | null; tasks: Array<{ id: number; assigneeId: number; address: string; description: string | null }>; seq: number }>('worker', '/api/me/tasks');
    expect(mine.status).toBe(200);
    // The feed head it is consistent with (the app subscribes from it).
    expect(mine.body.seq).toBe(head);
    expect(mine.body.responder).toMatchObject({ id: r!.id, code: 'Q-R1' });
    expect(mine.body.tasks.map((c) => c.id)).toEqual(expected);
    expect(mine.body.tasks.every((c) => c.assigneeId === r!.id && c.address.startsWith('测试路'))).toBe(true);
    expect(JSON.stringify(mine.body)).not.toMatch(/phone|idNumber/);
    // A worker not linked to a responder has none; desks may not call it.
    expect((await get('worker2', '/api/me/tasks')).body).toEqual({ responder: null, tasks: [], seq: head });
    expect((await get('dispatcherWest', '/api/me/tasks')).status).toBe(403);
  });
});
