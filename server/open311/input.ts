import { createHash } from 'node:crypto';
import { caseInputSchema, type CaseInput } from '../protocol/api';
import type { XmlElement } from '../cap/xml';
import { DEFAULT_APPEAL_TYPE, findService } from './catalogue';
import { Open311Error } from './wire';

/**
 * A GeoReport v2 "POST Service Request", as the spec's form fields: read from a
 * form body, or (our extension) from an XML body `<request>` whose children are
 * named like the form fields and whose attributes are `<attribute code="…">value</attribute>`.
 * Then checked and turned into one of our case inputs for the ingest service.
 */
export interface RequestFields {
  api_key?: string;
  service_code?: string;
  lat?: string;
  long?: string;
  address_string?: string;
  address_id?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  attributes: Record<string, string>;
}

const FIELDS = ['api_key', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'first_name', 'last_name', 'phone', 'description', 'media_url'] as const;
type Field = (typeof FIELDS)[number];
const MAX_ATTRIBUTES = 32;

function isField(name: string): name is Field {
  return (FIELDS as readonly string[]).includes(name);
}

/** Form fields → RequestFields: `attribute[code]` (and `attribute[code][]` for lists, last value kept). */
export function fieldsFromForm(form: Record<string, string>): RequestFields {
  const fields: RequestFields = { attributes: {} };
  for (const [name, value] of Object.entries(form)) {
    const attribute = /^attribute\[([^\]]{1,64})\](?:\[\])?$/.exec(name);
    if (attribute) fields.attributes[attribute[1]!] = value;
    else if (isField(name)) fields[name] = value;
  }
  return fields;
}

/** `<request>` (or `<service_request>`) → RequestFields; other roots are refused. */
export function fieldsFromXml(root: XmlElement): RequestFields {
  if (root.local !== 'request' && root.local !== 'service_request') {
    throw new Open311Error(400, `the XML body must be a <request> element, not <${root.local}>`);
  }
  const fields: RequestFields = { attributes: {} };
  for (const child of root.children) {
    if (child.local === 'attribute') {
      const code = child.attrs.code;
      if (!code) throw new Open311Error(400, '<attribute> needs a code="…" attribute');
      fields.attributes[code] = child.text;
    } else if (child.local === 'attributes') {
      for (const a of child.children) {
        if (a.local !== 'attribute' || !a.attrs.code) throw new Open311Error(400, '<attributes> holds <attribute code="…"> elements');
        fields.attributes[a.attrs.code] = a.text;
      }
    } else if (isField(child.local)) {
      fields[child.local] = child.text;
    }
  }
  return fields;
}

/** Where our schema's paths come from, in the spec's field names. */
const FIELD_OF_PATH: Record<string, string> = {
  location: 'lat/long',
  description: 'description',
  address: 'address_string',
  'reporter.name': 'first_name/last_name',
  'reporter.phone': 'phone',
  attributes: 'attribute',
  severity: 'attribute[severity]',
  category: 'attribute[appeal_type]',
};

/**
 * RequestFields → a validated case input. The idempotency key (our external id) is
 * `<client id>:<hash>` of the request's content and the day (UTC+8): a client
 * retrying a POST whose answer it lost gets the same request back, nothing written
 * twice; the same report on another day is a new request.
 */
export function toCaseInput(fields: RequestFields, clientId: number, now: Date): CaseInput {
  const code = fields.service_code?.trim();
  if (!code) throw new Open311Error(400, 'service_code was not provided');
  const found = findService(code);
  if (!found) throw new Open311Error(404, `service_code ${code} was not found`);
  const { target, attributes: declared } = found;

  const location = locationOf(fields);
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields.attributes)) {
    const spec = declared.find((a) => a.code === name);
    if (!spec) throw new Open311Error(400, `attribute[${name}] is not an attribute of service ${code}`);
    if (spec.values.length > 0 && !spec.values.some((v) => v.key === value)) {
      throw new Open311Error(400, `attribute[${name}] must be one of ${spec.values.map((v) => v.key).join(', ')}`);
    }
    attributes[name] = value;
  }
  if (Object.keys(fields.attributes).length > MAX_ATTRIBUTES) throw new Open311Error(400, `at most ${MAX_ATTRIBUTES} attributes`);

  const mediaUrl = fields.media_url?.trim();
  if (mediaUrl && (!/^https?:\/\/\S+$/i.test(mediaUrl) || mediaUrl.length > 500)) {
    throw new Open311Error(400, 'media_url must be an http(s) URL of at most 500 characters');
  }
  const email = fields.email?.trim();
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Open311Error(400, 'email is not an e-mail address');
  const name = fullName(fields.first_name, fields.last_name);
  const phone = fields.phone?.trim().replace(/[().]/g, '');
  const reporter = name || phone ? { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } : undefined;
  const description = fields.description?.trim();

  const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const content = JSON.stringify([code, location, fields.address_string ?? null, description ?? null, mediaUrl ?? null, name ?? null, phone ?? null, email ?? null, attributes, day]);
  const candidate = {
    kind: target.kind,
    channel: 'open311',
    externalId: `${clientId}:${createHash('sha256').update(content).digest('hex').slice(0, 32)}`,
    category: target.kind === 'incident' ? target.category : (attributes.appeal_type ?? DEFAULT_APPEAL_TYPE),
    ...(target.topic ? { topic: target.topic } : {}),
    ...(attributes.severity ? { severity: attributes.severity } : {}),
    ...(description ? { description } : {}),
    ...(fields.address_string?.trim() ? { address: fields.address_string.trim() } : {}),
    location: { type: 'Point', coordinates: [location.lng, location.lat] },
    ...(mediaUrl ? { attributes: { media_url: mediaUrl } } : {}),
    ...(reporter ? { reporter } : {}),
  };
  const parsed = caseInputSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const field = FIELD_OF_PATH[path] ?? FIELD_OF_PATH[path.split('.')[0]!] ?? path;
    throw new Open311Error(400, `${field}: ${issue.message}`);
  }
  return parsed.data;
}

/** lat/long as numbers; an address alone cannot be placed (no geocoder): refused, saying so. */
function locationOf(fields: RequestFields): { lng: number; lat: number } {
  const lat = fields.lat?.trim();
  const long = fields.long?.trim();
  if (!lat || !long) {
    if (fields.address_string?.trim() || fields.address_id?.trim()) {
      throw new Open311Error(400, 'address_string/address_id cannot be geocoded by this server: send lat and long (WGS84)');
    }
    throw new Open311Error(400, 'lat and long were not provided');
  }
  const number = /^[+-]?\d{1,3}(?:\.\d{1,15})?$/;
  const y = Number(lat);
  const x = Number(long);
  if (!number.test(lat) || !number.test(long) || Math.abs(y) > 90 || Math.abs(x) > 180) {
    throw new Open311Error(400, 'lat and long must be decimal degrees (WGS84), lat within ±90 and long within ±180');
  }
  return { lng: x, lat: y };
}

/** first_name + last_name: family name first when both are Chinese, "first last" otherwise. */
function fullName(first?: string, last?: string): string | undefined {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return undefined;
  const han = /^\p{Script=Han}+$/u;
  return han.test(f) && han.test(l) ? `${l}${f}` : [f, l].filter(Boolean).join(' ');
}
