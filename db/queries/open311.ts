import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { OPEN_CASE } from './case-columns';
import type { CaseKind, CaseStatus } from '../vocab';

/** W3C date-time (seconds, UTC) as Open311 writes it. */
const w3c = (column: SQL) => sql`CASE WHEN ${column} IS NULL THEN NULL ELSE to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END`;

/** True when the point lies inside the city (a root area): Open311 intake refuses points outside it. */
export async function pointInCity(db: Runner, lng: number, lat: number): Promise<boolean> {
  const [row] = await db.rows<{ inside: boolean }>(sql`
    SELECT EXISTS (
      SELECT 1 FROM areas WHERE parent_id IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326))
    ) AS inside`);
  return row?.inside === true;
}

export interface Open311CaseRow {
  id: number;
  kind: CaseKind;
  category: string;
  topic: string | null;
  status: CaseStatus;
  description: string | null;
  department: string | null;
  address: string | null;
  lng: number;
  lat: number;
  requested: string;
  updated: string;
  /** Deadline of the running SLA stage; null when finished or suspended. */
  expected: string | null;
  mediaUrl: string | null;
  mergedInto: number | null;
}

/** A service's cases: an incident category, or an appeal topic. */
export type ServiceFilter = { kind: 'incident'; category: string } | { kind: 'appeal'; topic: string };

export interface Open311Query {
  /** Only cases posted through Open311 by this API client (their external ids start `<client id>:`). */
  clientId: number;
  scope: Scope;
  ids?: number[];
  services?: ServiceFilter[];
  from?: Date;
  to?: Date;
  /** Open (not finished) or closed (db/vocab.ts CLOSED_STATUSES) only; both when undefined. */
  open?: boolean;
  limit: number;
}

/**
 * The service requests an Open311 client may read: the cases it posted itself
 * (channel open311, its own external-id prefix) inside its jurisdiction, newest
 * first. No reporter contact is read here (it lives in case_contacts).
 */
export async function findOpen311Cases(db: Runner, q: Open311Query): Promise<Open311CaseRow[]> {
  const where: SQL[] = [sql`c.channel = 'open311'`, sql`starts_with(c.external_id, ${`${q.clientId}:`})`, inScope(sql`c.area_codes`, q.scope)];
  if (q.ids) where.push(sql`c.id = ANY(${`{${q.ids.join(',')}}`}::bigint[])`);
  if (q.services) {
    const any = q.services.map((s) =>
      s.kind === 'incident' ? sql`(c.kind = 'incident' AND c.category = ${s.category})` : sql`(c.kind = 'appeal' AND c.topic = ${s.topic})`,
    );
    where.push(any.length > 0 ? sql`(${sql.join(any, sql` OR `)})` : sql`false`);
  }
  if (q.from) where.push(sql`c.reported_at >= ${q.from.toISOString()}::timestamptz`);
  if (q.to) where.push(sql`c.reported_at <= ${q.to.toISOString()}::timestamptz`);
  if (q.open !== undefined) where.push(q.open ? OPEN_CASE : sql`NOT (${OPEN_CASE})`);
  return db.rows<Open311CaseRow>(sql`
    SELECT c.id::float8 AS id, c.kind, c.category, c.topic, c.status, c.description, c.department, c.address,
           ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat,
           ${w3c(sql`c.reported_at`)} AS requested, ${w3c(sql`c.updated_at`)} AS updated, ${w3c(sql`c.sla_due_at`)} AS expected,
           c.attributes->>'media_url' AS "mediaUrl", c.merged_into::float8 AS "mergedInto"
    FROM cases c
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY c.reported_at DESC, c.id DESC
    LIMIT ${q.limit}`);
}
