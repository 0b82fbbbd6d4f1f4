import { AppError } from '../errors';

/**
 * Account-administration failures, as the shared AppError so the HTTP layer maps
 * them in its one place. Anything outside the caller's scope is NOT_FOUND: an
 * admin cannot learn that an account exists in another district.
 */
export function notFound(what: string, id: string | number): AppError {
  return new AppError('NOT_FOUND', `no ${what} ${id}`);
}

export function invalid(message: string, details?: unknown): AppError {
  return new AppError('VALIDATION_FAILED', message, details);
}

export function conflict(message: string, details?: unknown): AppError {
  return new AppError('CONFLICT', message, details);
}
