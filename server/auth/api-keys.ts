import type { Database, Runner } from '../../db/client';
import {
  findApiClientByPrefix,
  insertApiClient,
  listApiClients as listApiClientRows,
  setApiClientDisabled,
  touchApiClient,
  type ApiClientRow,
} from '../../db/queries/credentials';
import { findAreaInScope } from '../../db/queries/users';
import { scopeOf, type Scope } from '../../db/scope';
import { CASE_CHANNELS, type CaseChannel } from '../../db/vocab';
import type { Actor } from './actor';
import { audit, type AuditBy } from './audit';
import { systemClock, type Clock } from './clock';
import { refusedAsDemo } from './demo-secrets';
import { conflict, invalid, notFound } from './errors';
import { newPublicId, newSecret, sameDigest, sha256Hex } from './secrets';

/**
 * API keys of intake clients: `hcm_<prefix>_<secret>`. The prefix (8–16 lowercase
 * letters/digits) is public and finds the row; the secret is 32 random bytes
 * (base64url). Only SHA-256 of the whole key is stored, compared in constant time.
 * A fast hash is right because the key has 256 bits of entropy: there is no
 * dictionary to try, so argon2's cost would buy nothing and cost every request.
 */
export const API_KEY_PATTERN = /^hcm_([a-z0-9]{8,16})_([A-Za-z0-9_-]{43})$/;
const TOUCH_EVERY_MS = 60_000;

export type ApiClientActor = Extract<Actor, { kind: 'api_client' }>;

export interface CreatedApiKey {
  /** The whole key, shown once. */
  key: string;
  client: ApiClientRow;
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = API_KEY_PATTERN.exec(key);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export async function createApiKey(
  database: Database,
  by: AuditBy,
  scope: Scope,
  input: { name: string; areaCode: string; channels: readonly CaseChannel[] },
  /** Only the demo seed passes fixed parts (derived from its demo key). */
  fixed?: { prefix: string; secret: string },
): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw invalid('client name must be 1–100 characters');
  const channels = [...new Set(input.channels)];
  const unknown = channels.filter((c) => !(CASE_CHANNELS as readonly string[]).includes(c));
  if (channels.length === 0 || unknown.length > 0) {
    throw invalid(`channels must be one or more of ${CASE_CHANNELS.join(', ')}`, { unknown });
  }
  const prefix = fixed?.prefix ?? newPublicId();
  const key = `hcm_${prefix}_${fixed?.secret ?? newSecret()}`;
  if (!parseApiKey(key)) throw invalid('malformed API key parts');
  return database.transaction(async (tx) => {
    const area = await findAreaInScope(tx, scope, input.areaCode);
    if (!area) throw notFound('area', input.areaCode);
    const client = await insertApiClient(tx, { name, keyPrefix: prefix, keyHash: sha256Hex(key), channels, areaId: area.id });
    if (!client) throw conflict(`an API client with key prefix ${prefix} exists`);
    await audit(tx, by, {
      action: 'api_clients.create',
      targetType: 'api_client',
      targetId: client.id,
      areaCodes: area.path,
      outcome: 'ok',
      details: { name, area: area.code, channels, prefix },
    });
    return { key, client };
  });
}

/** Key → the API client actor, or null when malformed, unknown, wrong or disabled. */
export async function resolveApiKey(db: Runner, key: string, clock: Clock = systemClock): Promise<ApiClientActor | null> {
  const parts = parseApiKey(key);
  if (!parts || refusedAsDemo(key)) return null;
  const row = await findApiClientByPrefix(db, parts.prefix);
  if (!row || !sameDigest(row.keyHash, sha256Hex(key)) || row.disabled) return null;
  const now = clock();
  if (row.lastUsedMs === null || now.getTime() - row.lastUsedMs >= TOUCH_EVERY_MS) await touchApiClient(db, row.id, now);
  return { kind: 'api_client', id: row.id, name: row.name, role: 'api_client', scope: scopeOf(row.areaCode), channels: row.channels };
}

export async function setApiKeyDisabled(database: Database, by: AuditBy, scope: Scope, id: number, disabled: boolean): Promise<ApiClientRow> {
  return database.transaction(async (tx) => {
    const row = await setApiClientDisabled(tx, scope, id, disabled);
    if (!row) throw notFound('API client', id);
    await audit(tx, by, {
      action: disabled ? 'api_clients.disable' : 'api_clients.enable',
      targetType: 'api_client',
      targetId: id,
      areaCodes: row.areaPath,
      outcome: 'ok',
    });
    return row;
  });
}

export function listApiKeys(db: Runner, scope: Scope): Promise<ApiClientRow[]> {
  return listApiClientRows(db, scope);
}
