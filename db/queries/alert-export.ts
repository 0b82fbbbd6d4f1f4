import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { AlertTranslation } from '../records';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';

/** An alert as a CAP message needs it: full-precision area, what the message said, where it is. */
export interface ExportAlert {
  id: number;
  source: string;
  eventType: string;
  headline: string;
  description: string | null;
  severity: string;
  urgency: string;
  certainty: string;
  status: string;
  onset: string | null;
  expires: string | null;
  createdAt: string;
  updatedAt: string;
  messageStatus: string;
  msgType: string;
  affectedGrids: number;
  translations: AlertTranslation[];
  cap: Record<string, unknown> | null;
  /** Exterior rings of every polygon, [lng, lat] (GeoJSON MultiPolygon text; holes are not expressible in CAP). */
  geometry: string;
  /** Names of the affected districts (else of the scope's deepest area), for <areaDesc>. */
  areaNames: string[];
}

const EXPORT_COLUMNS = sql`
  a.id, a.source, a.event_type AS "eventType", a.headline, a.description, a.severity, a.urgency, a.certainty, a.status,
  ${isoTime(sql`a.onset`)} AS onset, ${isoTime(sql`a.expires`)} AS expires,
  ${isoTime(sql`a.created_at`)} AS "createdAt", ${isoTime(sql`a.updated_at`)} AS "updatedAt",
  a.message_status AS "messageStatus", a.msg_type AS "msgType", a.affected_grids AS "affectedGrids", a.translations, a.cap,
  ST_AsGeoJSON(a.geom, 6) AS geometry,
  ARRAY(SELECT g.name FROM areas g WHERE g.code = ANY(coalesce(nullif(a.ack_areas, '{}'), a.area_codes[cardinality(a.area_codes):]))
        ORDER BY g.code) AS "areaNames"`;

/** One alert of any status within the scope, or undefined. */
export async function findAlertForExport(db: Runner, scope: Scope, id: number): Promise<ExportAlert | undefined> {
  const [row] = await db.rows<ExportAlert>(sql`
    SELECT ${EXPORT_COLUMNS} FROM alerts a WHERE a.id = ${id}::bigint AND ${inScope(sql`a.area_codes`, scope)}`);
  return row;
}

export interface IndexedAlert {
  id: number;
  headline: string;
  eventType: string;
  severity: string;
  urgency: string;
  certainty: string;
  messageStatus: string;
  msgType: string;
  createdAt: string;
  updatedAt: string;
  expires: string | null;
  areaNames: string[];
}

/** The live alerts a wall in this scope shows, newest first (the Atom index). */
export async function listLiveAlerts(db: Runner, scope: Scope, limit = 500): Promise<IndexedAlert[]> {
  return db.rows<IndexedAlert>(sql`
    SELECT a.id, a.headline, a.event_type AS "eventType", a.severity, a.urgency, a.certainty,
           a.message_status AS "messageStatus", a.msg_type AS "msgType",
           ${isoTime(sql`a.created_at`)} AS "createdAt", ${isoTime(sql`a.updated_at`)} AS "updatedAt",
           ${isoTime(sql`a.expires`)} AS expires,
           ARRAY(SELECT g.name FROM areas g WHERE g.code = ANY(coalesce(nullif(a.ack_areas, '{}'), a.area_codes[cardinality(a.area_codes):]))
                 ORDER BY g.code) AS "areaNames"
    FROM alerts a
    WHERE a.status IN ('active', 'acknowledged') AND a.on_wall AND (a.expires IS NULL OR a.expires > now())
      AND ${inScope(sql`a.area_codes`, scope)}
    ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit}::int`);
}
