import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { AppError, classifyDatabaseError, toHttp } from '../errors';
import type { Logger } from '../logger';

const gzip = promisify(gzipCallback);

export interface ApiRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** Reads and parses a JSON body of at most `limitBytes`; 413/415/400 as AppError. */
  json(limitBytes: number): Promise<unknown>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: ApiRequest) => Promise<ApiResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** A deliberately small router for /api: method + path with :params, JSON in and out. */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly log: Logger) {}

  add(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  /** Returns false when no route matches the path (the caller hands it to Next). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const all = this.routes.filter((r) => r.pattern.test(url.pathname));
    if (all.length === 0) return false;
    // A literal path (/api/cases/batch) outranks a parameterised one (/api/cases/:id).
    const literal = all.filter((r) => r.keys.length === 0);
    const matches = literal.length > 0 ? literal : all;
    const route = matches.find((r) => r.method === req.method);
    try {
      if (!route) {
        throw new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`, {
          allow: matches.map((r) => r.method),
        });
      }
      const found = route.pattern.exec(url.pathname)!;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(found[i + 1]!)]));
      const response = await route.handler({
        method: req.method ?? 'GET',
        url,
        params,
        headers: req.headers,
        json: (limit) => readJson(req, limit),
      });
      await send(req, res, response);
    } catch (error) {
      if (!(error instanceof AppError) && !classifyDatabaseError(error)) {
        this.log.error({ err: error, method: req.method, path: url.pathname }, 'request failed');
      }
      // issue-5: toHttp also maps database outages (503 UNAVAILABLE + Retry-After) and timeouts.
      const { status, body, headers: errorHeaders } = toHttp(error);
      // After an oversize body we stop reading; closing the connection avoids draining it.
      const headers = status === 413 ? { connection: 'close', ...errorHeaders } : errorHeaders;
      await send(req, res, { status, body, headers });
    }
    return true;
  }
}

async function send(req: IncomingMessage, res: ServerResponse, response: ApiResponse): Promise<void> {
  let payload: Buffer = Buffer.from(JSON.stringify(response.body));
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...response.headers,
  };
  if (payload.length > 2048 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    payload = await gzip(payload);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type application/json, got ${type || 'none'}`);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw new AppError('PAYLOAD_TOO_LARGE', `body of ${declared} bytes exceeds the limit of ${limitBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `body exceeds the limit of ${limitBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AppError('BAD_JSON', 'request body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('BAD_JSON', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
