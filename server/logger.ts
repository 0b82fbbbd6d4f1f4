import pino from 'pino';

export type Logger = pino.Logger;

const MAX_TEXT = 600;
const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/**
 * Errors are logged with their type, a clipped message, the root cause and the
 * stack, but never with query parameters: those carry case texts and, later,
 * personal data.
 */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: clip(String(error)) };
  const withQuery = error as Error & { query?: string; cause?: unknown };
  const cause = withQuery.cause instanceof Error ? withQuery.cause.message : undefined;
  return {
    type: error.name,
    message: clip(withQuery.query !== undefined ? `query failed: ${cause ?? 'unknown cause'}` : error.message),
    query: withQuery.query !== undefined ? clip(withQuery.query.replace(/\s+/g, ' ').trim()) : undefined,
    cause,
    stack: error.stack?.split('\n').slice(0, 8).join('\n'),
  };
}

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'harmony' }, serializers: { err: serializeError } });
}
