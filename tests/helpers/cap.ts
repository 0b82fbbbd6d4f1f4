import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/cap');
export const CAP_XSD = path.join(FIXTURES, 'CAP-v1.2.xsd');

/** A CAP fixture's text (tests/fixtures/cap/<name>.xml). */
export function capFixture(name: string): string {
  return readFileSync(path.join(FIXTURES, `${name}.xml`), 'utf8');
}

/** POST /api/cap with an API key (or any headers); returns status and parsed JSON. */
export async function postCap(base: string, headers: Record<string, string>, xml: string, contentType = 'application/cap+xml') {
  const res = await fetch(`${base}/api/cap`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: xml });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as CapAnswer & { error?: { code: string; message: string; details: unknown } } };
}

export interface CapAnswer {
  created: boolean;
  alert: { id: number; headline: string; status: string; severity: string; eventType: string; affectedGrids: number; impact: Record<string, number>; ack: { pending: string[]; acknowledged: string[]; level: number }; geometry: { coordinates: unknown[] } };
  messageStatus: string;
  msgType: string;
  onWall: boolean;
  stored: Array<{ id: number; identifier: string; affectedAreas: string[]; affectedGrids: string[] }>;
  references: Array<{ reference: string; alertId: number | null; outcome: string }>;
}

/** Validates a document against the OASIS CAP 1.2 schema with xmllint (libxml2-utils); '' when valid, else its complaint. */
export function xsdProblems(xml: string): string {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', CAP_XSD, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint is needed to validate CAP exports (apt-get install libxml2-utils): ${run.error.message}`);
  return run.status === 0 ? '' : `${run.stderr}`.trim();
}

/** Well-formedness only (xmllint without a schema). */
export function xmlProblems(xml: string): string {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint is needed: ${run.error.message}`);
  return run.status === 0 ? '' : `${run.stderr}`.trim();
}

/** Row counts of everything an alert write touches. */
export async function alertRowCounts(database: Database): Promise<{ alerts: number; feed: number; audit: number; acks: number }> {
  const [row] = await database.rows<{ alerts: number; feed: number; audit: number; acks: number }>(sql`
    SELECT (SELECT count(*)::int FROM alerts) AS alerts, (SELECT count(*)::int FROM feed) AS feed,
           (SELECT count(*)::int FROM audit_log) AS audit, (SELECT count(*)::int FROM alert_acks) AS acks`);
  return row!;
}
