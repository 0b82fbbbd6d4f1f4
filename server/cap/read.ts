import { CAP_CATEGORIES, CAP_MSG_TYPES, CAP_RESPONSE_TYPES, CAP_SCOPES, CAP_STATUSES, CERTAINTIES, SEVERITIES, URGENCIES } from '../../db/vocab';
import { AppError } from '../errors';
import { CAP_NS, capTime, parseReferences, type CapMessage } from './message';
import { readXml, type XmlElement } from './xml';

/**
 * A CAP 1.2 document → CapMessage, checked against what the OASIS CAP 1.2 schema
 * requires (tests/fixtures/cap/CAP-v1.2.xsd): required elements present (in any
 * order), no element more often than allowed, every code list, date-times with an
 * explicit offset, decimals and integers — plus the specification's own rules the
 * schema cannot say: identifier and sender without spaces, commas, `<` or `&`;
 * <references> as `sender,identifier,sent` triples; <addresses> for Private and
 * <restriction> for Restricted scope; <ceiling> only with <altitude>; polygons and
 * circles well-formed. Every problem is named by its element path
 * (`alert.info[0].severity`) and nothing is stored.
 */
const KNOWN_NAMESPACES: Record<string, string> = {
  'urn:oasis:names:tc:emergency:cap:1.1': 'CAP 1.1',
  'urn:oasis:names:tc:emergency:cap:1.0': 'CAP 1.0',
  'http://www.incident.com/cap/1.0': 'CAP 1.0',
};

export type Simple = 'string' | 'dateTime' | 'language' | 'anyURI' | 'decimal' | 'integer' | readonly string[];
export interface Field {
  name: string;
  required: boolean;
  many: boolean;
  type: Simple | readonly Field[];
}

export function isComplex(type: Field['type']): type is readonly Field[] {
  return Array.isArray(type) && typeof type[0] === 'object';
}

const f = (name: string, type: Field['type'], required = false, many = false): Field => ({ name, type, required, many });
const VALUE_PAIR = [f('valueName', 'string', true), f('value', 'string', true)] as const;

const AREA: readonly Field[] = [
  f('areaDesc', 'string', true),
  f('polygon', 'string', false, true),
  f('circle', 'string', false, true),
  f('geocode', VALUE_PAIR, false, true),
  f('altitude', 'decimal'),
  f('ceiling', 'decimal'),
];

const RESOURCE: readonly Field[] = [
  f('resourceDesc', 'string', true),
  f('mimeType', 'string', true),
  f('size', 'integer'),
  f('uri', 'anyURI'),
  f('derefUri', 'string'),
  f('digest', 'string'),
];

const INFO: readonly Field[] = [
  f('language', 'language'),
  f('category', CAP_CATEGORIES, true, true),
  f('event', 'string', true),
  f('responseType', CAP_RESPONSE_TYPES, false, true),
  f('urgency', URGENCIES, true),
  f('severity', SEVERITIES, true),
  f('certainty', CERTAINTIES, true),
  f('audience', 'string'),
  f('eventCode', VALUE_PAIR, false, true),
  f('effective', 'dateTime'),
  f('onset', 'dateTime'),
  f('expires', 'dateTime'),
  f('senderName', 'string'),
  f('headline', 'string'),
  f('description', 'string'),
  f('instruction', 'string'),
  f('web', 'anyURI'),
  f('contact', 'string'),
  f('parameter', VALUE_PAIR, false, true),
  f('resource', RESOURCE, false, true),
  f('area', AREA, false, true),
];

/** The <alert> element as the schema orders it (write.ts serialises in this order). */
export const ALERT: readonly Field[] = [
  f('identifier', 'string', true),
  f('sender', 'string', true),
  f('sent', 'dateTime', true),
  f('status', CAP_STATUSES, true),
  f('msgType', CAP_MSG_TYPES, true),
  f('source', 'string'),
  f('scope', CAP_SCOPES, true),
  f('restriction', 'string'),
  f('addresses', 'string'),
  f('code', 'string', false, true),
  f('note', 'string'),
  f('references', 'string'),
  f('incidents', 'string'),
  f('info', INFO, false, true),
];

/** Bounds beyond the schema, so a message stays a message (the body limit caps bytes). */
export const CAP_LIMITS = { infos: 16, areasPerInfo: 100, shapesPerArea: 100, textChars: 20_000 } as const;

export interface Problem {
  path: string;
  message: string;
}

type Node = { [name: string]: string | Node | Array<string | Node> | undefined };

class Checker {
  readonly problems: Problem[] = [];

  add(path: string, message: string): void {
    if (this.problems.length < 50) this.problems.push({ path, message });
  }

  /** Reads the children of `el` against `fields`: simple values as strings, complex ones as nodes. */
  complex(el: XmlElement, path: string, fields: readonly Field[]): Node {
    const out: Node = {};
    const seen = new Map<string, number>();
    if (el.text !== '') this.add(path, 'character data is not allowed here, only elements');
    for (const child of el.children) {
      if (child.ns !== CAP_NS) continue; // another namespace (a signature, an extension): not ours to read
      const field = fields.find((x) => x.name === child.local);
      if (!field) {
        this.add(`${path}.${child.local}`, 'unexpected element');
        continue;
      }
      const index = seen.get(field.name) ?? 0;
      seen.set(field.name, index + 1);
      const at = field.many ? `${path}.${field.name}[${index}]` : `${path}.${field.name}`;
      if (!field.many && index > 0) {
        if (index === 1) this.add(at, 'may appear at most once');
        continue;
      }
      const value = isComplex(field.type) ? this.complex(child, at, field.type) : this.simple(child, at, field.type);
      if (field.many) ((out[field.name] ??= []) as Array<string | Node>).push(value);
      else out[field.name] = value;
    }
    for (const field of fields) {
      if (field.required && !seen.has(field.name)) this.add(`${path}.${field.name}`, 'required element is missing');
      if (field.many && !seen.has(field.name)) out[field.name] = [];
    }
    return out;
  }

  simple(el: XmlElement, path: string, type: Simple): string {
    if (el.children.length > 0) this.add(path, 'must hold text, not elements');
    const value = el.text;
    if (value.length > CAP_LIMITS.textChars) this.add(path, `longer than ${CAP_LIMITS.textChars} characters`);
    if (Array.isArray(type)) {
      if (!type.includes(value)) this.add(path, `"${clip(value)}" is not one of ${type.join(', ')}`);
    } else if (type === 'dateTime') {
      if (capTime(value) === null) this.add(path, `"${clip(value)}" is not a CAP date-time (YYYY-MM-DDThh:mm:ss with an explicit offset such as +08:00, years 1900–2999)`);
    } else if (type === 'language') {
      if (!/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/.test(value)) this.add(path, `"${clip(value)}" is not a language tag`);
    } else if (type === 'decimal') {
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) this.add(path, `"${clip(value)}" is not a decimal`);
    } else if (type === 'integer') {
      if (!/^[+-]?\d+$/.test(value)) this.add(path, `"${clip(value)}" is not an integer`);
    }
    return value;
  }
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** Parses and validates a CAP 1.2 document; throws BAD_XML, UNSUPPORTED_VERSION or VALIDATION_FAILED. */
export function readCap(text: string): CapMessage {
  const root = readXml(text);
  if (root.ns !== CAP_NS) {
    const known = root.ns ? KNOWN_NAMESPACES[root.ns] : undefined;
    throw new AppError(
      'UNSUPPORTED_VERSION',
      known ? `${known} is not supported: send OASIS CAP 1.2 (${CAP_NS})` : `<${root.local}> in namespace ${root.ns ?? '(none)'} is not a CAP 1.2 message (${CAP_NS})`,
      { namespace: root.ns, expected: CAP_NS },
    );
  }
  const check = new Checker();
  if (root.local !== 'alert') check.add(root.local, 'the root element of a CAP message is <alert>');
  const node = check.complex(root, 'alert', ALERT) as unknown as CapMessage;
  profileRules(node, check);
  if (check.problems.length > 0) {
    const first = check.problems[0]!;
    throw new AppError('VALIDATION_FAILED', `invalid CAP 1.2 message: ${first.path}: ${first.message}`, check.problems);
  }
  return node;
}

/** The specification's rules beyond the schema (CAP-v1.2 §3.2). */
function profileRules(message: CapMessage, check: Checker): void {
  const plain = /^[^\s,<&]+$/;
  // Runs after the schema checks even when they failed, so every problem is named at once: absent elements are skipped here.
  if (message.identifier !== undefined && !plain.test(message.identifier)) check.add('alert.identifier', 'must be non-empty without spaces, commas, < or &');
  if (message.sender !== undefined && !plain.test(message.sender)) check.add('alert.sender', 'must be non-empty without spaces, commas, < or &');
  if (message.references !== undefined) {
    const entries = message.references.trim().split(/\s+/);
    if (message.references.trim() === '' || entries.some((e) => !/^[^\s,<&]+,[^\s,<&]+,[^\s,<&]+$/.test(e))) {
      check.add('alert.references', 'must be space-separated sender,identifier,sent entries');
    } else if (parseReferences(message.references).some((r) => capTime(r.sent) === null)) {
      check.add('alert.references', 'each entry must end with the referenced message\'s sent date-time');
    }
  }
  if (message.scope === 'Restricted' && !message.restriction) check.add('alert.restriction', 'required when scope is Restricted');
  if (message.scope === 'Private' && !message.addresses) check.add('alert.addresses', 'required when scope is Private');
  if (message.info.length > CAP_LIMITS.infos) check.add('alert.info', `at most ${CAP_LIMITS.infos} info blocks`);
  message.info.forEach((info, i) => {
    const at = `alert.info[${i}]`;
    const [onset, expires] = [capTime(info.onset ?? ''), capTime(info.expires ?? '')];
    if (onset !== null && expires !== null && expires <= onset) check.add(`${at}.expires`, 'must be after onset');
    if (info.area.length > CAP_LIMITS.areasPerInfo) check.add(`${at}.area`, `at most ${CAP_LIMITS.areasPerInfo} areas per info`);
    info.area.forEach((area, j) => {
      const where = `${at}.area[${j}]`;
      if (area.ceiling !== undefined && area.altitude === undefined) check.add(`${where}.ceiling`, 'only allowed together with altitude');
      if (area.polygon.length + area.circle.length + area.geocode.length > CAP_LIMITS.shapesPerArea) {
        check.add(where, `at most ${CAP_LIMITS.shapesPerArea} polygons, circles and geocodes per area`);
      }
      area.polygon.forEach((polygon, k) => {
        const problem = polygonProblem(polygon);
        if (problem) check.add(`${where}.polygon[${k}]`, problem);
      });
      area.circle.forEach((circle, k) => {
        const problem = circleProblem(circle);
        if (problem) check.add(`${where}.circle[${k}]`, problem);
      });
    });
  });
}

const NUMBER = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)';
const PAIR = new RegExp(`^(${NUMBER}),(${NUMBER})$`);
const CIRCLE = new RegExp(`^(${NUMBER}),(${NUMBER})\\s+(${NUMBER})$`);
/** An alert covers a city, not a province (GEOMETRY_LIMITS.extent is 2°). */
export const MAX_CIRCLE_RADIUS_KM = 100;

/** `lat,lon` → [lng, lat], or null when not a WGS 84 pair. */
export function capPair(text: string): [lng: number, lat: number] | null {
  const m = PAIR.exec(text);
  if (!m) return null;
  const lat = Number(m[1]);
  const lng = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? [lng, lat] : null;
}

function polygonProblem(text: string): string | null {
  const pairs = text.trim().split(/\s+/);
  const points = pairs.map(capPair);
  const bad = points.findIndex((p) => p === null);
  if (bad >= 0) return `"${clip(pairs[bad]!)}" is not a "lat,lon" pair in WGS 84`;
  if (points.length < 4) return `a polygon needs at least 4 coordinate pairs, got ${points.length}`;
  const [first, last] = [points[0]!, points.at(-1)!];
  if (first[0] !== last[0] || first[1] !== last[1]) return 'the first and last coordinate pairs must be the same (a closed ring)';
  return null;
}

function circleProblem(text: string): string | null {
  const m = CIRCLE.exec(text.trim());
  if (!m || !capPair(`${m[1]},${m[2]}`)) return `"${clip(text)}" is not "lat,lon radius" (WGS 84, radius in km)`;
  const radius = Number(m[3]);
  if (radius < 0) return 'the radius must not be negative';
  if (radius > MAX_CIRCLE_RADIUS_KM) return `the radius must not exceed ${MAX_CIRCLE_RADIUS_KM} km`;
  return null;
}

/** A well-formed circle → centre and radius (km). */
export function capCircle(text: string): { lng: number; lat: number; radiusKm: number } {
  const m = CIRCLE.exec(text.trim())!;
  return { lat: Number(m[1]), lng: Number(m[2]), radiusKm: Number(m[3]) };
}
