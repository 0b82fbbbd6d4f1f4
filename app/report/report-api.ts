'use client';

import type { MyTasks } from '../../server/protocol/rest';
import { credentialRefused, pageRequestsAllowed } from '../lib/session';
import type { ApiResult, OutboxApi, PhotoMediaType } from './outbox';

/**
 * The report app's REST calls. They never throw for HTTP or network failures:
 * every answer is an ApiResult the outbox can judge (no answer → network). A 401
 * sends the page to the login page; the queue stays in IndexedDB for the next
 * sign-in of the same worker.
 */
const JSON_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 120_000;

async function call<T>(path: string, init: RequestInit, timeoutMs: number): Promise<ApiResult<T>> {
  let response: Response;
  try {
    await pageRequestsAllowed(init.signal);
    response = await fetch(path, { credentials: 'same-origin', ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch {
    return { ok: false, network: true };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a proxy's error page, or the connection dropped mid-body.
    if (response.ok) return { ok: false, network: true };
  }
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (response.status === 401) credentialRefused(error?.details ?? null);
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    ok: false,
    network: false,
    status: response.status,
    code: error?.code ?? `HTTP_${response.status}`,
    message: error?.message ?? response.statusText,
    details: error?.details ?? null,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
  };
}

function postJson<T>(path: string, body: unknown): Promise<ApiResult<T>> {
  return call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }, JSON_TIMEOUT_MS);
}

export const reportApi: OutboxApi = {
  uploadPhoto: (blob: Blob, mediaType: PhotoMediaType) =>
    call('/api/photos', { method: 'POST', headers: { 'content-type': mediaType, accept: 'application/json' }, body: blob }, UPLOAD_TIMEOUT_MS),
  createCase: (body) => postJson('/api/cases', body),
  transition: (caseId, body) => postJson(`/api/cases/${caseId}/transitions`, body),
};

export interface StatusChanged {
  responder: { id: number; status: string; previous: string; at: string; homeGrid: string | null };
}

/** Go on or off duty (PUT /api/me/status). Not queued offline: the switch says it could not be changed. */
export function putMyStatus(status: 'on_duty' | 'off_duty'): Promise<ApiResult<StatusChanged>> {
  return call<StatusChanged>(
    '/api/me/status',
    { method: 'PUT', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ status }) },
    JSON_TIMEOUT_MS,
  );
}

export function fetchMyTasks(signal?: AbortSignal): Promise<ApiResult<MyTasks>> {
  return call<MyTasks>('/api/me/tasks', { headers: { accept: 'application/json' }, signal }, JSON_TIMEOUT_MS);
}

export interface PhotoInfo {
  id: string;
  width: number;
  height: number;
}

export function fetchCasePhotos(caseId: number, signal?: AbortSignal): Promise<ApiResult<{ photos: PhotoInfo[] }>> {
  return call<{ photos: PhotoInfo[] }>(`/api/cases/${caseId}/photos`, { headers: { accept: 'application/json' }, signal }, JSON_TIMEOUT_MS);
}
