/**
 * npm run db:import -- <file.geojson> [--level grid | --level-prop level] [--code-prop code]
 *   [--name-prop name] [--name-en-prop name_en] [--parent-prop parent_code] [--population-prop population]
 *   [--datum wgs84|gcj02|bd09] [--make-root CODE --root-name NAME [--root-name-en NAME]] [--replace]
 * Loads a GeoJSON FeatureCollection of area polygons into the database named by
 * the environment (see db/seed/env.ts). Prints the summary, or the reason the
 * file was refused on stderr with exit code 1; a refused file writes nothing.
 * Property names may be dotted paths (--parent-prop parent.adcode for DataV files).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AREA_LEVELS, type AreaLevel } from '../vocab';
import { describeTarget, openDatabaseFromEnv } from '../seed/env';
import { importAreas } from './areas';
import { DATUMS, type Datum } from './datum';
import { ImportError } from './errors';
import { LIMITS, parseAreaFile, type AreaMapping } from './geojson';

const USAGE =
  'usage: tsx db/import/cli.ts <file.geojson> [--level grid | --level-prop level] [--code-prop code] [--name-prop name]\n' +
  '       [--name-en-prop name_en] [--parent-prop parent_code] [--population-prop population]\n' +
  '       [--datum wgs84|gcj02|bd09] [--make-root CODE --root-name NAME [--root-name-en NAME]] [--replace]\n' +
  'DataV GeoAtlas district file: --code-prop adcode --parent-prop parent.adcode --datum gcj02 --make-root 520100 --root-name 贵阳市';

function isLevel(value: string): value is AreaLevel {
  return (AREA_LEVELS as readonly string[]).includes(value);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      level: { type: 'string' },
      'level-prop': { type: 'string' },
      'code-prop': { type: 'string', default: 'code' },
      'name-prop': { type: 'string', default: 'name' },
      'name-en-prop': { type: 'string' },
      'parent-prop': { type: 'string' },
      'population-prop': { type: 'string' },
      datum: { type: 'string' },
      'make-root': { type: 'string' },
      'root-name': { type: 'string' },
      'root-name-en': { type: 'string' },
      replace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error(`give exactly one GeoJSON file\n${USAGE}`);
  if (values.level !== undefined && !isLevel(values.level)) {
    throw new Error(`--level must be one of ${AREA_LEVELS.join(', ')}, got "${values.level}"`);
  }
  const datum = values.datum;
  if (datum !== undefined && !(DATUMS as readonly string[]).includes(datum)) {
    throw new Error(`--datum must be one of ${DATUMS.join(', ')}, got "${datum}"`);
  }
  if (values['make-root'] !== undefined && !values['root-name']) throw new Error(`--make-root needs --root-name\n${USAGE}`);
  if (values['make-root'] === undefined && values['root-name'] !== undefined) throw new Error(`--root-name needs --make-root\n${USAGE}`);
  const mapping: AreaMapping = {
    ...(datum ? { datum: datum as Datum } : {}),
    codeProp: values['code-prop'],
    nameProp: values['name-prop'],
    ...(values.level ? { level: values.level } : { levelProp: values['level-prop'] ?? 'level' }),
    ...(values['name-en-prop'] ? { nameEnProp: values['name-en-prop'] } : {}),
    ...(values['parent-prop'] ? { parentCodeProp: values['parent-prop'] } : {}),
    ...(values['population-prop'] ? { populationProp: values['population-prop'] } : {}),
  };
  const { size } = await stat(file);
  if (size > LIMITS.bytes) throw new ImportError(`${file} is ${size} bytes; at most ${LIMITS.bytes}`);
  const text = await readFile(file, 'utf8');
  // A malformed file is refused before a database is even opened.
  parseAreaFile(text, mapping);
  console.error(`importing ${file} into ${describeTarget()}…`);
  const database = await openDatabaseFromEnv();
  try {
    const makeRoot = values['make-root']
      ? { code: values['make-root'], name: values['root-name'] ?? '', nameEn: values['root-name-en'] ?? null }
      : undefined;
    const summary = await importAreas(database, text, mapping, { replace: values.replace, ...(makeRoot ? { makeRoot } : {}) });
    for (const warning of summary.warnings) console.error(`warning: ${warning}`);
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await database.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const prefix = error instanceof ImportError ? 'import refused: ' : 'import failed: ';
    console.error(prefix + (error instanceof Error ? error.message : String(error)));
    process.exitCode = 1;
  },
);
