/**
 * npm run db:seed -- [--seed N] [--scale X] [--replace]
 *   Builds the demo city in the database named by the environment (see env.ts).
 * npm run db:seed -- --within-imported [--seed N] [--scale X]
 *   Generates streets, communities and unit grids inside imported real districts (within.ts).
 */
import { parseArgs } from 'node:util';
import { seedDemoCity } from './city';
import { describeTarget, openDatabaseFromEnv } from './env';
import { seedWithinImported } from './within';

const USAGE = 'usage: tsx db/seed/cli.ts [--seed N] [--scale X] [--replace]\n       tsx db/seed/cli.ts --within-imported [--seed N] [--scale X]';

function parseNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"\n${USAGE}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      scale: { type: 'string' },
      replace: { type: 'boolean', default: false },
      'within-imported': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = parseNumber(values.seed, 'seed', 1);
  const scale = parseNumber(values.scale, 'scale', 1);
  if (values['within-imported']) {
    if (values.replace) throw new Error(`--replace does not apply to --within-imported\n${USAGE}`);
    console.error(`seeding streets, communities and grids inside imported districts (seed ${seed}, scale ${scale}) into ${describeTarget()}…`);
    const database = await openDatabaseFromEnv();
    try {
      console.log(JSON.stringify(await seedWithinImported(database, { seed, scale }), null, 2));
    } finally {
      await database.close();
    }
    return;
  }
  console.error(`seeding demo city (seed ${seed}, scale ${scale}) into ${describeTarget()}…`);
  const database = await openDatabaseFromEnv();
  try {
    const summary = await seedDemoCity(database, { seed, scale, replace: values.replace });
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
