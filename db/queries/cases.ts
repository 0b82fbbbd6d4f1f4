import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { CASE_EVENT_COLUMNS } from './case-columns';
import type { CaseEventData } from '../records';
import { deepestAreaAt } from './locate';
import { batchMayHoldDuplicates, linkDuplicatesWithinBatch, NEAR_CASES, ORIGINAL_FIRST, POSSIBLE_ORIGINAL } from './duplicates';
import { batchMayHoldRepeats, linkRepeatsWithinBatch, SAME_CONTACT_APPEALS, type RepeatKeys } from './repeats';

/** One case as the ingest service hands it over: validated, catalogue-checked, SLA computed. */
export interface CaseRow {
  kind: string;
  channel: string;
  externalId: string;
  category: string;
  topic: string | null;
  severity: string;
  title: string | null;
  description: string | null;
  address: string | null;
  lng: number;
  lat: number;
  reportedAt: string;
  /** The 立案 stage's clock and its instants (server/domain/sla/record.ts). */
  sla: {
    clock: object | null;
    stage: string | null;
    dueAt: string | null;
    warnAt: string | null;
    state: string;
    beyondCalendar: boolean;
  };
  attributes: Record<string, unknown>;
  /**
   * The reporter's personal data, written to case_contacts in the same statement, with
   * the keyed hashes that link an appeal to the earlier appeals of its contact (repeats.ts;
   * the ingest service computes them, and gives them for appeals only).
   */
  reporter?: (RepeatKeys & { name: string | null; phone: string | null; idNumber: string | null }) | null;
}

export interface StoredCase extends CaseEventData {
  externalId: string;
  areaCodes: string[];
}

/** Intake is the first transition of the audit trail (信息收集): who reported it, through which channel. A CTE over `inserted`. */
const OPENED_EVENTS = sql`opened AS (
      INSERT INTO case_events (case_id, at, actor, action, to_status, version)
      SELECT id, reported_at, 'channel:' || channel, 'reported', status, version FROM inserted
    )`;

const caseColumns = sql`${CASE_EVENT_COLUMNS}, c.external_id AS "externalId", c.area_codes AS "areaCodes"`;

/**
 * Inserts cases, each routed by point-in-polygon in the same statement to the
 * deepest area at its point (its unit grid where grids exist, else its
 * community, street, district; see locate.ts), whose path becomes its area codes.
 * A point on a shared edge belongs to the area with the lowest id; a point
 * outside every area is kept (never lost) with grid NULL and scoped to the
 * root areas, so the city-level queue sees it. Rows whose (channel, external id)
 * already exists are skipped: the caller looks them up as duplicates.
 *
 * Each new case is linked to a possible duplicate (`duplicate_of`, see
 * duplicates.ts): the INSERT finds the oldest open original among cases committed
 * before it, then, when two cases of the batch could pair, a second statement
 * looks again including the batch's own rows. Both run in the caller's
 * transaction, before its feed rows, so `case.created` carries the final link.
 *
 * The reporter's contact goes to case_contacts in the same statement, and an appeal
 * with contact keys is linked as a repeat (`repeat_of`, repeats.ts) to the oldest
 * appeal of its contact in the 30 days before it among those committed before. When
 * two appeals of the batch share a key, the `reported` events wait: a second statement
 * links within the batch first, so the rollups' fold of those events (which counts
 * repeats) sees every final link.
 */
export async function insertCases(tx: Runner, rows: CaseRow[]): Promise<StoredCase[]> {
  const input = JSON.stringify(
    rows.map((r, n) => ({
      n,
      kind: r.kind,
      channel: r.channel,
      external_id: r.externalId,
      category: r.category,
      topic: r.topic,
      severity: r.severity,
      title: r.title,
      description: r.description,
      address: r.address,
      lng: r.lng,
      lat: r.lat,
      reported_at: r.reportedAt,
      sla_clock: r.sla.clock,
      sla_stage: r.sla.stage,
      sla_due_at: r.sla.dueAt,
      sla_warn_at: r.sla.warnAt,
      sla_state: r.sla.state,
      sla_beyond_calendar: r.sla.beyondCalendar,
      attributes: r.attributes,
      r_name: r.reporter?.name ?? null,
      r_phone: r.reporter?.phone ?? null,
      r_id: r.reporter?.idNumber ?? null,
      phone_key: r.reporter?.phoneKey ?? null,
      id_key: r.reporter?.idKey ?? null,
    })),
  );
  const repeatsInBatch = rows.length > 1 && batchMayHoldRepeats(rows);
  const stored = await tx.rows<StoredCase>(sql`
    WITH input AS (
      SELECT i.*, ST_SetSRID(ST_MakePoint(i.lng, i.lat), 4326) AS geom
      FROM jsonb_to_recordset(${input}::jsonb) AS i(
        n int, kind text, channel text, external_id text, category text, topic text, severity text,
        title text, description text, address text, lng float8, lat float8,
        reported_at timestamptz, sla_clock jsonb, sla_stage text, sla_due_at timestamptz, sla_warn_at timestamptz,
        sla_state text, sla_beyond_calendar boolean, attributes jsonb,
        r_name text, r_phone text, r_id text, phone_key text, id_key text)
    ),
    roots AS (SELECT coalesce(array_agg(code ORDER BY code), '{}') AS codes FROM areas WHERE parent_id IS NULL),
    -- The deepest area at the point (db/queries/locate.ts); grid_id only when that is a grid.
    -- A possible duplicate: the oldest open case committed before this statement (duplicates.ts).
    located AS (
      SELECT n.*, CASE WHEN loc.level = 'grid' THEN loc.id END AS grid_id, coalesce(loc.path, roots.codes) AS area_codes,
             original.id AS duplicate_of, earlier.id AS repeat_of
      FROM input n CROSS JOIN roots
      LEFT JOIN LATERAL ${deepestAreaAt(sql`n.geom`)} loc ON true
      LEFT JOIN LATERAL (SELECT o.id FROM ${NEAR_CASES} WHERE ${POSSIBLE_ORIGINAL} ${ORIGINAL_FIRST} LIMIT 1) original ON true
      -- A repeat appeal: the oldest appeal of the same contact in the window (repeats.ts).
      LEFT JOIN LATERAL (SELECT o.id FROM ${SAME_CONTACT_APPEALS} WHERE n.kind = 'appeal' ORDER BY o.reported_at, o.id LIMIT 1) earlier ON true
    ),
    inserted AS (
      INSERT INTO cases (kind, channel, external_id, category, topic, severity, title, description, address,
                         geom, grid_id, area_codes, reported_at, sla_clock, sla_stage, sla_due_at, sla_warn_at,
                         sla_state, sla_beyond_calendar, attributes, duplicate_of, repeat_of)
      SELECT kind, channel, external_id, category, topic, severity, title, description, address,
             geom, grid_id, area_codes, reported_at, sla_clock, sla_stage, sla_due_at, sla_warn_at,
             sla_state, sla_beyond_calendar, coalesce(attributes, '{}'::jsonb), duplicate_of, repeat_of
      FROM located ORDER BY n
      ON CONFLICT (channel, external_id) DO NOTHING
      RETURNING *
    ),
    -- The reporter's personal data, apart from the case (contacts.ts).
    contacts AS (
      INSERT INTO case_contacts (case_id, name, phone, id_number, phone_key, id_key)
      -- A key given twice in one batch was inserted from its first row: that row's contact.
      SELECT DISTINCT ON (i.id) i.id, l.r_name, l.r_phone, l.r_id, l.phone_key, l.id_key
      FROM inserted i JOIN located l ON l.channel = i.channel AND l.external_id = i.external_id
      WHERE l.r_name IS NOT NULL OR l.r_phone IS NOT NULL OR l.r_id IS NOT NULL
      ORDER BY i.id, l.n
    )
    ${repeatsInBatch ? sql`` : sql`, ${OPENED_EVENTS}`}
    SELECT ${caseColumns} FROM inserted c LEFT JOIN areas g ON g.id = c.grid_id ORDER BY c.id`);
  if (repeatsInBatch && stored.length > 0) {
    const ids = stored.map((c) => c.id);
    await linkRepeatsWithinBatch(tx, ids);
    await tx.rows(sql`WITH inserted AS (SELECT * FROM cases WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[])), ${OPENED_EVENTS} SELECT 1`);
  }
  // Cases of this batch may be duplicates of each other: a second statement, only when two could be.
  if (stored.length < 2 || !batchMayHoldDuplicates(rows)) return stored;
  const links = new Map((await linkDuplicatesWithinBatch(tx, stored.map((c) => c.id))).map((l) => [l.id, l.duplicateOf]));
  return links.size === 0 ? stored : stored.map((c) => (links.has(c.id) ? { ...c, duplicateOf: links.get(c.id)! } : c));
}

export async function findCasesByExternalIds(
  db: Runner,
  keys: Array<{ channel: string; externalId: string }>,
): Promise<StoredCase[]> {
  if (keys.length === 0) return [];
  return db.rows(sql`
    SELECT ${caseColumns}
    FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
    JOIN jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(channel text, "externalId" text)
      ON c.channel = k.channel AND c.external_id = k."externalId"`);
}

/** One case, only when it lies within the scope (outside and unknown look the same to the caller). */
/** The free text of one case (what the reporter wrote, where), only within the scope: the case page shows it, feeds and snapshots do not carry it. */
export async function findCaseText(db: Runner, scope: Scope, id: number): Promise<{ description: string | null; address: string | null } | undefined> {
  const [row] = await db.rows<{ description: string | null; address: string | null }>(sql`
    SELECT c.description, c.address FROM cases c WHERE c.id = ${id}::bigint AND ${inScope(sql`c.area_codes`, scope)}`);
  return row;
}

export async function findCaseById(db: Runner, scope: Scope, id: number): Promise<StoredCase | undefined> {
  const [row] = await db.rows<StoredCase>(sql`
    SELECT ${caseColumns} FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
    WHERE c.id = ${id}::bigint AND ${inScope(sql`c.area_codes`, scope)}`);
  return row;
}
