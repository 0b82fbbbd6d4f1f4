import { SEVERITIES, type CaseKind, type Severity } from '../../db/vocab';
import { APPEAL_TYPES, INCIDENT_CATEGORIES } from '../domain/categories';
import categories from '../../db/data/categories.json' with { type: 'json' };

/**
 * Our category catalogue as Open311 services (GeoReport v2 "GET services" and
 * "GET service definition"). Each incident category (GB/T 30428.2 小类) is a service
 * with its own code (`0101`…) and its 大类 as the group; each appeal topic is a
 * service `A01`… (the topics' catalogue order: new topics are appended, so codes
 * never move) in the group 群众诉求, whose appeal type (咨询/投诉/建议/求助) is an
 * attribute. Every service is realtime (a request is a case at once) and has
 * metadata: the attributes below.
 */
export const APPEAL_GROUP = '群众诉求';
export const DEFAULT_APPEAL_TYPE = 'TS';

export interface Open311Value {
  key: string;
  name: string;
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values: Open311Value[];
}

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/** What a service code means for intake: the case kind, category and (appeals) topic. */
export interface ServiceTarget {
  kind: CaseKind;
  /** Incident category code; for an appeal topic, filled from the appeal_type attribute. */
  category: string | null;
  topic: string | null;
}

interface Entry {
  service: Open311Service;
  target: ServiceTarget;
  attributes: Open311Attribute[];
}

const SEVERITY_NAMES: Record<Severity, string> = {
  Extreme: '特别严重 Extreme',
  Severe: '严重 Severe',
  Moderate: '较重 Moderate',
  Minor: '一般 Minor',
  Unknown: '未知 Unknown',
};

const severityAttribute = (order: number): Open311Attribute => ({
  variable: true,
  code: 'severity',
  datatype: 'singlevaluelist',
  required: false,
  datatype_description: 'One of the keys; Unknown when not given.',
  order,
  description: '严重程度 Severity',
  values: SEVERITIES.map((s) => ({ key: s, name: SEVERITY_NAMES[s] })),
});

const appealTypeAttribute: Open311Attribute = {
  variable: true,
  code: 'appeal_type',
  datatype: 'singlevaluelist',
  required: false,
  datatype_description: `One of the keys; ${DEFAULT_APPEAL_TYPE} (投诉) when not given.`,
  order: 1,
  description: '诉求类型 Appeal type',
  values: [...APPEAL_TYPES.values()].map((t) => ({ key: t.code, name: `${t.name} ${t.en}` })),
};

function appealCode(index: number): string {
  return `A${String(index + 1).padStart(2, '0')}`;
}

const ENTRIES: ReadonlyMap<string, Entry> = new Map([
  ...[...INCIDENT_CATEGORIES.values()].map((c): [string, Entry] => [
    c.code,
    {
      service: { service_code: c.code, service_name: c.name, description: `${c.major} · ${c.name} (${c.en})`, metadata: true, type: 'realtime', keywords: c.en, group: c.major },
      target: { kind: 'incident', category: c.code, topic: null },
      attributes: [severityAttribute(1)],
    },
  ]),
  ...categories.appealTopics.map((topic, i): [string, Entry] => [
    appealCode(i),
    {
      service: { service_code: appealCode(i), service_name: topic, description: `${APPEAL_GROUP} · ${topic}`, metadata: true, type: 'realtime', keywords: topic, group: APPEAL_GROUP },
      target: { kind: 'appeal', category: null, topic },
      attributes: [appealTypeAttribute, severityAttribute(2)],
    },
  ]),
]);

export function listServices(): Open311Service[] {
  return [...ENTRIES.values()].map((e) => e.service);
}

export function findService(code: string): { service: Open311Service; target: ServiceTarget; attributes: Open311Attribute[] } | undefined {
  return ENTRIES.get(code);
}

/** The service code of a stored case (kind, category, topic), or null when the catalogue has none for it. */
export function serviceCodeOf(kind: CaseKind, category: string, topic: string | null): string | null {
  if (kind === 'incident') return INCIDENT_CATEGORIES.has(category) ? category : null;
  const index = topic === null ? -1 : categories.appealTopics.indexOf(topic);
  return index >= 0 ? appealCode(index) : null;
}
