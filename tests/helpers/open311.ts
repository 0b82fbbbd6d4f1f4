import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * Open311 GeoReport v2 checks written from the spec (tests/fixtures/open311): JSON
 * answers against our JSON Schemas with ajv, XML answers against our XSDs with
 * xmllint, and the row counts every refusal must leave unchanged.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/open311');
const XSD = path.join(FIXTURES, 'georeport-v2.xsd');
const POST_XSD = path.join(FIXTURES, 'georeport-v2-post.xsd');
const SCHEMA = JSON.parse(readFileSync(path.join(FIXTURES, 'georeport-v2.schema.json'), 'utf8')) as { $id: string; definitions: Record<string, unknown> };

export type Open311Document = 'discovery' | 'services' | 'service_definition' | 'service_requests' | 'post_response' | 'errors';

const ajv = new Ajv({ allErrors: true });
ajv.addSchema(SCHEMA);

/** '' when `value` is a valid GeoReport v2 `kind` document, else ajv's complaint. */
export function jsonProblems(kind: Open311Document, value: unknown): string {
  const validate = ajv.getSchema(`${SCHEMA.$id}#/definitions/${kind}`);
  if (!validate) throw new Error(`no schema for ${kind}`);
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

/** '' when `xml` validates against our GeoReport v2 XSD (the POST answer has its own), else xmllint's complaint. */
export function xsdProblems(xml: string, kind: 'get' | 'post' = 'get'): string {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', kind === 'post' ? POST_XSD : XSD, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint is needed (apt-get install libxml2-utils): ${run.error.message}`);
  return run.status === 0 ? '' : `${run.stderr}`.trim();
}

/** Rows Open311 intake writes: cases, feed rows, reporter contacts, case events. */
export async function intakeCounts(database: Database): Promise<{ cases: number; feed: number; contacts: number; events: number }> {
  const [row] = await database.rows<{ cases: number; feed: number; contacts: number; events: number }>(sql`
    SELECT (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM feed) AS feed,
           (SELECT count(*)::int FROM case_contacts) AS contacts, (SELECT count(*)::int FROM case_events) AS events`);
  return row!;
}

export interface Open311Answer {
  status: number;
  type: string;
  text: string;
  /** Parsed JSON for .json answers; undefined for XML. */
  json?: unknown;
}

async function answerOf(res: Response): Promise<Open311Answer> {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, json: type.startsWith('application/json') ? (JSON.parse(text) as unknown) : undefined };
}

export async function open311Get(base: string, resource: string, query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Open311Answer> {
  const qs = new URLSearchParams(query).toString();
  return answerOf(await fetch(`${base}/open311/v2/${resource}${qs ? `?${qs}` : ''}`, { headers }));
}

/** POST requests.{format} with a form body (the spec's way). */
export async function open311PostForm(base: string, format: 'json' | 'xml', fields: Record<string, string>): Promise<Open311Answer> {
  return answerOf(
    await fetch(`${base}/open311/v2/requests.${format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

/** POST requests.{format} with an XML body (our extension). */
export async function open311PostXml(base: string, format: 'json' | 'xml', xml: string, contentType = 'application/xml'): Promise<Open311Answer> {
  return answerOf(await fetch(`${base}/open311/v2/requests.${format}`, { method: 'POST', headers: { 'content-type': contentType }, body: xml }));
}

/** The text of the first `<name>` element (XML answers are flat enough for this in tests). */
export function xmlText(xml: string, name: string): string | undefined {
  const raw = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return raw === undefined ? undefined : unescape(raw);
}

export function xmlAll(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => unescape(m[1]!));
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function unescape(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ENTITIES[name]!);
}
