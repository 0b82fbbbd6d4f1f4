import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases';

/** Raw bytes. Reads and writes go through db/queries/photos.ts (raw SQL), never through drizzle's mapping. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Case photos, stored in the database as bytes (≤ ~1 MB each after re-encoding):
 * one engine for PGlite and PostgreSQL, one backup, and attaching a photo to a case
 * commits or rolls back with the case itself. What is stored is never what was
 * uploaded: the server decodes the upload, re-encodes it (EXIF/GPS and every other
 * metadata dropped, at most 2048 px) and keeps only the result and its checksum.
 * A photo belongs to its uploader until it is attached to a case; from then on it
 * is read through the case's jurisdiction.
 */
export const photos = pgTable(
  'photos',
  {
    id: uuid('id').primaryKey(),
    /** Null until attached (at intake or by a command); then fixed for good. */
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id, { onDelete: 'cascade' }),
    /** Who uploaded it, as written in audit rows: `user:12`. Only they may attach it. */
    uploadedBy: text('uploaded_by').notNull(),
    /** Media type of the stored (re-encoded) bytes: image/jpeg. */
    mediaType: text('media_type').notNull(),
    bytes: bytea('bytes').notNull(),
    /** Size of the stored bytes. */
    size: integer('size').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** SHA-256 (hex) of the stored bytes: integrity check and ETag. */
    sha256: text('sha256').notNull(),
    /** SHA-256 (hex) of the upload as received: a retried upload of the same file returns the same unattached photo. */
    sourceSha256: text('source_sha256').notNull(),
    /** What the content was detected as (never what the client declared) and its size. */
    sourceType: text('source_type').notNull(),
    sourceSize: integer('source_size').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    attachedAt: timestamp('attached_at', { withTimezone: true }),
  },
  (t) => [
    index('photos_case_idx').on(t.caseId).where(sql`case_id IS NOT NULL`),
    // One unattached copy per file and uploader: retries (an offline queue flushing twice) are idempotent.
    uniqueIndex('photos_unattached_source_uq').on(t.uploadedBy, t.sourceSha256).where(sql`case_id IS NULL`),
    index('photos_unattached_created_idx').on(t.createdAt).where(sql`case_id IS NULL`),
  ],
);
