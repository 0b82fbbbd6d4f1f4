import type { Context } from 'hono';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { Action } from '../auth/permissions';
import type { AppContext } from '../services/context';
import type { BodyKind } from './body';

/**
 * Routes declare; middleware enforces (STYLE 18). Each route states in one object
 * its method and path, who may call it (`access`: an action from the permission
 * table, or 'public'), its zod schemas for params, query and body, and its
 * OpenAPI text. Authentication, permission, parsing, errors and the OpenAPI
 * document are applied around it by mountRoutes — never re-written inside.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Access = 'public' | Action;

export interface BodySpec<B> {
  schema: z.ZodType<B>;
  /** Hard cap in bytes; larger bodies are refused with 413 before parsing. */
  limit: number;
  kind?: BodyKind;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface RouteInput<Q, P, B, A extends Access> {
  query: Q;
  params: P;
  body: B;
  /** Who is asking: always present on routes that declare an action; null on a public route when nobody is signed in. */
  actor: A extends 'public' ? Actor | null : Actor;
  ctx: AppContext;
  c: Context;
  /** The client's address as the server saw it (for throttling and the audit log). */
  ip: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<Q, P, B, A extends Access> {
  method: Method;
  /** OpenAPI-style path under /api, e.g. `/api/cases/{id}`. */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  access: A;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  body?: BodySpec<B>;
  responses: Record<number, ResponseSpec>;
  handle(input: RouteInput<Q, P, B, A>): Promise<Reply | Response>;
}

// Erased for the route table; defineRoute keeps each route's own types while it is written.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, Access>;

export function defineRoute<Q = undefined, P = undefined, B = undefined, A extends Access = Access>(
  spec: RouteSpec<Q, P, B, A>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** `/api/cases/{id}` → `/api/cases/:id` (Hono's syntax). */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** A matcher for the path alone, used to answer 405 with the methods the path does allow. */
export function pathPattern(path: string): RegExp {
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, '[^/]+');
  return new RegExp(`^${source}/?$`);
}
