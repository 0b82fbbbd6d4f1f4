/**
 * npm run db:export -- --level district [--within 520100] [--simplify 0.0001] [--out districts.geojson]
 * Writes the areas of one level (city, district, street, community or grid) as
 * an RFC 7946 FeatureCollection (WGS84, right-hand winding): the same document
 * GET /api/areas serves, from the database named by the environment.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { findAreaFeatures, findRootAreas } from '../queries/areas';
import type { AreaCollection } from '../records';
import { scopeOf } from '../scope';
import { AREA_LEVELS, type AreaLevel } from '../vocab';
import { describeTarget, openDatabaseFromEnv } from '../seed/env';

const USAGE = 'usage: tsx db/export/cli.ts --level city|district|street|community|grid [--within CODE] [--simplify DEG] [--out FILE]';

/** Far above any city (the demo has ~3,700 grids); keeps one bound on the document. */
const MAX_FEATURES = 1_000_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      level: { type: 'string' },
      within: { type: 'string' },
      simplify: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const level = values.level;
  if (!level || !(AREA_LEVELS as readonly string[]).includes(level)) throw new Error(`--level must be one of ${AREA_LEVELS.join(', ')}\n${USAGE}`);
  if (values.within !== undefined && !/^\d{6,15}$/.test(values.within)) throw new Error(`--within must be an area code (digits)\n${USAGE}`);
  const simplify = values.simplify === undefined ? undefined : Number(values.simplify);
  if (simplify !== undefined && !(simplify >= 0 && simplify <= 0.1)) throw new Error(`--simplify must be a number of degrees in [0, 0.1]\n${USAGE}`);
  console.error(`exporting ${level} areas from ${describeTarget()}…`);
  const database = await openDatabaseFromEnv();
  try {
    // An operator's tool: the whole database unless --within names one area (every root otherwise).
    const scopes = values.within ? [scopeOf(values.within)] : (await findRootAreas(database)).map((r) => scopeOf(r.code));
    const collection: AreaCollection = { type: 'FeatureCollection', features: [] };
    for (const scope of scopes) {
      const part = await findAreaFeatures(database, scope, { level: level as AreaLevel, ...(simplify ? { simplify } : {}), limit: MAX_FEATURES });
      collection.features.push(...part.features);
    }
    const text = `${JSON.stringify(collection)}\n`;
    if (values.out) {
      await writeFile(values.out, text);
      console.error(`wrote ${collection.features.length} features to ${values.out}`);
    } else {
      process.stdout.write(text);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
