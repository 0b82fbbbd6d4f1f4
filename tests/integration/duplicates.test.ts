import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDuplicates } from '../../db/records';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { appeal, FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { getJson, postJson, startTestServer } from '../helpers/server';

/**
 * Possible duplicates at intake: a new case is linked to the oldest open case of
 * the same kind, category and topic within 50 m reported in the 24 h before it —
 * in the intake transaction, so the case.created feed row carries the link.
 * Each scenario has its own spot in the fixture city, far from the others.
 */
const HOUR = 3_600_000;
/** Metres → degrees near lat 26.5 (≈ 110,800 m per degree of latitude, ≈ 99,650 m per degree of longitude). */
const north = (m: number) => m / 110_800;
const east = (m: number) => m / 99_650;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe.each(DB_KINDS)('duplicates at intake on %s', (kind) => {
  let t: TestDatabase;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  let base: string;

  const report = async (body: Record<string, unknown>): Promise<{ id: number; duplicateOf: number | null }> => {
    const res = await postJson(base, '/api/cases', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { case: { id: number; duplicateOf: number | null } }).case;
  };
  /** The case.created feed payload of a case, as stored. */
  const fed = async (id: number): Promise<number | null> => {
    const [row] = await t.database.rows<{ d: number | null }>(sql`
      SELECT (payload->>'duplicateOf')::bigint AS d FROM feed WHERE topic = 'case.created' AND (payload->>'id')::bigint = ${id}::bigint`);
    expect(row, `feed row of case ${id}`).toBeDefined();
    return row!.d === null ? null : Number(row!.d);
  };
  const stored = async (id: number): Promise<number | null> => {
    const [row] = await t.database.rows<{ d: number | null }>(sql`SELECT duplicate_of AS d FROM cases WHERE id = ${id}::bigint`);
    return row!.d === null ? null : Number(row!.d);
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database));
  });

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('links a case 30 m from an open same-category case of 2 h ago, in the case and its case.created payload', async () => {
    const [lng, lat] = [106.605, 26.535];
    const first = await report(incident('dup-a1', lng, lat, { reportedAt: ago(2 * HOUR) }));
    expect(first.duplicateOf).toBeNull();
    const near = await report(incident('dup-a2', lng, lat + north(30)));
    expect(near.duplicateOf).toBe(first.id);
    expect(await stored(near.id)).toBe(first.id);
    expect(await fed(near.id)).toBe(first.id);
    expect(await fed(first.id)).toBeNull();

    // Either way: the original lists its duplicate, the duplicate its original.
    const fromOriginal = await getJson<CaseDuplicates>(base, `/api/cases/${first.id}/duplicates`);
    expect(fromOriginal.status).toBe(200);
    expect(fromOriginal.body.linked.map((c) => [c.id, c.relation])).toEqual([[near.id, 'duplicate']]);
    const fromDuplicate = await getJson<CaseDuplicates>(base, `/api/cases/${near.id}/duplicates`);
    expect(fromDuplicate.body.linked.map((c) => [c.id, c.relation])).toEqual([[first.id, 'original']]);
    expect(fromDuplicate.body.linked[0]).toMatchObject({ category: '0102', status: 'reported', duplicateOf: null });
  });

  it('does not link 80 m away, 25 h earlier, another category, or another appeal topic', async () => {
    const [lng, lat] = [106.615, 26.535];
    const original = await report(incident('dup-b1', lng, lat, { reportedAt: ago(2 * HOUR) }));
    expect((await report(incident('dup-b2', lng + east(80), lat))).duplicateOf).toBeNull();
    expect((await report(incident('dup-b3', lng, lat + north(30), { category: '0104' }))).duplicateOf).toBeNull();
    // The same spot, but the original was reported 25 h before.
    const [lng2, lat2] = [106.625, 26.535];
    await report(incident('dup-b4', lng2, lat2, { reportedAt: ago(25 * HOUR) }));
    expect((await report(incident('dup-b5', lng2, lat2 + north(30)))).duplicateOf).toBeNull();
    // Appeals: same type, different topic → not a duplicate; same topic → linked.
    const [lng3, lat3] = [106.635, 26.535];
    const noise = await report(appeal('dup-b6', lng3, lat3, { topic: '噪音扰民', reportedAt: ago(HOUR) }));
    expect((await report(appeal('dup-b7', lng3, lat3 + north(20), { topic: '物业管理' }))).duplicateOf).toBeNull();
    expect((await report(appeal('dup-b8', lng3, lat3 + north(20), { topic: '噪音扰民' }))).duplicateOf).toBe(noise.id);
    // Distance is on the spheroid: 48 m east is in (≈ 0.00048° of longitude: more than 50 m worth of latitude).
    expect((await report(incident('dup-b9', lng + east(48), lat))).duplicateOf).toBe(original.id);
  });

  it('does not link to a closed case, nor to one reported after the new case', async () => {
    const [lng, lat] = [106.645, 26.535];
    const closed = await report(incident('dup-c1', lng, lat, { reportedAt: ago(2 * HOUR) }));
    await t.database.rows(sql`UPDATE cases SET status = 'closed', closed_at = now() WHERE id = ${closed.id}::bigint`);
    expect((await report(incident('dup-c2', lng, lat + north(30)))).duplicateOf).toBeNull();

    // A backfilled report from 3 h ago is older than c2 (just reported): it is not c2's duplicate.
    expect((await report(incident('dup-c3', lng, lat + north(10), { reportedAt: ago(3 * HOUR) }))).duplicateOf).toBeNull();
  });

  it('links to the oldest open case in reach, and lists only open linked cases', async () => {
    const [lng, lat] = [106.655, 26.535];
    const oldest = await report(incident('dup-d1', lng, lat, { reportedAt: ago(5 * HOUR) }));
    const second = await report(incident('dup-d2', lng + east(40), lat, { reportedAt: ago(3 * HOUR) }));
    expect(second.duplicateOf).toBe(oldest.id);
    const third = await report(incident('dup-d3', lng + east(20), lat));
    expect(third.duplicateOf).toBe(oldest.id);
    await t.database.rows(sql`UPDATE cases SET status = 'merged', merged_into = ${oldest.id}::bigint WHERE id = ${second.id}::bigint`);
    const listed = await getJson<CaseDuplicates>(base, `/api/cases/${oldest.id}/duplicates`);
    expect(listed.body.linked.map((c) => c.id)).toEqual([third.id]);
  });

  it('within a batch: links to earlier reports of the same batch (by report time, whatever the order sent) and to committed ones', async () => {
    const [lng, lat] = [106.665, 26.535];
    const committed = await report(incident('dup-e0', lng, lat, { reportedAt: ago(6 * HOUR) }));
    const [lng2, lat2] = [106.675, 26.525];
    const res = await postJson(base, '/api/cases/batch', {
      cases: [
        // Sent first (and its key sorts first), but reported last: the duplicate of the others.
        incident('dup-e1', lng2, lat2 + north(10), { reportedAt: ago(1 * HOUR) }),
        incident('dup-e2', lng2, lat2, { reportedAt: ago(4 * HOUR) }),
        incident('dup-e3', lng2 + east(30), lat2, { reportedAt: ago(2 * HOUR) }),
        incident('dup-e4', lng, lat + north(25)),
        incident('dup-e5', lng2 + east(200), lat2),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const results = (res.body as { results: Array<{ id: number; duplicateOf: number | null }> }).results;
    const [e1, e2, e3, e4, e5] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0], (typeof results)[0], (typeof results)[0]];
    expect(e2.duplicateOf).toBeNull();
    expect(e3.duplicateOf).toBe(e2.id);
    expect(e1.duplicateOf).toBe(e2.id);
    expect(e4.duplicateOf).toBe(committed.id);
    expect(e5.duplicateOf).toBeNull();
    for (const c of results) {
      expect(await stored(c.id)).toBe(c.duplicateOf);
      expect(await fed(c.id)).toBe(c.duplicateOf);
    }
  });

  it('lists linked cases only within the caller jurisdiction', async () => {
    // A pair straddling the district border (lng 106.64): 30 m apart, one on each side.
    const west = await report(incident('dup-f1', 106.64 - east(15), 26.505, { reportedAt: ago(HOUR) }));
    const eastCase = await report(incident('dup-f2', 106.64 + east(15), 26.505));
    expect(eastCase.duplicateOf).toBe(west.id);
    await ensureUser(t.database, 'dup-east', 'dispatcher', FIXTURE.east);
    const cookie = { cookie: await signIn(base, 'dup-east') };
    const seen = await getJson<CaseDuplicates>(base, `/api/cases/${eastCase.id}/duplicates`, cookie);
    expect(seen.status).toBe(200);
    expect(seen.body.linked).toEqual([]);
    expect((await getJson(base, `/api/cases/${west.id}/duplicates`, cookie)).status).toBe(404);
  });
});
