import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { AREA_LEVELS, type AreaLevel } from '../vocab';
import { inTransaction, type Exec } from '../seed/sql';
import { ImportError } from './errors';
import type { DatumShift } from './datum';
import { parseAreaFile, type AreaMapping, type ParsedArea } from './geojson';

/**
 * Loads a city's own districts, streets, communities or grids from GeoJSON.
 *
 * All or nothing: the file is validated in JS first (structure, codes, ranges),
 * then inside one transaction PostGIS checks every geometry (ST_IsValid) and
 * the rows go in parents first; any problem throws an ImportError naming the
 * feature and the transaction rolls back, so a bad file writes nothing.
 *
 * Parents: the parent code property, found in the file or the database. With
 * no parent code, a district attaches to the one city root if there is exactly
 * one (else becomes a root); a street, community or grid falls back to the
 * national coding scheme, where the parent's code is its own minus the last
 * three digits (520102001001001 → 520102001001), and is refused if no such area exists.
 *
 * Existing codes are refused unless `replace: true`, which updates those rows
 * in place (same id, so cases and responders keep pointing at them) and then
 * recomputes every path; a row may not change level, and a parent chain that
 * would loop is refused.
 *
 * A made root (`makeRoot`): a file with one level and no parent above it (a
 * city's districts from DataV) can create that parent. Its polygon is the
 * PostGIS dissolve of the top-level features (see dissolveRoot), and every
 * top-level feature with no parent code, or with the root's code, hangs under it.
 */
export interface ImportOptions {
  replace?: boolean;
  makeRoot?: { code: string; name: string; nameEn?: string | null };
}

export interface ImportSummary {
  features: number;
  inserted: number;
  updated: number;
  byLevel: Partial<Record<AreaLevel, number>>;
  /** The made root, with the sliver holes its dissolve closed. */
  root: { code: string; level: AreaLevel; slivers: number } | null;
  datumShift: DatumShift | null;
  warnings: string[];
  ms: number;
}

/**
 * Holes in the dissolved root narrower than this (area / perimeter, metres;
 * about half the width of a long sliver) are gaps between neighbouring
 * boundaries drawn independently, not enclaves: they are closed.
 */
export const SLIVER_HALF_WIDTH_M = 5;
/** Snap-rounding grid of the dissolve (degrees, ≈ 0.1 mm): robust overlay, see db/seed/sql.ts GRID_SIZE. */
const DISSOLVE_GRID = 1e-9;

const PEOPLE_PER_HOUSEHOLD = 2.8;
/** Vertices per staging statement: keeps each bound JSON parameter to a few MB. */
const CHUNK_VERTICES = 200_000;

export async function importAreas(
  database: Database,
  input: unknown,
  mapping: AreaMapping,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const { areas, warnings, datumShift } = parseAreaFile(input, mapping);
  const root = options.makeRoot ? planRoot(areas, options.makeRoot) : null;
  const counts = await inTransaction(database, (exec) => load(exec, areas, options.replace === true, root));
  const { rootless, ...written } = counts;
  if (rootless.length > 0) {
    warnings.push(
      `${rootless.length} ${rootless.length === 1 ? 'area has' : 'areas have'} no parent and became roots (${rootless.slice(0, 3).join(', ')}${rootless.length > 3 ? ', …' : ''}); ` +
        'the city is then unnamed: import its districts with --make-root CODE --root-name NAME, or import the city first',
    );
  }
  return { features: areas.length, ...written, datumShift, warnings, ms: Math.round(performance.now() - started) };
}

interface RootPlan {
  code: string;
  name: string;
  nameEn: string | null;
  level: AreaLevel;
  /** The level of the features that hang under it. */
  childLevel: AreaLevel;
}

function planRoot(areas: ParsedArea[], root: NonNullable<ImportOptions['makeRoot']>): RootPlan {
  const code = root.code.trim();
  if (!/^\d{1,24}$/.test(code)) throw new ImportError(`the root code must be 1–24 digits, got ${JSON.stringify(root.code)}`);
  const name = root.name.trim();
  if (name === '' || name.length > 200) throw new ImportError('the root needs a name of 1–200 characters (--root-name)');
  const top = Math.min(...areas.map((a) => depth(a.level)));
  const childLevel = AREA_LEVELS[top] as AreaLevel;
  if (top === 0) throw new ImportError(`the file has its own ${childLevel} features; a root above them cannot be made`);
  const clash = areas.find((a) => a.code === code);
  if (clash) failOn(clash, `code ${code} is both a feature and the root to make`);
  return { code, name, nameEn: root.nameEn?.trim() || null, level: AREA_LEVELS[top - 1] as AreaLevel, childLevel };
}

interface Existing {
  id: number;
  code: string;
  level: AreaLevel;
}

const depth = (level: AreaLevel): number => AREA_LEVELS.indexOf(level);
function failOn(area: ParsedArea, reason: string): never {
  throw new ImportError(reason, area.index, area.id, area.code);
}

type LoadCounts = Pick<ImportSummary, 'inserted' | 'updated' | 'byLevel' | 'root'> & { rootless: string[] };

async function load(exec: Exec, areas: ParsedArea[], replace: boolean, root: RootPlan | null): Promise<LoadCounts> {
  // Two importers must not both decide a code is free; readers are not blocked.
  await exec.rows(sql`LOCK TABLE areas IN SHARE ROW EXCLUSIVE MODE`);
  const inFile = new Map(areas.map((a) => [a.code, a]));
  const wanted = new Set<string>();
  if (root) wanted.add(root.code);
  for (const a of areas) {
    wanted.add(a.code);
    if (a.parentCode) wanted.add(a.parentCode);
    else if (a.code.length > 3) wanted.add(a.code.slice(0, -3));
  }
  const known = await exec.rows<Existing>(sql`
    SELECT id, code, level FROM areas
    WHERE code = ANY(${`{${[...wanted].join(',')}}`}::text[]) OR (level = 'city' AND parent_id IS NULL)`);
  const inDb = new Map(known.map((e) => [e.code, { ...e, id: Number(e.id) }]));
  const cityRoots = new Set([
    ...known.filter((e) => e.level === 'city').map((e) => e.code),
    ...areas.filter((a) => a.level === 'city' && !a.parentCode).map((a) => a.code),
  ]);

  const madeRoot = root ? inDb.get(root.code) : undefined;
  if (root && madeRoot && !replace) {
    throw new ImportError(`the root ${root.code} already exists in the database (import with replace to rebuild its outline, or drop --make-root)`);
  }
  if (root && madeRoot && madeRoot.level !== root.level) {
    throw new ImportError(`code ${root.code} exists as a ${madeRoot.level}; the made root would be a ${root.level}`);
  }
  const parents = new Map<string, string | null>();
  for (const area of areas) {
    const existing = inDb.get(area.code);
    if (existing && !replace) failOn(area, `code ${area.code} already exists in the database (import with replace to update it)`);
    if (existing && existing.level !== area.level) {
      failOn(area, `code ${area.code} exists as a ${existing.level}; an import cannot change it to a ${area.level}`);
    }
    const underRoot = root && area.level === root.childLevel && (!area.parentCode || area.parentCode === root.code);
    parents.set(area.code, underRoot ? root.code : resolveParent(area, inFile, inDb, cityRoots, root?.code));
  }

  await stage(exec, areas, parents);
  await checkGeometries(exec, areas);
  const slivers = root ? await dissolveRoot(exec, root, areas.length) : 0;
  const expected = areas.length + (root ? 1 : 0);

  let inserted = 0;
  let updated = 0;
  const byLevel: Partial<Record<AreaLevel, number>> = {};
  for (const level of AREA_LEVELS) {
    const ofLevel = areas.filter((a) => a.level === level).length + (root?.level === level ? 1 : 0);
    if (ofLevel === 0) continue;
    byLevel[level] = ofLevel;
    const [done] = await exec.rows<{ inserted: number; updated: number }>(sql`
      WITH updated AS (
        UPDATE areas a
        SET name = s.name, name_en = COALESCE(s.name_en, a.name_en), parent_id = p.id,
            path = COALESCE(p.path, '{}'::text[]) || s.code,
            population = COALESCE(s.population, a.population), households = COALESCE(s.households, a.households),
            area_m2 = round(ST_Area(s.geom::geography))::bigint, geom = s.geom
        FROM import_areas s LEFT JOIN areas p ON p.code = s.parent_code
        WHERE a.code = s.code AND s.level = ${level}
        RETURNING a.id
      ), inserted AS (
        INSERT INTO areas (code, name, name_en, level, parent_id, path, population, households, area_m2, geom)
        SELECT s.code, s.name, s.name_en, s.level, p.id, COALESCE(p.path, '{}'::text[]) || s.code,
               COALESCE(s.population, 0), COALESCE(s.households, 0), round(ST_Area(s.geom::geography))::bigint, s.geom
        FROM import_areas s LEFT JOIN areas p ON p.code = s.parent_code
        WHERE s.level = ${level} AND NOT EXISTS (SELECT 1 FROM areas e WHERE e.code = s.code)
        ORDER BY s.idx
        RETURNING id
      )
      SELECT (SELECT count(*)::int FROM inserted) AS inserted, (SELECT count(*)::int FROM updated) AS updated`);
    inserted += Number(done?.inserted ?? 0);
    updated += Number(done?.updated ?? 0);
  }
  if (inserted + updated !== expected) {
    throw new ImportError(`wrote ${inserted + updated} of ${expected} areas; nothing was imported`);
  }
  if (updated > 0) await refreshPaths(exec, areas);
  const rootless = areas.filter((a) => a.level !== 'city' && !parents.get(a.code)).map((a) => a.code);
  return { inserted, updated, byLevel, root: root ? { code: root.code, level: root.level, slivers } : null, rootless };
}

/**
 * The made root's outline, dissolved in PostGIS from its children: a
 * snap-rounded union (robust on both engines, and it merges borders that
 * differ by float noise), then every hole narrower than SLIVER_HALF_WIDTH_M is
 * closed: independently drawn neighbours leave thin gaps that would otherwise
 * become holes in the city. Returns how many were closed.
 */
async function dissolveRoot(exec: Exec, root: RootPlan, idx: number): Promise<number> {
  const [row] = await exec.rows<{ slivers: number; valid: boolean; reason: string | null; empty: boolean }>(sql`
    WITH u AS (
      SELECT ST_Union(geom, ${DISSOLVE_GRID}::float8) AS g, sum(population)::int AS population
      FROM import_areas WHERE parent_code = ${root.code}
    ),
    parts AS (SELECT (ST_Dump(g)).geom AS p FROM u),
    holes AS (
      SELECT parts.p, h.n, ST_InteriorRingN(parts.p, h.n) AS ring,
             ST_Area(ST_MakePolygon(ST_InteriorRingN(parts.p, h.n))::geography)
               / nullif(ST_Perimeter(ST_MakePolygon(ST_InteriorRingN(parts.p, h.n))::geography), 0) AS half_width
      FROM parts CROSS JOIN LATERAL generate_series(1, ST_NumInteriorRings(parts.p)) AS h(n)
    ),
    rebuilt AS (
      SELECT ST_MakePolygon(ST_ExteriorRing(parts.p),
               ARRAY(SELECT ring FROM holes WHERE holes.p = parts.p AND half_width >= ${SLIVER_HALF_WIDTH_M}::float8 ORDER BY n)) AS p
      FROM parts
    ),
    dissolved AS (SELECT ST_Multi(ST_Collect(p)) AS g FROM rebuilt),
    staged AS (
      INSERT INTO import_areas (idx, code, name, name_en, level, parent_code, population, households, geom)
      SELECT ${idx}::int, ${root.code}, ${root.name}, ${root.nameEn}, ${root.level}, NULL, u.population,
             round(u.population / ${PEOPLE_PER_HOUSEHOLD}::float8)::int, d.g
      FROM dissolved d, u
      RETURNING geom
    )
    SELECT (SELECT count(*)::int FROM holes WHERE half_width < ${SLIVER_HALF_WIDTH_M}::float8) AS slivers,
           ST_IsValid(geom) AS valid, CASE WHEN ST_IsValid(geom) THEN NULL ELSE ST_IsValidReason(geom) END AS reason,
           ST_IsEmpty(geom) AS empty
    FROM staged`);
  // No row at all is PGlite's silent GEOS failure (see checkGeometries): never read it as success.
  if (!row) throw new ImportError(`the database could not dissolve the outline of root ${root.code}; nothing was imported`);
  if (row.empty || row.valid !== true) {
    throw new ImportError(`the dissolved outline of root ${root.code} is ${row.empty ? 'empty' : `invalid: ${row.reason}`}; nothing was imported`);
  }
  return Number(row.slivers);
}

function resolveParent(
  area: ParsedArea,
  inFile: Map<string, ParsedArea>,
  inDb: Map<string, Existing>,
  cityRoots: Set<string>,
  madeRoot?: string,
): string | null {
  let code = area.parentCode;
  if (!code) {
    if (area.level === 'city') return null;
    if (area.level === 'district') return cityRoots.size === 1 ? ([...cityRoots][0] ?? null) : null;
    const prefix = area.code.slice(0, -3);
    if (area.code.length <= 3 || (!inFile.has(prefix) && !inDb.has(prefix))) {
      failOn(area, `no parent code given and no area ${prefix || '(none)'} to attach this ${area.level} to; map a parent code property or import the parent level first`);
    }
    code = prefix;
  }
  if (code === area.code) failOn(area, 'an area cannot be its own parent');
  const parentLevel = inFile.get(code)?.level ?? inDb.get(code)?.level;
  if (!parentLevel) {
    const hint = madeRoot ? '' : ` (to create it from this file's areas: --make-root ${code} --root-name <name>)`;
    failOn(area, `parent code ${code} not found in the file or the database${hint}`);
  }
  if (depth(parentLevel) >= depth(area.level)) {
    failOn(area, `parent ${code} is a ${parentLevel}; a ${area.level} must sit under a higher level`);
  }
  return code;
}

async function stage(exec: Exec, areas: ParsedArea[], parents: Map<string, string | null>): Promise<void> {
  await exec.rows(sql`DROP TABLE IF EXISTS pg_temp.import_areas`);
  await exec.rows(sql`
    CREATE TEMP TABLE import_areas (
      idx int PRIMARY KEY, code text NOT NULL, name text NOT NULL, name_en text, level text NOT NULL,
      parent_code text, population int, households int, geom geometry NOT NULL
    ) ON COMMIT DROP`);
  let chunk: ParsedArea[] = [];
  let vertices = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const payload = chunk.map((a) => ({
      idx: a.index,
      code: a.code,
      name: a.name,
      name_en: a.nameEn,
      level: a.level,
      parent_code: parents.get(a.code) ?? null,
      population: a.population,
      households: a.population === null ? null : Math.round(a.population / PEOPLE_PER_HOUSEHOLD),
      geometry: a.geometry,
    }));
    // GeoJSON has no SRID and may carry altitudes: both normalised here, once.
    await exec.rows(sql`
      INSERT INTO import_areas
      SELECT j.idx, j.code, j.name, j.name_en, j.level, j.parent_code, j.population, j.households,
             ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(j.geometry::text), 4326)))
      FROM json_to_recordset(${JSON.stringify(payload)}::json)
           AS j(idx int, code text, name text, name_en text, level text, parent_code text,
                population int, households int, geometry json)`);
    chunk = [];
    vertices = 0;
  };
  for (const area of areas) {
    if (vertices + area.vertices > CHUNK_VERTICES) await flush();
    chunk.push(area);
    vertices += area.vertices;
  }
  await flush();
}

/**
 * One row per feature is demanded back, not just the invalid ones: PGlite's
 * PostGIS can turn a failing GEOS call into an empty result without an error
 * (electric-sql/pglite#916), and silence must never read as "all valid".
 */
async function checkGeometries(exec: Exec, areas: ParsedArea[]): Promise<void> {
  const rows = await exec.rows<{ idx: number; valid: boolean; reason: string | null }>(sql`
    SELECT idx, ST_IsValid(geom) AS valid, CASE WHEN ST_IsValid(geom) THEN NULL ELSE ST_IsValidReason(geom) END AS reason
    FROM import_areas ORDER BY idx`);
  if (rows.length !== areas.length) {
    throw new ImportError(`the database checked ${rows.length} of ${areas.length} geometries; nothing was imported`);
  }
  const bad = rows.find((r) => r.valid !== true);
  if (bad) {
    const area = areas[Number(bad.idx)];
    if (area) failOn(area, `invalid geometry: ${bad.reason ?? 'rejected by ST_IsValid'}`);
  }
}

/** After updates, paths below a moved area are stale: rebuild them all from the roots, and refuse loops. */
async function refreshPaths(exec: Exec, areas: ParsedArea[]): Promise<void> {
  const unreachable = await exec.rows<{ code: string }>(sql`
    WITH RECURSIVE tree AS (
      SELECT id, ARRAY[code] AS path FROM areas WHERE parent_id IS NULL
      UNION ALL
      SELECT a.id, t.path || a.code FROM areas a JOIN tree t ON a.parent_id = t.id
    ), fixed AS (
      UPDATE areas SET path = tree.path FROM tree WHERE areas.id = tree.id AND areas.path IS DISTINCT FROM tree.path
      RETURNING areas.id
    )
    SELECT code FROM areas WHERE id NOT IN (SELECT id FROM tree) ORDER BY code LIMIT 1`);
  const looped = unreachable[0]?.code;
  if (looped) {
    const area = areas.find((a) => a.code === looped);
    const reason = `the parent chain of ${looped} loops back on itself`;
    if (area) failOn(area, reason);
    throw new ImportError(reason);
  }
}
