import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import type { AreaLevel, Role } from '../vocab';

/** A user as the rest of the system sees it (never the password hash). */
export interface UserRow {
  id: number;
  login: string;
  displayName: string;
  role: Role;
  areaId: number;
  areaCode: string;
  areaName: string;
  /** Root-to-area codes of the user's jurisdiction. */
  areaPath: string[];
  disabled: boolean;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** For login only: the row with its hash. */
export interface UserCredentials extends UserRow {
  passwordHash: string;
}

const iso = (column: string) => sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const userColumns = sql`
  u.id, u.login, u.display_name AS "displayName", u.role, u.area_id AS "areaId",
  a.code AS "areaCode", a.name AS "areaName", a.path AS "areaPath", u.disabled,
  ${iso('u.password_changed_at')} AS "passwordChangedAt", ${iso('u.created_at')} AS "createdAt",
  ${iso('u.updated_at')} AS "updatedAt"`;

export interface NewUser {
  login: string;
  displayName: string;
  role: Role;
  areaId: number;
  passwordHash: string;
}

/** Inserts a user; undefined when the login (in any case) is taken. */
export async function insertUser(tx: Runner, user: NewUser): Promise<UserRow | undefined> {
  const [row] = await tx.rows<UserRow>(sql`
    WITH inserted AS (
      INSERT INTO users (login, display_name, role, area_id, password_hash)
      VALUES (${user.login}, ${user.displayName}, ${user.role}, ${user.areaId}::int, ${user.passwordHash})
      ON CONFLICT (lower(login)) DO NOTHING
      RETURNING *
    )
    SELECT ${userColumns} FROM inserted u JOIN areas a ON a.id = u.area_id`);
  return row;
}

/** Login lookup (case-insensitive), with the hash. Not scoped: the login itself is the question. */
export async function findUserCredentials(db: Runner, login: string): Promise<UserCredentials | undefined> {
  const [row] = await db.rows<UserCredentials>(sql`
    SELECT ${userColumns}, u.password_hash AS "passwordHash"
    FROM users u JOIN areas a ON a.id = u.area_id WHERE lower(u.login) = lower(${login})`);
  return row;
}

/** One user, only if their jurisdiction lies within the scope (outside → undefined, like unknown). */
export async function findUser(db: Runner, scope: Scope, id: number): Promise<UserRow | undefined> {
  const [row] = await db.rows<UserRow>(sql`
    SELECT ${userColumns} FROM users u JOIN areas a ON a.id = u.area_id
    WHERE u.id = ${id}::int AND ${inScope(sql`a.path`, scope)}`);
  return row;
}

export async function findUserByLogin(db: Runner, scope: Scope, login: string): Promise<UserRow | undefined> {
  const [row] = await db.rows<UserRow>(sql`
    SELECT ${userColumns} FROM users u JOIN areas a ON a.id = u.area_id
    WHERE lower(u.login) = lower(${login}) AND ${inScope(sql`a.path`, scope)}`);
  return row;
}

/** Users whose jurisdiction lies within the scope, by login. */
export async function listUsers(db: Runner, scope: Scope): Promise<UserRow[]> {
  return db.rows<UserRow>(sql`
    SELECT ${userColumns} FROM users u JOIN areas a ON a.id = u.area_id
    WHERE ${inScope(sql`a.path`, scope)} ORDER BY lower(u.login)`);
}

export async function updatePasswordHash(tx: Runner, id: number, passwordHash: string, at: Date): Promise<boolean> {
  const rows = await tx.rows<{ id: number }>(sql`
    UPDATE users SET password_hash = ${passwordHash}, password_changed_at = ${at.toISOString()}::timestamptz,
                     updated_at = ${at.toISOString()}::timestamptz
    WHERE id = ${id}::int RETURNING id`);
  return rows.length > 0;
}

export async function setUserDisabled(tx: Runner, id: number, disabled: boolean, at: Date): Promise<boolean> {
  const rows = await tx.rows<{ id: number }>(sql`
    UPDATE users SET disabled = ${disabled}, updated_at = ${at.toISOString()}::timestamptz
    WHERE id = ${id}::int RETURNING id`);
  return rows.length > 0;
}

/** An area's id and path by code, if it lies within the scope. */
export async function findAreaInScope(
  db: Runner,
  scope: Scope,
  code: string,
): Promise<{ id: number; code: string; name: string; path: string[] } | undefined> {
  const [row] = await db.rows<{ id: number; code: string; name: string; path: string[] }>(sql`
    SELECT id, code, name, path FROM areas WHERE code = ${code} AND ${inScope(sql`path`, scope)}`);
  return row;
}

/** The first area (by code) of a level within the scope: e.g. "a street of 南明区" for the demo accounts. */
export async function findFirstAreaInScope(
  db: Runner,
  scope: Scope,
  level: AreaLevel,
): Promise<{ id: number; code: string; name: string; path: string[] } | undefined> {
  const [row] = await db.rows<{ id: number; code: string; name: string; path: string[] }>(sql`
    SELECT id, code, name, path FROM areas WHERE level = ${level} AND ${inScope(sql`path`, scope)} ORDER BY code LIMIT 1`);
  return row;
}

/** Codes of the root areas (normally one: the city). */
export async function findRootCodes(db: Runner): Promise<string[]> {
  const rows = await db.rows<{ code: string }>(sql`SELECT code FROM areas WHERE parent_id IS NULL ORDER BY code`);
  return rows.map((r) => r.code);
}
