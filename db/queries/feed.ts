import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { isoTime } from '../spatial';
import type { FeedRecord, NewFeedRow } from '../records';
import type { Layer } from '../vocab';

/**
 * Writers take this transaction-level advisory lock immediately before inserting
 * feed rows (the last statement of their transaction) and hold it until commit.
 * Seq values are therefore handed out in commit order, which is what lets a reader
 * advance a plain `seq > last` cursor without ever skipping a late-committing row.
 */
const FEED_LOCK_KEY = 0x48434d46; // 'HCMF'

export type { NewFeedRow } from '../records';
/** Rows read back carry exactly the wire event's fields (db/records.ts FeedRecord). */
export type FeedRow = FeedRecord;

export async function appendFeed(tx: Runner, rows: NewFeedRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  await tx.rows(sql`SELECT pg_advisory_xact_lock(${FEED_LOCK_KEY}::bigint)`);
  // `at` is read from the clock *after* the lock is granted (clock_timestamp, not the
  // transaction's start time now()): writers pass the lock one by one, so `at` rises
  // with seq and pruning by `at` removes a prefix of seqs, never a hole inside a range.
  const inserted = await tx.rows<{ seq: number }>(sql`
    INSERT INTO feed (at, topic, layer, area_codes, payload)
    SELECT clock_timestamp(), e.value->>'topic', e.value->>'layer', ARRAY(SELECT jsonb_array_elements_text(e.value->'areaCodes')), e.value->'payload'
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(value, n)
    ORDER BY e.n
    RETURNING seq`);
  return inserted.map((r) => r.seq);
}

const feedColumns = sql`seq, ${isoTime(sql`at`)} AS at, topic, layer, area_codes AS "areaCodes", payload`;

export async function readFeedAfter(db: Runner, after: number, limit: number): Promise<FeedRow[]> {
  return db.rows<FeedRow>(sql`
    SELECT ${feedColumns} FROM feed WHERE seq > ${after}::bigint ORDER BY seq LIMIT ${limit}::int`);
}

/** Rows in (after, upTo] one subscription selects: its layers, and its area when given. */
export async function readFeedRange(
  db: Runner,
  range: { after: number; upTo: number; layers: readonly Layer[]; area: string | null; limit: number },
): Promise<FeedRow[]> {
  const areaFilter = range.area ? sql`AND area_codes @> ARRAY[${range.area}::text]` : sql``;
  return db.rows<FeedRow>(sql`
    SELECT ${feedColumns} FROM feed
    WHERE seq > ${range.after}::bigint AND seq <= ${range.upTo}::bigint
      AND layer = ANY(${`{${range.layers.join(',')}}`}::text[]) ${areaFilter}
    ORDER BY seq LIMIT ${range.limit}::int`);
}

/** How many rows in (after, upTo] one subscription selects, counting no further than `cap`. */
export async function countFeedRange(
  db: Runner,
  range: { after: number; upTo: number; layers: readonly Layer[]; area: string | null; cap: number },
): Promise<number> {
  const areaFilter = range.area ? sql`AND area_codes @> ARRAY[${range.area}::text]` : sql``;
  const [row] = await db.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM feed
      WHERE seq > ${range.after}::bigint AND seq <= ${range.upTo}::bigint
        AND layer = ANY(${`{${range.layers.join(',')}}`}::text[]) ${areaFilter}
      LIMIT ${range.cap}::int) x`);
  return row?.n ?? 0;
}

export async function feedBounds(db: Runner): Promise<{ head: number; tail: number | null }> {
  const [row] = await db.rows<{ head: number | null; tail: number | null }>(
    sql`SELECT max(seq) AS head, min(seq) AS tail FROM feed`,
  );
  return { head: row?.head ?? 0, tail: row?.tail ?? null };
}

/**
 * Drops rows older than the retention window; a client whose gap reaches past them
 * resyncs. The cut is a seq (the newest old-enough row), so what remains is always a
 * contiguous suffix of the feed even if clocks were ever out of step.
 */
export async function pruneFeed(db: Runner, retentionHours: number): Promise<number> {
  const deleted = await db.rows<{ n: number }>(sql`
    WITH cut AS (
      SELECT max(seq) AS seq FROM feed WHERE at < now() - make_interval(secs => ${retentionHours * 3600}::float8)
    ), gone AS (
      DELETE FROM feed WHERE seq <= (SELECT seq FROM cut) AND seq < (SELECT max(seq) FROM feed) RETURNING 1
    )
    SELECT count(*)::int AS n FROM gone`);
  return deleted[0]?.n ?? 0;
}

