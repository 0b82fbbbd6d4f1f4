import type { AlertRow, AlertShape } from '../../db/queries/alerts';
import type { AlertTranslation } from '../../db/records';
import type { Position } from '../../db/spatial';
import type { Severity } from '../../db/vocab';
import { ALERT_TYPES } from '../domain/categories';
import { geometryCost, geometryCostProblems } from '../domain/geometry-cost';
import { AppError } from '../errors';
import { capExternalId, capTime, parseReferences, type CapInfo, type CapMessage, type CapReference } from './message';
import { capCircle, capPair } from './read';

/**
 * A valid CAP message → what the alert intake stores. The display comes from the
 * zh-CN <info> (else another Chinese one, else the first); the others are kept as
 * translations. The areas of every <info> are unioned (they normally repeat one
 * another): polygons as [lng, lat] rings, circles on the geography, geocodes that
 * are our own area codes (GB/T 2260 and below) as those areas; anything else is
 * known by its <areaDesc> only.
 */
export interface CapIntake {
  row: Omit<AlertRow, 'createdBy' | 'escalationStepMs'>;
  shape: AlertShape;
  /** The element path of each polygon of shape.geometry, to name one PostGIS finds invalid. */
  polygonPaths: string[];
  references: CapReference[];
  /** The <areaDesc> of every area, for the answer. */
  areaDescs: string[];
}

/** A circle of radius 0 is a point-sized area: this radius on the ground (metres). */
export const POINT_RADIUS_M = 1;
const HEADLINE_CHARS = 200;

export function displayInfo(infos: readonly CapInfo[]): CapInfo | undefined {
  const lang = (info: CapInfo) => (info.language ?? 'en-US').toLowerCase();
  return (
    infos.find((i) => lang(i) === 'zh-cn') ??
    infos.find((i) => lang(i) === 'zh-hans' || lang(i) === 'zh-hans-cn') ??
    infos.find((i) => lang(i) === 'zh' || lang(i).startsWith('zh-')) ??
    infos[0]
  );
}

/** Our alert type: an <eventCode> value from the catalogue, else the catch-all of the first CAP category. */
export function alertTypeOf(info: CapInfo): string {
  const known = info.eventCode.map((c) => c.value).find((v) => ALERT_TYPES.has(v));
  return known ?? `CAP_${(info.category[0] ?? 'Other').toUpperCase()}`;
}

export function capToIntake(message: CapMessage): CapIntake {
  if (message.msgType === 'Ack' || message.msgType === 'Error') {
    throw new AppError('UNSUPPORTED_MESSAGE', `CAP ${message.msgType} messages are not stored: send Alert, Update or Cancel`, {
      path: 'alert.msgType',
      msgType: message.msgType,
    });
  }
  const info = displayInfo(message.info);
  if (!info && message.msgType !== 'Cancel') {
    throw new AppError('VALIDATION_FAILED', 'invalid CAP 1.2 message: alert.info: an Alert or Update needs at least one <info> to show', [
      { path: 'alert.info', message: 'an Alert or Update needs at least one <info> to show' },
    ]);
  }
  const translations: AlertTranslation[] = message.info
    .filter((i) => i !== info)
    .map((i) => ({ language: i.language ?? 'en-US', event: i.event, headline: i.headline ?? null, description: i.description ?? null, instruction: i.instruction ?? null }));
  const iso = (text: string | undefined) => (text ? new Date(capTime(text)!).toISOString() : null);
  const headline = info ? (info.headline || info.event) : message.note || 'Cancel';
  const { shape, polygonPaths, areaDescs } = shapeOf(message.info);
  return {
    row: {
      source: message.sender,
      externalId: capExternalId(message.identifier, message.sent),
      eventType: info ? alertTypeOf(info) : 'CAP_OTHER',
      headline: headline.length > HEADLINE_CHARS ? `${headline.slice(0, HEADLINE_CHARS - 1)}…` : headline,
      description: info?.description ?? null,
      severity: (info?.severity ?? 'Unknown') as Severity,
      urgency: info?.urgency ?? 'Unknown',
      certainty: info?.certainty ?? 'Unknown',
      onset: iso(info?.onset ?? info?.effective),
      expires: iso(info?.expires),
      messageStatus: message.status,
      msgType: message.msgType,
      translations,
      cap: message as unknown as Record<string, unknown>,
    },
    shape,
    polygonPaths,
    references: parseReferences(message.references),
    areaDescs,
  };
}

function shapeOf(infos: readonly CapInfo[]): { shape: AlertShape; polygonPaths: string[]; areaDescs: string[] } {
  const polygons: Position[][][] = [];
  const polygonPaths: string[] = [];
  const circles: AlertShape['circles'] = [];
  const geocodes = new Set<string>();
  const areaDescs = new Set<string>();
  const seen = new Set<string>();
  infos.forEach((info, i) =>
    info.area.forEach((area, j) => {
      areaDescs.add(area.areaDesc);
      area.polygon.forEach((text, k) => {
        const key = `p:${text.trim().replace(/\s+/g, ' ')}`;
        if (seen.has(key)) return;
        seen.add(key);
        polygons.push([text.trim().split(/\s+/).map((pair) => capPair(pair)!)]);
        polygonPaths.push(`alert.info[${i}].area[${j}].polygon[${k}]`);
      });
      area.circle.forEach((text) => {
        const circle = capCircle(text);
        const key = `c:${circle.lat},${circle.lng},${circle.radiusKm}`;
        if (seen.has(key)) return;
        seen.add(key);
        circles.push({ lng: circle.lng, lat: circle.lat, radiusM: circle.radiusKm === 0 ? POINT_RADIUS_M : circle.radiusKm * 1000 });
      });
      for (const geocode of area.geocode) {
        if (/^\d{6,15}$/.test(geocode.value.trim())) geocodes.add(geocode.value.trim());
      }
    }),
  );
  // Priced before any SQL, like every alert area: polygons as they are, circles by their boxes.
  const boxes = circles.map(({ lng, lat, radiusM }) => {
    const dLat = radiusM / 111_320;
    const dLng = radiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    return [[[lng - dLng, lat - dLat], [lng + dLng, lat - dLat], [lng + dLng, lat + dLat], [lng - dLng, lat + dLat], [lng - dLng, lat - dLat]]] as Position[][];
  });
  if (polygons.length + boxes.length > 0) {
    const problems = geometryCostProblems(geometryCost({ type: 'MultiPolygon', coordinates: [...polygons, ...boxes] }));
    if (problems.length > 0) {
      throw new AppError(
        'GEOMETRY_TOO_COMPLEX',
        `the CAP areas are too complex: ${problems[0]!.message}`,
        problems.map((p) => ({ ...p, path: 'alert.info.area' })),
      );
    }
  }
  return {
    shape: { geometry: polygons.length > 0 ? { type: 'MultiPolygon', coordinates: polygons } : null, circles, geocodes: [...geocodes].sort() },
    polygonPaths,
    areaDescs: [...areaDescs],
  };
}
