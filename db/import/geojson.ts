import { z } from 'zod';
import { AREA_LEVELS, type AreaLevel } from '../vocab';
import { checkBbox, normaliseAreaGeometry } from '../geojson';
import type { AreaGeometry } from '../spatial';
import { geometriesToWgs84, type Datum, type DatumShift } from './datum';
import { ImportError } from './errors';

/**
 * Structural validation of an area file, all in JS and before any database
 * work: a GeoJSON (RFC 7946) FeatureCollection of Polygon/MultiPolygon
 * features whose properties carry code, name, level and parent code. Geometry
 * structure follows the one rule in db/geojson.ts (shared with the alert API);
 * geometric validity (self-intersections…) is PostGIS's job, afterwards (see areas.ts).
 *
 * Property names may be dotted paths into nested objects (`parent.adcode`, as
 * DataV GeoAtlas files nest the parent); codes may be JSON numbers or strings
 * of digits. Coordinates in GCJ-02 or BD-09 are converted to WGS84 (`datum`).
 */
export interface AreaMapping {
  /** One level for the whole file… */
  level?: AreaLevel;
  /** …or the property holding each feature's level (English or Chinese words: grid, 网格, 社区, 村…). */
  levelProp?: string;
  codeProp: string;
  nameProp: string;
  nameEnProp?: string;
  parentCodeProp?: string;
  populationProp?: string;
  /** Datum of the file's coordinates; absent means WGS84 (with a warning if the file looks like DataV). */
  datum?: Datum;
}

export interface ParsedFile {
  areas: ParsedArea[];
  /** Things the sender should know that do not refuse the file. */
  warnings: string[];
  /** How far the datum conversion moved vertices (null for WGS84). */
  datumShift: DatumShift | null;
}

export interface ParsedArea {
  index: number;
  id?: string | number;
  code: string;
  name: string;
  nameEn: string | null;
  level: AreaLevel;
  parentCode: string | null;
  population: number | null;
  geometry: AreaGeometry;
  vertices: number;
}

export const LIMITS = {
  features: 50_000,
  verticesPerFeature: 100_000,
  vertices: 5_000_000,
  /** JSON text accepted by importAreas / the CLI. */
  bytes: 256 * 1024 * 1024,
};

const LEVEL_WORDS: Record<string, AreaLevel> = {
  市: 'city',
  区: 'district',
  县: 'district',
  县级市: 'district',
  区县: 'district',
  街道: 'street',
  镇: 'street',
  乡: 'street',
  乡镇: 'street',
  社区: 'community',
  村: 'community',
  网格: 'grid',
};

/** Names under which RFC 7946's predecessor let a file declare plain WGS84 lon/lat. */
const WGS84_NAMES = new Set([
  'urn:ogc:def:crs:ogc:1.3:crs84',
  'urn:ogc:def:crs:ogc::crs84',
  'ogc:crs84',
  'crs84',
  'epsg:4326',
  'urn:ogc:def:crs:epsg::4326',
  'urn:ogc:def:crs:epsg:4326',
  'http://www.opengis.net/def/crs/ogc/1.3/crs84',
  'http://www.opengis.net/def/crs/epsg/0/4326',
]);

const collectionSchema = z.object({
  type: z.literal('FeatureCollection', { error: 'not a GeoJSON FeatureCollection (type must be "FeatureCollection")' }),
  features: z.array(z.unknown(), { error: 'not a GeoJSON FeatureCollection (features must be an array)' }),
});

const featureSchema = z.object({
  type: z.literal('Feature', { error: 'not a GeoJSON Feature (type must be "Feature")' }),
  id: z.union([z.string(), z.number()], { error: 'id must be a string or a number' }).optional(),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown(), { error: 'properties must be an object' }).nullable().optional(),
});

const digits = z.string({ error: 'must be a string of digits' }).regex(/^\d{1,24}$/, { error: 'must be a string of 1–24 digits' });

export function parseAreaFile(input: unknown, mapping: AreaMapping): ParsedFile {
  if (!mapping.level && !mapping.levelProp) throw new ImportError('the mapping needs a fixed level or a level property');
  if (mapping.level && !AREA_LEVELS.includes(mapping.level)) throw new ImportError(`unknown level "${mapping.level}"`);
  const document = typeof input === 'string' ? parseJson(input) : input;
  const collection = collectionSchema.safeParse(document);
  if (!collection.success) {
    const issue = collection.error.issues[0];
    throw new ImportError(issue && issue.path.length > 0 ? issue.message : 'not a GeoJSON FeatureCollection (expected a JSON object)');
  }
  checkCrs(document, null);
  const { features } = collection.data;
  if (features.length === 0) throw new ImportError('the FeatureCollection has no features');
  if (features.length > LIMITS.features) {
    throw new ImportError(`too many features: ${features.length} (at most ${LIMITS.features} per file)`);
  }
  const seen = new Map<string, number>();
  let total = 0;
  const areas = features.map((raw, index) => {
    const area = parseFeature(raw, index, mapping);
    const first = seen.get(area.code);
    if (first !== undefined) fail(index, area, `duplicate code ${area.code} (also feature #${first})`);
    seen.set(area.code, index);
    total += area.vertices;
    if (total > LIMITS.vertices) fail(index, area, `the file exceeds ${LIMITS.vertices} vertices in total`);
    return area;
  });
  const box = (document as { bbox?: unknown }).bbox;
  if (box !== undefined) {
    const issue = checkBbox(box, areas.map((a) => a.geometry));
    if (issue) throw new ImportError(`the FeatureCollection's ${issue.message}`);
  }
  const warnings: string[] = [];
  if (!mapping.datum && features.some(looksLikeDataV)) {
    warnings.push(
      'this file looks like DataV GeoAtlas (adcode, acroutes, parent.adcode), whose coordinates are GCJ-02; ' +
        'it was read as WGS84. Re-import with --datum gcj02 (or give --datum wgs84 if it really is WGS84)',
    );
  }
  const { geometries, shift } = geometriesToWgs84(areas.map((a) => a.geometry), mapping.datum ?? 'wgs84');
  return {
    areas: areas.map((a, i) => ({ ...a, geometry: geometries[i] ?? a.geometry })),
    warnings,
    datumShift: shift,
  };
}

/** DataV GeoAtlas features carry a numeric adcode and its own bookkeeping (acroutes, childrenNum, parent object). */
function looksLikeDataV(raw: unknown): boolean {
  const properties = (raw as { properties?: unknown } | null)?.properties;
  if (typeof properties !== 'object' || properties === null) return false;
  const p = properties as Record<string, unknown>;
  return 'adcode' in p && ('acroutes' in p || 'childrenNum' in p || (typeof p.parent === 'object' && p.parent !== null));
}

/** A property by name, or by dotted path into nested objects when no property has the literal name. */
export function propertyAt(properties: Record<string, unknown>, name: string): unknown {
  if (name in properties) return properties[name];
  let value: unknown = properties;
  for (const key of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Codes as strings of digits: JSON numbers (DataV's adcode) are accepted when they are exact whole numbers. */
function codeText(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return value;
}

function parseJson(text: string): unknown {
  if (text.length > LIMITS.bytes) throw new ImportError(`the file is larger than ${LIMITS.bytes} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ImportError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fail(index: number, area: { id?: string | number; code?: string }, reason: string): never {
  throw new ImportError(reason, index, area.id, area.code);
}

/** RFC 7946 drops `crs`; a legacy one is tolerated only when it names WGS84 lon/lat. */
function checkCrs(holder: unknown, index: number | null, area: { id?: string | number; code?: string } = {}): void {
  if (typeof holder !== 'object' || holder === null || !('crs' in holder)) return;
  const crs: unknown = holder.crs;
  const named = z
    .object({ type: z.literal('name'), properties: z.object({ name: z.string() }) })
    .safeParse(crs);
  const epsg = z
    .object({ type: z.literal('EPSG'), properties: z.object({ code: z.union([z.number(), z.string()]) }) })
    .safeParse(crs);
  if (named.success && WGS84_NAMES.has(named.data.properties.name.trim().toLowerCase())) return;
  if (epsg.success && String(epsg.data.properties.code) === '4326') return;
  const label = named.success
    ? named.data.properties.name
    : epsg.success
      ? `EPSG:${epsg.data.properties.code}`
      : JSON.stringify(crs)?.slice(0, 80);
  const reason = `unknown CRS ${JSON.stringify(label)}: coordinates must be WGS84 longitude/latitude (RFC 7946; reproject, e.g. ogr2ogr -t_srs EPSG:4326)`;
  if (index === null) throw new ImportError(reason);
  fail(index, area, reason);
}

function parseFeature(raw: unknown, index: number, mapping: AreaMapping): ParsedArea {
  const feature = featureSchema.safeParse(raw);
  if (!feature.success) {
    const issue = feature.error.issues[0];
    throw new ImportError(issue && issue.path.length > 0 ? issue.message : 'not a GeoJSON Feature (expected an object)', index);
  }
  const { id, geometry } = feature.data;
  const properties = feature.data.properties ?? {};
  const codeValue = propertyAt(properties, mapping.codeProp);
  const normalised = codeText(codeValue);
  const code = typeof normalised === 'string' ? normalised : undefined;
  const where = { id, code };
  if (codeValue === undefined || codeValue === null) {
    const hint = mapping.codeProp !== 'adcode' && 'adcode' in properties ? ' (DataV files keep it in "adcode": --code-prop adcode)' : '';
    fail(index, where, `missing property "${mapping.codeProp}" (the area code)${hint}`);
  }
  const codeCheck = digits.safeParse(normalised);
  if (!codeCheck.success) {
    fail(index, { id }, `property "${mapping.codeProp}" ${codeCheck.error.issues[0]?.message}, got ${JSON.stringify(codeValue)}`);
  }
  checkCrs(raw, index, where);
  if (typeof geometry === 'object' && geometry !== null) checkCrs(geometry, index, where);

  const name = propertyAt(properties, mapping.nameProp);
  if (typeof name !== 'string' || name.trim() === '') fail(index, where, `missing or empty property "${mapping.nameProp}" (the area name)`);
  if (name.length > 200) fail(index, where, `property "${mapping.nameProp}" is longer than 200 characters`);
  const nameEnValue = mapping.nameEnProp ? propertyAt(properties, mapping.nameEnProp) : undefined;
  if (nameEnValue !== undefined && nameEnValue !== null && typeof nameEnValue !== 'string') {
    fail(index, where, `property "${mapping.nameEnProp}" must be a string`);
  }

  const level = mapping.level ?? levelOf(propertyAt(properties, mapping.levelProp ?? ''), mapping.levelProp ?? '', index, where);
  const parentCode = optionalDigits(mapping.parentCodeProp, properties, index, where);
  const population = optionalCount(mapping.populationProp, properties, index, where);
  const { geometry: area, vertices } = parseGeometry(geometry, index, where);
  const box = (raw as { bbox?: unknown }).bbox;
  if (box !== undefined) {
    const issue = checkBbox(box, [area]);
    if (issue) fail(index, where, `the feature's ${issue.message}`);
  }
  return {
    index,
    ...(id !== undefined ? { id } : {}),
    code: code as string,
    name: name.trim(),
    nameEn: typeof nameEnValue === 'string' && nameEnValue.trim() !== '' ? nameEnValue.trim() : null,
    level,
    parentCode,
    population,
    geometry: area,
    vertices,
  };
}

function levelOf(value: unknown, prop: string, index: number, where: { id?: string | number; code?: string }): AreaLevel {
  const word = typeof value === 'string' ? value.trim() : '';
  const level = AREA_LEVELS.find((l) => l === word.toLowerCase()) ?? LEVEL_WORDS[word];
  if (!level) {
    fail(index, where, `unknown level ${JSON.stringify(value ?? null)} in property "${prop}" (expected ${AREA_LEVELS.join(', ')})`);
  }
  return level;
}

function optionalDigits(
  prop: string | undefined,
  properties: Record<string, unknown>,
  index: number,
  where: { id?: string | number; code?: string },
): string | null {
  const value = prop ? propertyAt(properties, prop) : undefined;
  if (value === undefined || value === null || value === '') return null;
  const parsed = digits.safeParse(codeText(value));
  if (!parsed.success) fail(index, where, `property "${prop}" ${parsed.error.issues[0]?.message}, got ${JSON.stringify(value)}`);
  return parsed.data;
}

function optionalCount(
  prop: string | undefined,
  properties: Record<string, unknown>,
  index: number,
  where: { id?: string | number; code?: string },
): number | null {
  const value = prop ? propertyAt(properties, prop) : undefined;
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 100_000_000) {
    fail(index, where, `property "${prop}" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The shared rule (db/geojson.ts): altitudes dropped, winding normalised, nesting mistakes named. */
function parseGeometry(
  geometry: unknown,
  index: number,
  where: { id?: string | number; code?: string },
): { geometry: AreaGeometry; vertices: number } {
  if (typeof geometry !== 'object' || geometry === null) fail(index, where, 'the feature has no geometry');
  const result = normaliseAreaGeometry(geometry, { maxVertices: LIMITS.verticesPerFeature, unit: 'feature' });
  if (!result.ok) fail(index, where, result.issue.message);
  return { geometry: result.value.geometry, vertices: result.value.vertices };
}
