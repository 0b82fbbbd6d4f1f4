import type { CapMsgType, CapStatus } from '../../db/vocab';

/**
 * One OASIS CAP 1.2 message, normalised: what the schema allows, every element in
 * its schema name, repeated elements as arrays, absent optional ones left out.
 * It is what the reader (read.ts) produces, what alerts.cap stores, and what the
 * writer (write.ts) serialises back in the schema's element order.
 */
export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface CapValue {
  valueName: string;
  value: string;
}

export interface CapResource {
  resourceDesc: string;
  mimeType: string;
  size?: string;
  uri?: string;
  derefUri?: string;
  digest?: string;
}

export interface CapArea {
  areaDesc: string;
  polygon: string[];
  circle: string[];
  geocode: CapValue[];
  altitude?: string;
  ceiling?: string;
}

export interface CapInfo {
  language?: string;
  category: string[];
  event: string;
  responseType: string[];
  urgency: string;
  severity: string;
  certainty: string;
  audience?: string;
  eventCode: CapValue[];
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  web?: string;
  contact?: string;
  parameter: CapValue[];
  resource: CapResource[];
  area: CapArea[];
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: string;
  status: CapStatus;
  msgType: CapMsgType;
  source?: string;
  scope: string;
  restriction?: string;
  addresses?: string;
  code: string[];
  note?: string;
  references?: string;
  incidents?: string;
  info: CapInfo[];
}

/** One `sender,identifier,sent` entry of <references>. */
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

/** CAP date-times: the XSD pattern (an explicit numeric offset, no fraction, no `Z`). */
export const CAP_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([-+])(\d\d):(\d\d)$/;

/** Epoch ms of a CAP date-time, or null when it is not one (pattern, calendar, years 1900–2999). */
export function capTime(text: string): number | null {
  const m = CAP_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second, sign, offH, offM] = [
    Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7], Number(m[8]), Number(m[9]),
  ];
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || offH > 14 || offM > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day) return null;
  const offset = (sign === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  return local - offset;
}

/** A CAP date-time (`+08:00`, China's offset) for an instant. */
export function toCapTime(ms: number, offsetMinutes = 480): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The stored key of a CAP message: sent normalised to UTC, so two spellings of one instant are one message. */
export function capExternalId(identifier: string, sent: string): string {
  const at = capTime(sent);
  return `${identifier},${at === null ? sent : new Date(at).toISOString()}`;
}

/** Parses <references> (already validated by the reader). */
export function parseReferences(references: string | undefined): CapReference[] {
  if (!references) return [];
  return references
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [sender, identifier, sent] = entry.split(',');
      return { sender: sender!, identifier: identifier!, sent: sent! };
    });
}
