import type { Database } from '../../db/client';
import { findRootAreas } from '../../db/queries/areas';
import { findUserByLogin } from '../../db/queries/users';
import { scopeOf } from '../../db/scope';
import type { Role } from '../../db/vocab';
import { createUser } from '../../server/auth/accounts';
import { createApiKey } from '../../server/auth/api-keys';
import { cliBy } from '../../server/auth/audit';
import { createDisplayToken } from '../../server/auth/display-tokens';
import type { CaseChannel } from '../../server/protocol/vocab';

/** Test principals are created through the same services the admin CLI uses. */
export const TEST_PASSWORD = 'test-Passw0rd-harmony';

async function rootScope(database: Database) {
  const [root] = await findRootAreas(database);
  if (!root) throw new Error('test principals need areas: insert the fixture city first');
  return scopeOf(root.code);
}

export async function ensureUser(database: Database, login: string, role: Role, areaCode?: string): Promise<void> {
  const root = await rootScope(database);
  if (await findUserByLogin(database, root, login)) return;
  await createUser(database, cliBy(), root, { login, displayName: login, role, areaCode: areaCode ?? root.code, password: TEST_PASSWORD });
}

export async function makeApiKey(database: Database, name: string, areaCode: string, channels: CaseChannel[]): Promise<string> {
  const created = await createApiKey(database, cliBy(), await rootScope(database), { name, areaCode, channels });
  return created.key;
}

export async function makeDisplayToken(database: Database, name: string, areaCode: string): Promise<string> {
  return (await createDisplayToken(database, cliBy(), await rootScope(database), { name, areaCode })).token;
}

/** Signs in over REST and returns the Cookie header value for later requests and sockets. */
export async function signIn(base: string, login: string, password = TEST_PASSWORD): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${login} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hcm_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}
