/**
 * One error type for every expected failure. Route handlers and socket handlers
 * throw AppError; toHttp/toAck map it in one place. Anything else is a bug: it is
 * logged with context and answered as a plain 500 / INTERNAL.
 */
export const ERROR_STATUS = {
  BAD_JSON: 400,
  VALIDATION_FAILED: 400,
  BAD_QUERY: 400,
  BAD_PARAMS: 400,
  BAD_FRAME: 400,
  BAD_BODY: 400,
  /** Not well-formed XML, or XML with a DOCTYPE / entity declaration / undefined entity (refused before parsing). */
  BAD_XML: 400,
  /** A case command whose payload the state machine cannot read (missing reason, unknown action, a client-set `at`). */
  BAD_COMMAND: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_CODE: 422,
  UNKNOWN_AREA: 422,
  OUTSIDE_JURISDICTION: 422,
  INVALID_GEOMETRY: 422,
  /** A CAP document of another version or namespace than OASIS CAP 1.2. */
  UNSUPPORTED_VERSION: 422,
  /** A well-formed message of a kind this system does not store (CAP Ack and Error). */
  UNSUPPORTED_MESSAGE: 422,
  /** A valid geometry whose intersection work is beyond the limits (parts, vertices, extent, work). */
  GEOMETRY_TOO_COMPLEX: 422,
  /** An upload of an accepted image type that cannot be used: truncated, undecodable, or too many pixels to decode. */
  BAD_IMAGE: 422,
  /** A photo id that is unknown, someone else's or already attached to a case. */
  PHOTO_NOT_ATTACHABLE: 422,
  CONFLICT: 409,
  /** A case command against a version that is no longer current: details carry the current case and who changed it last. */
  VERSION_CONFLICT: 409,
  /** A command id already used for a different command (another case, actor or payload). */
  COMMAND_ID_REUSED: 409,
  /** A case command the case's current state does not allow (illegal transition, finished case, no pending request…). */
  TRANSITION_REFUSED: 409,
  /** A case command naming something that cannot take part (an unknown responder, a merge target that is closed or unknown). */
  INVALID_REFERENCE: 422,
  RATE_LIMITED: 429,
  /** The database is unreachable, restarting, or this node's budget for the work is full: retry later. */
  UNAVAILABLE: 503,
  /** A request query ran past the statement timeout and was cancelled. */
  TIMEOUT: 503,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds a client should wait before retrying (sent as Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  /** `details` is always present (null when there is nothing more to say), so clients can rely on the shape. */
  error: { code: string; message: string; details: unknown };
}

export function toHttp(error: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  const known = error instanceof AppError ? error : classifyDatabaseError(error);
  if (known) {
    return {
      status: known.status,
      body: { error: { code: known.code, message: known.message, details: known.details ?? null } },
      headers: known.retryAfter !== undefined ? { 'retry-after': String(known.retryAfter) } : undefined,
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error', details: null } } };
}

export function toAck(error: unknown): { ok: false; code: string; message: string } {
  const known = error instanceof AppError ? error : classifyDatabaseError(error);
  if (known) return { ok: false, code: known.code, message: known.message };
  return { ok: false, code: 'INTERNAL', message: 'internal server error' };
}

/** Seconds a client is asked to wait while the database is away. */
export const DATABASE_RETRY_AFTER_S = 2;

/**
 * SQLSTATEs and socket errors that mean "the database is not there right now"
 * rather than "this request is wrong": admin/crash shutdown (57P01–57P03),
 * connection exceptions (class 08), too many connections / out of resources
 * (class 53), a dropped socket, and pg-pool's connection timeout.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P04', '57P05']);
const UNAVAILABLE_CLASSES = ['08', '53'];
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'connection terminated',
  'client has encountered a connection error',
  'client was closed and is not queryable',
  'terminating connection',
];
/** Serialization failure and deadlock: the transaction was rolled back and may simply be run again. */
const CONFLICT_STATES = new Set(['40001', '40P01']);

function errorFields(error: unknown): { code?: string; message: string } {
  if (!error || typeof error !== 'object') return { message: String(error) };
  const e = error as { code?: unknown; message?: unknown; cause?: unknown };
  // drizzle wraps driver errors ("Failed query: …") and keeps the original as `cause`.
  if (e.cause && typeof e.cause === 'object' && !(typeof e.code === 'string')) return errorFields(e.cause);
  return { code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : '' };
}

/** True when the database connection is lost or refused: the work never ran, or ran and is unknown. */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = errorFields(error);
  if (code && (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2)))) {
    return true;
  }
  const lower = message.toLowerCase();
  return UNAVAILABLE_MESSAGES.some((m) => lower.includes(m));
}

/** Deadlock or serialization failure: PostgreSQL rolled the transaction back; running it again is safe. */
export function isTransactionConflict(error: unknown): boolean {
  const { code } = errorFields(error);
  return code !== undefined && CONFLICT_STATES.has(code);
}

export function isStatementTimeout(error: unknown): boolean {
  return errorFields(error).code === '57014';
}

/**
 * A database failure that is not the request's fault, as the AppError the client
 * should see; null for anything else (a bug: logged and answered 500).
 */
export function classifyDatabaseError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isConnectionError(error)) {
    return new AppError('UNAVAILABLE', 'the database is unavailable; retry shortly', { reason: 'database' }, DATABASE_RETRY_AFTER_S);
  }
  if (isStatementTimeout(error)) {
    return new AppError('TIMEOUT', 'the request took too long in the database and was cancelled', { reason: 'statement_timeout' });
  }
  if (isTransactionConflict(error)) {
    return new AppError('UNAVAILABLE', 'the write conflicted with concurrent writes; retry', { reason: 'conflict' }, 1);
  }
  return null;
}

/** zod issues → a compact, JSON-safe list naming the path of each problem. */
export function issuesOf(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }) {
  return error.issues.slice(0, 50).map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)).join('.'),
    message: issue.message,
  }));
}
