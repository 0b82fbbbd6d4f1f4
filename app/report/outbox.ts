/**
 * The grid worker's outbox, as pure data and rules: what a queued report or
 * command is, how one delivery attempt goes, and what each answer means for it.
 * No browser APIs here (the runner and IndexedDB storage wire it), so the rules
 * are unit-tested (tests/unit/report-outbox.test.ts).
 *
 * Exactly once rests on the server's idempotency keys, fixed when the worker
 * acts and kept with the item until it is delivered:
 * - a report carries `externalId` (a UUID made once per report): a repeat of
 *   POST /api/cases with the same (channel, externalId) answers the stored case;
 * - a command carries `commandId` (the item id): a repeat answers the first result;
 * - photos are uploaded first and their ids saved into the item before the report
 *   or command goes out, so a retry sends the very same ids (a command's
 *   fingerprint includes them) and never uploads a photo twice.
 */

export const PHOTO_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoMediaType = (typeof PHOTO_MEDIA_TYPES)[number];
/** Photos one report or one 处置反馈 may carry in this app. */
export const MAX_PHOTOS = 3;
/** The server's limit per upload (server/services/photos.ts MAX_PHOTO_BYTES). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Backoff after a transient failure: BASE · 2^(attempts-1), capped, with ±20 % jitter. */
export const RETRY_BASE_MS = 2_000;
export const RETRY_MAX_MS = 60_000;
/** How often a command is re-based on a newer version of its case before it gives up. */
export const MAX_REBASES = 3;

export interface OutboxPhoto {
  /** Stable within the item (order of the pictures). */
  key: string;
  blob: Blob;
  mediaType: PhotoMediaType;
  /** Set once uploaded (POST /api/photos) and saved before the item is sent. */
  uploadedId: string | null;
}

/** The body of POST /api/cases without its photos (added at send time). */
export interface ReportBody {
  kind: 'incident';
  channel: 'grid_worker';
  externalId: string;
  category: string;
  severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
  title?: string;
  description?: string;
  location: { type: 'Point'; coordinates: [lng: number, lat: number] };
  /** When the worker filed it (ISO); dropped if the server finds the phone's clock ahead. */
  reportedAt?: string;
}

export type WorkerAction = 'accept' | 'handle' | 'return';

export interface WorkerCommand {
  action: WorkerAction;
  /** 处置反馈 note. */
  note?: string;
  /** 回退 reason. */
  reason?: string;
}

export interface OutboxError {
  code: string;
  message: string;
  status: number | null;
}

interface ItemBase {
  /** The idempotency key: the report's externalId, or the command's commandId. */
  id: string;
  /** Whose queue (one phone may be shared by shifts). */
  login: string;
  createdAt: number;
  attempts: number;
  /** Not before this instant (epoch ms). */
  nextAttemptAt: number;
  photos: OutboxPhoto[];
  /** pending: will be sent; failed: refused for good, waits for the worker (retry or discard). */
  state: 'pending' | 'failed';
  error: OutboxError | null;
}

export interface ReportItem extends ItemBase {
  kind: 'report';
  report: ReportBody;
}

export interface CommandItem extends ItemBase {
  kind: 'command';
  caseId: number;
  /** What the worker saw (title or category), for the list. */
  caseLabel: string;
  expectedVersion: number;
  /** The worker's responder id: a re-base checks the case is still theirs. */
  responderId: number | null;
  command: WorkerCommand;
  rebases: number;
}

export type OutboxItem = ReportItem | CommandItem;

/** The case as the server answers it (the parts the outbox reads). */
export interface CaseLike {
  id: number;
  status: string;
  version: number;
  assigneeId: number | null;
}

/** One HTTP answer, or no answer at all. */
export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; network: true }
  | { ok: false; network: false; status: number; code: string; message: string; details: unknown; retryAfterMs: number | null };

export interface OutboxApi {
  uploadPhoto(blob: Blob, mediaType: PhotoMediaType): Promise<ApiResult<{ photo: { id: string } }>>;
  createCase(body: ReportBody & { photos?: string[] }): Promise<ApiResult<{ case: CaseLike; created: boolean }>>;
  transition(
    caseId: number,
    body: WorkerCommand & { expectedVersion: number; commandId: string; photos?: string[] },
  ): Promise<ApiResult<{ case: CaseLike; replayed: boolean }>>;
}

/** What happened to one item in one attempt. */
export type Delivery =
  | { kind: 'delivered'; item: OutboxItem; case: CaseLike }
  /** No answer, or an answer that says "later": try again after nextAttemptAt. */
  | { kind: 'retry'; item: OutboxItem }
  /** Refused for good: kept, marked failed, shown to the worker. */
  | { kind: 'failed'; item: OutboxItem };

// --- making items --------------------------------------------------------------------

export function newReportItem(login: string, report: ReportBody, photos: OutboxPhoto[], now: number): ReportItem {
  return { kind: 'report', id: report.externalId, login, createdAt: now, attempts: 0, nextAttemptAt: now, photos, state: 'pending', error: null, report };
}

export function newCommandItem(
  login: string,
  commandId: string,
  target: { caseId: number; caseLabel: string; expectedVersion: number; responderId: number | null },
  command: WorkerCommand,
  photos: OutboxPhoto[],
  now: number,
): CommandItem {
  return {
    kind: 'command',
    id: commandId,
    login,
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    photos,
    state: 'pending',
    error: null,
    ...target,
    command,
    rebases: 0,
  };
}

// --- rules ----------------------------------------------------------------------------

/** Items in the order they are sent: oldest first (a 接单 queued before its 处置反馈 goes first). */
export function sendOrder(items: readonly OutboxItem[]): OutboxItem[] {
  return [...items].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function isDue(item: OutboxItem, now: number): boolean {
  return item.state === 'pending' && item.nextAttemptAt <= now;
}

/** The delay before attempt `attempts + 1`, `random` in [0, 1). */
export function backoffMs(attempts: number, random: number, retryAfterMs: number | null = null): number {
  const exp = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exp * (0.8 + 0.4 * random));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Answers worth waiting out: no answer, 408, 429, 5xx, and 401 (the session ended:
 * the item waits for the same worker to sign in again). Every other 4xx is final.
 */
export function isTransient(result: Extract<ApiResult<unknown>, { ok: false }>): boolean {
  if (result.network) return true;
  return result.status === 401 || result.status === 408 || result.status === 429 || result.status >= 500;
}

/** The statuses in which the worker's action still makes sense on a newer version of the case. */
const STILL_POSSIBLE: Record<WorkerAction, string> = { accept: 'dispatched', return: 'dispatched', handle: 'in_progress' };

/** Whether a command refused as VERSION_CONFLICT can go again on `current` (the case now). */
export function canRebase(item: CommandItem, current: CaseLike | null): boolean {
  if (!current || item.rebases >= MAX_REBASES) return false;
  if (item.responderId !== null && current.assigneeId !== item.responderId) return false;
  return current.status === STILL_POSSIBLE[item.command.action];
}

function errorOf(result: Extract<ApiResult<unknown>, { ok: false }>): OutboxError {
  if (result.network) return { code: 'NETWORK', message: 'no network', status: null };
  return { code: result.code, message: result.message, status: result.status };
}

function later(item: OutboxItem, result: Extract<ApiResult<unknown>, { ok: false }>, now: number, random: number): Delivery {
  const attempts = item.attempts + 1;
  const retryAfterMs = result.network ? null : result.retryAfterMs;
  return { kind: 'retry', item: { ...item, attempts, nextAttemptAt: now + backoffMs(attempts, random, retryAfterMs), error: errorOf(result) } };
}

function failed(item: OutboxItem, result: Extract<ApiResult<unknown>, { ok: false }>): Delivery {
  return { kind: 'failed', item: { ...item, attempts: item.attempts + 1, state: 'failed', error: errorOf(result) } };
}

function isReportedAtRefusal(result: Extract<ApiResult<unknown>, { ok: false }>): boolean {
  if (result.network || result.status !== 400 || !Array.isArray(result.details)) return false;
  return result.details.some((d) => typeof d === 'object' && d !== null && String((d as { path?: unknown }).path ?? '').startsWith('reportedAt'));
}

function currentOf(details: unknown): CaseLike | null {
  const current = (details as { current?: unknown } | null)?.current;
  if (!current || typeof current !== 'object') return null;
  const c = current as Partial<CaseLike>;
  return typeof c.version === 'number' && typeof c.status === 'string' ? (c as CaseLike) : null;
}

/**
 * One attempt at one item: upload the photos it still lacks (saving each id with
 * `save` before going on), then send the report or command, and judge the answer.
 * Never throws for an HTTP or network failure; `save` failing (storage gone) does throw.
 */
export async function attemptDelivery(
  start: OutboxItem,
  api: OutboxApi,
  save: (item: OutboxItem) => Promise<void>,
  clock: { now: () => number; random: () => number },
): Promise<Delivery> {
  let item: OutboxItem = start;
  for (const photo of item.photos) {
    if (photo.uploadedId) continue;
    const uploaded = await api.uploadPhoto(photo.blob, photo.mediaType);
    if (!uploaded.ok) return isTransient(uploaded) ? later(item, uploaded, clock.now(), clock.random()) : failed(item, uploaded);
    const id = uploaded.body.photo.id;
    item = { ...item, photos: item.photos.map((p) => (p.key === photo.key ? { ...p, uploadedId: id } : p)) } as OutboxItem;
    // Saved before the report goes out: a retry must send these ids, not upload again.
    await save(item);
  }
  const photoIds = item.photos.map((p) => p.uploadedId!);
  const photos = photoIds.length > 0 ? photoIds : undefined;

  if (item.kind === 'report') {
    const result = await api.createCase({ ...item.report, ...(photos ? { photos } : {}) });
    if (result.ok) return { kind: 'delivered', item, case: result.body.case };
    if (isTransient(result)) return later(item, result, clock.now(), clock.random());
    if (isReportedAtRefusal(result) && item.report.reportedAt !== undefined) {
      // The phone's clock runs ahead of the server's: send it without its own time.
      const { reportedAt: _dropped, ...report } = item.report;
      return { kind: 'retry', item: { ...item, report, attempts: item.attempts + 1, nextAttemptAt: clock.now(), error: errorOf(result) } };
    }
    if (!result.network && result.code === 'PHOTO_NOT_ATTACHABLE') return reupload(item, result, clock);
    return failed(item, result);
  }

  const { command } = item;
  const result = await api.transition(item.caseId, {
    action: command.action,
    ...(command.note !== undefined ? { note: command.note } : {}),
    ...(command.reason !== undefined ? { reason: command.reason } : {}),
    ...(photos ? { photos } : {}),
    expectedVersion: item.expectedVersion,
    commandId: item.id,
  });
  if (result.ok) return { kind: 'delivered', item, case: result.body.case };
  if (result.network || isTransient(result)) return later(item, result, clock.now(), clock.random());
  if (result.code === 'VERSION_CONFLICT') {
    const current = currentOf(result.details);
    if (current && canRebase(item, current)) {
      // Someone else changed the case (a note, an extension) and the action still fits: go again on the new version.
      const rebased: CommandItem = { ...item, expectedVersion: current.version, rebases: item.rebases + 1, attempts: item.attempts + 1, nextAttemptAt: clock.now(), error: errorOf(result) };
      return { kind: 'retry', item: rebased };
    }
  }
  if (result.code === 'PHOTO_NOT_ATTACHABLE') return reupload(item, result, clock);
  return failed(item, result);
}

/**
 * The saved photo ids are no longer the worker's unattached uploads (pruned as
 * abandoned while the phone was away): upload them again, once. Safe because
 * PHOTO_NOT_ATTACHABLE means nothing was written for this key.
 */
function reupload(item: OutboxItem, result: Extract<ApiResult<unknown>, { ok: false }>, clock: { now: () => number }): Delivery {
  if (item.error?.code === 'PHOTO_NOT_ATTACHABLE') return failed(item, result);
  const photos = item.photos.map((p) => ({ ...p, uploadedId: null }));
  return { kind: 'retry', item: { ...item, photos, attempts: item.attempts + 1, nextAttemptAt: clock.now(), error: errorOf(result) } as OutboxItem };
}

/** A failed item put back in the queue by the worker. */
export function retryNow(item: OutboxItem, now: number): OutboxItem {
  return { ...item, state: 'pending', nextAttemptAt: now, error: null, ...(item.kind === 'command' ? { rebases: 0 } : {}) } as OutboxItem;
}
