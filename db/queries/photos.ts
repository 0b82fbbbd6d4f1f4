import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';

/** A photo as listed and returned after upload: never its bytes. */
export interface PhotoInfo {
  id: string;
  caseId: number | null;
  mediaType: string;
  size: number;
  width: number;
  height: number;
  sha256: string;
  createdAt: string;
  attachedAt: string | null;
}

export interface NewPhoto {
  id: string;
  uploadedBy: string;
  mediaType: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  sha256: string;
  sourceSha256: string;
  sourceType: string;
  sourceSize: number;
}

const infoColumns = sql`
  p.id, p.case_id AS "caseId", p.media_type AS "mediaType", p.size, p.width, p.height, p.sha256,
  ${isoTime(sql`p.created_at`)} AS "createdAt",
  CASE WHEN p.attached_at IS NULL THEN NULL ELSE ${isoTime(sql`p.attached_at`)} END AS "attachedAt"`;

/**
 * Stores a processed photo, unattached. The same file uploaded again by the same
 * uploader while the first copy is still unattached returns that copy
 * (`created: false`) instead of a second row, so a retried upload is harmless.
 */
export async function insertPhoto(tx: Runner, photo: NewPhoto): Promise<PhotoInfo & { created: boolean }> {
  const [inserted] = await tx.rows<PhotoInfo>(sql`
    INSERT INTO photos AS p (id, uploaded_by, media_type, bytes, size, width, height, sha256, source_sha256, source_type, source_size)
    VALUES (${photo.id}::uuid, ${photo.uploadedBy}, ${photo.mediaType}, ${Buffer.from(photo.bytes)}::bytea, ${photo.bytes.byteLength}::int,
            ${photo.width}::int, ${photo.height}::int, ${photo.sha256}, ${photo.sourceSha256}, ${photo.sourceType}, ${photo.sourceSize}::int)
    ON CONFLICT (uploaded_by, source_sha256) WHERE case_id IS NULL DO NOTHING
    RETURNING ${infoColumns}`);
  if (inserted) return { ...inserted, created: true };
  const [existing] = await tx.rows<PhotoInfo>(sql`
    SELECT ${infoColumns} FROM photos p
    WHERE p.uploaded_by = ${photo.uploadedBy} AND p.source_sha256 = ${photo.sourceSha256} AND p.case_id IS NULL`);
  if (!existing) throw new Error('photo neither inserted nor found (attached concurrently?)');
  return { ...existing, created: false };
}

/** Unattached photos an uploader holds (for the per-uploader cap). */
export async function countUnattachedPhotos(db: Runner, uploadedBy: string): Promise<number> {
  const [row] = await db.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM photos WHERE uploaded_by = ${uploadedBy} AND case_id IS NULL`);
  return row?.n ?? 0;
}

/**
 * A photo's bytes for one reader: attached to a case inside `scope`, or still
 * unattached and uploaded by `uploadedBy`. Anything else is undefined (unknown and
 * out of reach look the same).
 */
export async function findPhotoForReader(
  db: Runner,
  scope: Scope,
  uploadedBy: string,
  id: string,
): Promise<{ mediaType: string; bytes: Uint8Array; sha256: string } | undefined> {
  const [row] = await db.rows<{ mediaType: string; bytes: Uint8Array; sha256: string }>(sql`
    SELECT p.media_type AS "mediaType", p.bytes, p.sha256
    FROM photos p LEFT JOIN cases c ON c.id = p.case_id
    WHERE p.id = ${id}::uuid
      AND (CASE WHEN p.case_id IS NULL THEN p.uploaded_by = ${uploadedBy} ELSE ${inScope(sql`c.area_codes`, scope)} END)`);
  return row;
}

/** Photos of one case inside the scope, oldest first; null when the case is unknown or outside the scope. */
export async function listCasePhotos(db: Runner, scope: Scope, caseId: number): Promise<PhotoInfo[] | null> {
  const [found] = await db.rows<{ photos: PhotoInfo[] }>(sql`
    SELECT coalesce((
      SELECT json_agg(x ORDER BY x."attachedAt", x."createdAt", x.id)
      FROM (SELECT ${infoColumns} FROM photos p WHERE p.case_id = c.id) x), '[]'::json) AS photos
    FROM cases c WHERE c.id = ${caseId}::bigint AND ${inScope(sql`c.area_codes`, scope)}`);
  return found ? found.photos : null;
}

/**
 * Attaches photos to a case inside the caller's transaction: only photos still
 * unattached and uploaded by `uploadedBy` move; the rows are locked by the UPDATE,
 * so two transactions cannot attach one photo twice. Returns the ids attached; the
 * caller refuses (and rolls back) when that is not every id it asked for.
 */
export async function attachUnattachedPhotos(tx: Runner, caseId: number, ids: readonly string[], uploadedBy: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.rows<{ id: string }>(sql`
    UPDATE photos SET case_id = ${caseId}::bigint, attached_at = now()
    WHERE id = ANY(${`{${ids.join(',')}}`}::uuid[]) AND uploaded_by = ${uploadedBy} AND case_id IS NULL
    RETURNING id`);
  return rows.map((r) => r.id);
}

/** Deletes unattached photos older than `olderThanHours` (abandoned reports); returns how many. */
export async function pruneUnattachedPhotos(db: Runner, olderThanHours: number): Promise<number> {
  const rows = await db.rows<{ id: string }>(sql`
    DELETE FROM photos WHERE case_id IS NULL AND created_at < now() - make_interval(hours => ${olderThanHours}::int) RETURNING id`);
  return rows.length;
}
