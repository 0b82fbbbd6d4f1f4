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
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds a client should wait before retrying (429, 503): sent as Retry-After. */
    readonly retryAfterS?: number,
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

export function toHttp(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details ?? null } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error', details: null } } };
}

export function toAck(error: unknown): { ok: false; code: string; message: string } {
  if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'INTERNAL', message: 'internal server error' };
}

/** zod issues → a compact, JSON-safe list naming the path of each problem. */
export function issuesOf(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }) {
  return error.issues.slice(0, 50).map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)).join('.'),
    message: issue.message,
  }));
}
