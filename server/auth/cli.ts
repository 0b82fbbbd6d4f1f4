/**
 * npm run users -- <command> [options]
 *
 *   add     --login L --name N --role R --area CODE [--password P]   create a user (random password if none);
 *                                                                     a grid_worker is linked to a responder in the area
 *   disable --login L                                                 disable a user, ending their sessions
 *   enable  --login L                                                 re-enable a user
 *   reset   --login L [--password P]                                  set a new password, ending their sessions
 *   token   --name N --area CODE | --revoke ID                        create (or revoke) a wall display token
 *   apikey  --name N --area CODE --channels c1,c2 | --disable ID | --enable ID
 *   list    [users|tokens|apikeys]                                    list accounts (all three by default)
 *   demo                                                              seed the demo accounts (not in production)
 *
 * Works on the database named by the environment (DATABASE_URL, else PGlite in
 * DATA_DIR), like db:seed. Secrets are printed once, here, and never again.
 * Every change is audited as `system:cli` with the OS user as its label.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { responderOfUser } from '../../db/queries/responders';
import { listUsers, findRootCodes, findUserByLogin } from '../../db/queries/users';
import { describeTarget, openDatabaseFromEnv } from '../../db/seed/env';
import { scopeOf, type Scope } from '../../db/scope';
import { CASE_CHANNELS, ROLES } from '../../db/vocab';
import { AppError } from '../errors';
import { createUser, setPassword, setUserEnabled } from './accounts';
import { createApiKey, listApiKeys, setApiKeyDisabled } from './api-keys';
import { cliBy } from './audit';
import { seedDemoAccounts } from './demo-accounts';
import { createDisplayToken, listDisplayTokens, revokeDisplayToken } from './display-tokens';
import { newSecret } from './secrets';

const USAGE = `usage: npm run users -- <command> [options]
  add     --login L --name N --role ${ROLES.join('|')} --area CODE [--password P]
  disable --login L
  enable  --login L
  reset   --login L [--password P]
  token   --name N --area CODE          (or: token --revoke ID)
  apikey  --name N --area CODE --channels ${CASE_CHANNELS.slice(0, 3).join(',')},…   (or: --disable ID | --enable ID)
  list    [users|tokens|apikeys]
  demo
A password left out is generated and printed once.`;

class UsageError extends Error {}

const login = z.string().trim().min(1, 'is required');
const area = z.string().regex(/^\d{6,15}$/, 'must be an area code (6–15 digits)');
const name = z.string().trim().min(1, 'is required').max(100);
const id = z.coerce.number().int().positive('must be a positive id');
const password = z.string().optional();

const schemas = {
  add: z.object({ login, name, role: z.enum(ROLES), area, password }).strict(),
  disable: z.object({ login }).strict(),
  enable: z.object({ login }).strict(),
  reset: z.object({ login, password }).strict(),
  token: z.union([z.object({ revoke: id }).strict(), z.object({ name, area }).strict()]),
  apikey: z.union([
    z.object({ disable: id }).strict(),
    z.object({ enable: id }).strict(),
    z
      .object({
        name,
        area,
        channels: z
          .string()
          .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
          .pipe(z.array(z.enum(CASE_CHANNELS)).min(1, 'needs at least one channel')),
      })
      .strict(),
  ]),
  list: z.object({}).strict(),
  demo: z.object({}).strict(),
} as const;
type Command = keyof typeof schemas;

function parse<C extends Command>(command: C, values: Record<string, unknown>): z.infer<(typeof schemas)[C]> {
  const given = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && k !== 'json'));
  const result = schemas[command].safeParse(given);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.path.length ? `--${i.path.join('.')} ${i.message}` : i.message));
    throw new UsageError(`${command}: ${problems.join('; ')}`);
  }
  return result.data as z.infer<(typeof schemas)[C]>;
}

/** The CLI acts for the whole installation: the scope is the root containing the target (normally the city). */
async function cityScope(database: Database): Promise<Scope> {
  const [root] = await findRootCodes(database);
  if (!root) throw new UsageError('the database has no areas: seed or import the city first (npm run db:seed)');
  return scopeOf(root);
}

async function userByLogin(database: Database, scope: Scope, value: string) {
  const user = await findUserByLogin(database, scope, value);
  if (!user) throw new UsageError(`no user with login "${value}"`);
  return user;
}

type Out = (human: string, data: unknown) => void;

async function run(database: Database, command: Command, values: Record<string, unknown>, positional: string[], out: Out): Promise<void> {
  const by = cliBy();
  const scope = await cityScope(database);
  switch (command) {
    case 'add': {
      const a = parse('add', values);
      const secret = a.password ?? newSecret(12);
      const user = await createUser(database, by, scope, { login: a.login, displayName: a.name, role: a.role, areaCode: a.area, password: secret });
      const responder = user.role === 'grid_worker' ? ((await responderOfUser(database, user.id)) ?? null) : undefined;
      out(
        `created user ${user.login} (id ${user.id}, ${user.role}, ${user.areaName} ${user.areaCode})` +
          (responder ? `\nlinked to responder ${responder.code} (${responder.name}, home grid ${responder.homeGrid})` : '') +
          (responder === null ? '\nno grid in the area: not linked to a responder' : '') +
          (a.password ? '' : `\npassword: ${secret}\n(shown once; the user should change it)`),
        { user, responder, password: a.password ? undefined : secret },
      );
      return;
    }
    case 'disable':
    case 'enable': {
      const a = parse(command, values);
      const user = await userByLogin(database, scope, a.login);
      const result = await setUserEnabled(database, by, scope, user.id, command === 'enable');
      out(`${command}d ${user.login}; sessions ended: ${result.revokedSessions.length}`, { user: result.user, revokedSessions: result.revokedSessions.length });
      return;
    }
    case 'reset': {
      const a = parse('reset', values);
      const user = await userByLogin(database, scope, a.login);
      const secret = a.password ?? newSecret(12);
      const result = await setPassword(database, by, scope, user.id, secret);
      out(
        `new password set for ${user.login}; sessions ended: ${result.revokedSessions.length}` + (a.password ? '' : `\npassword: ${secret}\n(shown once)`),
        { user: result.user, password: a.password ? undefined : secret, revokedSessions: result.revokedSessions.length },
      );
      return;
    }
    case 'token': {
      const a = parse('token', values);
      if ('revoke' in a) {
        const row = await revokeDisplayToken(database, by, scope, a.revoke);
        out(`revoked display token ${row.id} (${row.name})`, { display: row });
        return;
      }
      const { token, display } = await createDisplayToken(database, by, scope, { name: a.name, areaCode: a.area });
      out(`created display token ${display.id} (${display.name}, area ${display.areaCode})\ntoken: ${token}\nopen: /wall?display=${token}\n(shown once)`, {
        display,
        token,
      });
      return;
    }
    case 'apikey': {
      const a = parse('apikey', values);
      if ('disable' in a || 'enable' in a) {
        const target = 'disable' in a ? a.disable : a.enable;
        const row = await setApiKeyDisabled(database, by, scope, target, 'disable' in a);
        out(`${'disable' in a ? 'disabled' : 'enabled'} API client ${row.id} (${row.name})`, { client: row });
        return;
      }
      const { key, client } = await createApiKey(database, by, scope, { name: a.name, areaCode: a.area, channels: a.channels });
      out(`created API client ${client.id} (${client.name}, area ${client.areaCode}, channels ${client.channels.join(',')})\nkey: ${key}\n(shown once)`, {
        client,
        key,
      });
      return;
    }
    case 'list': {
      parse('list', values);
      const what = positional[0] ?? 'all';
      if (!['all', 'users', 'tokens', 'apikeys'].includes(what)) throw new UsageError(`list: unknown kind "${what}" (users, tokens or apikeys)`);
      const users = what === 'all' || what === 'users' ? await listUsers(database, scope) : undefined;
      const tokens = what === 'all' || what === 'tokens' ? await listDisplayTokens(database, scope) : undefined;
      const apikeys = what === 'all' || what === 'apikeys' ? await listApiKeys(database, scope) : undefined;
      const lines: string[] = [];
      if (users) {
        lines.push(`users (${users.length}):`);
        for (const u of users) lines.push(`  ${u.id}\t${u.login}\t${u.role}\t${u.areaCode} ${u.areaName}\t${u.disabled ? 'DISABLED' : 'active'}\t${u.displayName}`);
      }
      if (tokens) {
        lines.push(`display tokens (${tokens.length}):`);
        for (const t of tokens) lines.push(`  ${t.id}\t${t.name}\t${t.areaCode}\t${t.revokedAt ? 'REVOKED' : 'live'}\tlast seen ${t.lastSeenAt ?? 'never'}`);
      }
      if (apikeys) {
        lines.push(`API clients (${apikeys.length}):`);
        for (const c of apikeys) lines.push(`  ${c.id}\t${c.name}\thcm_${c.keyPrefix}_…\t${c.channels.join(',')}\t${c.areaCode}\t${c.disabled ? 'DISABLED' : 'active'}`);
      }
      out(lines.join('\n'), { users, tokens, apikeys });
      return;
    }
    case 'demo': {
      parse('demo', values);
      const summary = await seedDemoAccounts(database);
      out(`demo accounts: created ${summary.created.join(', ') || 'none'}; already there: ${summary.skipped.join(', ') || 'none'}`, summary);
      return;
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (!(command in schemas)) throw new UsageError(`unknown command "${command}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      login: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      area: { type: 'string' },
      password: { type: 'string' },
      channels: { type: 'string' },
      revoke: { type: 'string' },
      disable: { type: 'string' },
      enable: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: command === 'list',
    strict: true,
  });
  const json = values.json === true;
  const out: Out = (human, data) => console.log(json ? JSON.stringify(data, null, 2) : human);
  console.error(`npm run users: ${command} on ${describeTarget()}`);
  const database = await openDatabaseFromEnv();
  try {
    await run(database, command as Command, values, positionals, out);
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof AppError) console.error(`${error.code}: ${error.message}${error.details ? ` ${JSON.stringify(error.details)}` : ''}`);
  else console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = error instanceof UsageError || error instanceof AppError ? 2 : 1;
});
