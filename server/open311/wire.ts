import { escapeXml } from '../cap/write';

/**
 * GeoReport v2 documents in both formats from one value: JSON as is; XML with the
 * spec's element names in the order the object lists them (so each builder states
 * the spec's order once), arrays as repeated children named by LIST_ITEMS, null as
 * an empty element, booleans as true/false.
 */
export type Format = 'json' | 'xml';

/** Array fields and the element each of their items is written as. */
const LIST_ITEMS: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
};

export const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The document root `root` holding `value` (an array of items for list roots, else an object). */
export function render(format: Format, root: string, value: unknown): string {
  if (format === 'json') return JSON.stringify(value);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, value, '')}`;
}

function element(name: string, value: unknown, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name}/>\n`;
  if (Array.isArray(value)) {
    const item = LIST_ITEMS[name];
    if (!item) throw new Error(`no item element for list ${name}`);
    if (value.length === 0) return `${indent}<${name}/>\n`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, `${indent}  `)).join('')}${indent}</${name}>\n`;
  }
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v, `${indent}  `))
      .join('');
    return `${indent}<${name}>\n${inner}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

/** A GeoReport v2 error, answered as `[{ code, description }]` / `<errors><error>…` with `status` as the HTTP status. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 413 | 415 | 500 | 503,
    readonly description: string,
  ) {
    super(description);
    this.name = 'Open311Error';
  }
}

export function renderErrors(format: Format, errors: ReadonlyArray<{ code: number; description: string }>): string {
  return render(format, 'errors', errors.map((e) => ({ code: e.code, description: e.description })));
}
