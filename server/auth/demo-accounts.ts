import type { Database } from '../../db/client';
import { displayTokenHashExists, findApiClientByPrefix } from '../../db/queries/credentials';
import { findAreaInScope, findFirstAreaInScope, findRootCodes, findUserByLogin } from '../../db/queries/users';
import { scopeOf } from '../../db/scope';
import { createApiKey } from './api-keys';
import { createUser } from './accounts';
import { linkResponder } from './responder-link';
import type { AuditBy } from './audit';
import {
  DEMO_API_NAME,
  DEMO_API_PREFIX,
  DEMO_API_SECRET,
  DEMO_OPEN311_NAME,
  DEMO_OPEN311_PREFIX,
  DEMO_OPEN311_SECRET,
  DEMO_DISPLAY_NAME,
  DEMO_DISPLAY_TOKEN,
  DEMO_USERS,
  NANMING,
  demoAllowed,
} from './demo-secrets';
import { createDisplayToken } from './display-tokens';
import { sha256Hex } from './secrets';

export class DemoRefusedError extends Error {
  override name = 'DemoRefusedError';
  constructor() {
    super('refusing to create the demo accounts (their passwords are public) with NODE_ENV=production; set DEMO=1 for a demo');
  }
}

export interface DemoSeedSummary {
  created: string[];
  skipped: string[];
}

const SEED_BY: AuditBy = { actor: 'system:demo-seed', actorLabel: 'demo seed', ip: null };

/**
 * Seeds the demo accounts, display token and API key into a database that holds
 * the demo city (or the test fixture city: both have 南明区 = 520102). Idempotent:
 * anything that exists already (by login, token hash or key prefix) is left as it
 * is, never reset or re-enabled. The demo grid worker (nm-grid) is linked to a
 * responder based in its street (server/auth/responder-link.ts), also when the
 * account existed already. Refused in production unless DEMO=1.
 */
export async function seedDemoAccounts(
  database: Database,
  env: Record<string, string | undefined> = process.env,
): Promise<DemoSeedSummary> {
  if (!demoAllowed(env)) throw new DemoRefusedError();
  const [root] = await findRootCodes(database);
  if (!root) throw new Error('no city in the database: seed the demo city first');
  const city = scopeOf(root);
  const nanming = await findAreaInScope(database, city, NANMING);
  const street = nanming ? await findFirstAreaInScope(database, scopeOf(NANMING), 'street') : undefined;
  const summary: DemoSeedSummary = { created: [], skipped: [] };

  for (const user of DEMO_USERS) {
    const areaCode = user.area === 'city' ? root : user.area === 'nanming' ? nanming?.code : street?.code;
    if (!areaCode) {
      summary.skipped.push(`${user.login} (no ${user.area} area)`);
      continue;
    }
    const existing = await findUserByLogin(database, city, user.login);
    if (existing) {
      // Accounts seeded before grid workers had responders get linked now (a no-op once linked).
      await database.transaction((tx) => linkResponder(tx, SEED_BY, existing));
      summary.skipped.push(user.login);
      continue;
    }
    await createUser(database, SEED_BY, city, { ...user, areaCode });
    summary.created.push(user.login);
  }

  if (await displayTokenHashExists(database, sha256Hex(DEMO_DISPLAY_TOKEN))) summary.skipped.push('display token');
  else {
    await createDisplayToken(database, SEED_BY, city, { name: DEMO_DISPLAY_NAME, areaCode: root }, DEMO_DISPLAY_TOKEN);
    summary.created.push('display token');
  }

  if (await findApiClientByPrefix(database, DEMO_API_PREFIX)) summary.skipped.push('api key');
  else {
    await createApiKey(
      database,
      SEED_BY,
      city,
      { name: DEMO_API_NAME, areaCode: root, channels: ['hotline_12345'] },
      { prefix: DEMO_API_PREFIX, secret: DEMO_API_SECRET },
    );
    summary.created.push('api key');
  }

  if (await findApiClientByPrefix(database, DEMO_OPEN311_PREFIX)) summary.skipped.push('open311 key');
  else {
    await createApiKey(
      database,
      SEED_BY,
      city,
      { name: DEMO_OPEN311_NAME, areaCode: root, channels: ['open311'] },
      { prefix: DEMO_OPEN311_PREFIX, secret: DEMO_OPEN311_SECRET },
    );
    summary.created.push('open311 key');
  }
  return summary;
}
