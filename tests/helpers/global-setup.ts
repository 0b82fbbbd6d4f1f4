import { ADMIN_URL, DB_KINDS } from './db';
import { pgliteTemplate, postgresTemplate } from './db-templates';

/** Vitest global setup: the migrated template databases, made once before the workers start. */
export default async function setup(): Promise<void> {
  if (DB_KINDS.includes('pglite')) await pgliteTemplate();
  if (DB_KINDS.includes('postgres')) await postgresTemplate(ADMIN_URL);
}
