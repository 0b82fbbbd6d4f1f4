import type { AreaCollection, ClientConfig, Snapshot } from '../../server/protocol/rest';
import type { AreaLevel, Layer } from '../../server/protocol/vocab';
import type { BBox } from './coords';
import { credentialRefused, isLeaving, pageRequestsAllowed } from './session';

/**
 * The browser's REST calls, same origin. Responses are our own server's, typed by
 * server/protocol/rest.ts; a non-2xx answer becomes an ApiRequestError, and a 401
 * also sends the page to /login?next=<this page>.
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's `details` (e.g. a VERSION_CONFLICT's `{ current, last }`). */
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

async function answer<T>(response: Response): Promise<T> {
  if (!response.ok) {
    let code = 'HTTP_ERROR';
    let message = `${response.status} ${response.statusText}`;
    let details: unknown = null;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
      details = body.error?.details ?? null;
    } catch {
      // Not JSON (a proxy's error page): keep the status line.
    }
    // The credential is gone (signed out elsewhere, expired, revoked): the page shows the server's reason and leaves.
    if (response.status === 401) credentialRefused(details);
    throw new ApiRequestError(response.status, code, message, details);
  }
  return (await response.json()) as T;
}

/** GET a JSON answer of our own server; a non-2xx answer throws ApiRequestError. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  await pageRequestsAllowed(signal);
  return answer<T>(await fetch(path, { signal, headers: { accept: 'application/json' } }));
}

/** POST a JSON body; a non-2xx answer throws ApiRequestError (with the error's details). */
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  await pageRequestsAllowed(signal);
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      signal,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

export function fetchConfig(signal?: AbortSignal): Promise<ClientConfig> {
  return getJson<ClientConfig>('/api/config', signal);
}

/**
 * What shared screens (the wall, the leader view) read: appeals only in aggregate
 * (hotspots and k-suppressed density), never the `appeals` layer of individual appeals.
 */
export const SHARED_SCREEN_LAYERS: readonly Layer[] = ['incidents', 'hotspots', 'alerts'];

export function fetchSnapshot(
  options: { area?: string | null; appealHours: number; layers?: readonly Layer[] },
  signal?: AbortSignal,
): Promise<Snapshot> {
  const layers = options.layers ?? SHARED_SCREEN_LAYERS;
  const params = new URLSearchParams({ layers: layers.join(','), appealHours: String(options.appealHours) });
  if (options.area) params.set('area', options.area);
  return getJson<Snapshot>(`/api/snapshot?${params}`, signal);
}

export function fetchAreas(
  query: { level: AreaLevel; bbox?: BBox; simplify?: number; within?: string },
  signal?: AbortSignal,
): Promise<AreaCollection> {
  const params = new URLSearchParams({ level: query.level });
  if (query.bbox) params.set('bbox', query.bbox.map((v) => v.toFixed(5)).join(','));
  if (query.simplify) params.set('simplify', String(query.simplify));
  if (query.within) params.set('within', query.within);
  return getJson<AreaCollection>(`/api/areas?${params}`, signal);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** An error no retry can fix: the caller is not signed in (the page is leaving for /login). */
export function isUnauthenticated(error: unknown): boolean {
  return (error instanceof ApiRequestError && error.status === 401) || isLeaving();
}

/**
 * Calls `load` until it succeeds, again every `retryMs` after a failure (the
 * server may be restarting), and hands the result to `onLoaded`. Returns the
 * effect cleanup: it aborts the request in flight and any pending retry.
 */
export function loadWithRetry<T>(load: (signal: AbortSignal) => Promise<T>, onLoaded: (value: T) => void, retryMs: number): () => void {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = () => {
    load(abort.signal).then(onLoaded, (error: unknown) => {
      if (!abort.signal.aborted && !isAbort(error) && !isUnauthenticated(error)) timer = setTimeout(attempt, retryMs);
    });
  };
  attempt();
  return () => {
    abort.abort();
    clearTimeout(timer);
  };
}
