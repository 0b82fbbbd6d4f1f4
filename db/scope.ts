import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

declare const scopeBrand: unique symbol;

/**
 * A jurisdiction: the code of one area, any level from the city to a unit grid.
 * Every read in db/queries takes one, and it cannot be null: "the whole city" is
 * the city's code. Only the auth layer makes scopes (from a verified actor), so a
 * forgotten scope is a type error rather than a city-wide answer.
 */
export interface Scope {
  readonly code: string;
  readonly [scopeBrand]: true;
}

/** Brands an area code as a scope. Call it only where the code comes from a verified actor or a checked narrowing. */
export function scopeOf(code: string): Scope {
  if (!/^\d{6,15}$/.test(code)) throw new Error(`not an area code: ${code}`);
  return { code } as Scope;
}

/**
 * `area_codes` columns hold the path of codes from the root down to the row's
 * deepest area, so "inside this scope" is one array-contains test (GIN-indexed).
 */
export function inScope(areaCodes: SQLWrapper, scope: Scope): SQL {
  return sql`${areaCodes} @> ARRAY[${scope.code}::text]`;
}
