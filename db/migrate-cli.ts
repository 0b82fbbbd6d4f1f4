import { openDatabase } from './client';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite in DATA_DIR. */
const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR });
console.log(`migrations applied (${database.kind})`);
await database.close();
