// Web-level failures, shaped like domain errors: a stable code, a message that says what to do next, an HTTP
// status. Domain error codes (domain/errors.ts) map through httpStatusOf; these are the web's own.
import type { DomainError } from '../domain/errors.ts';
import { errorCodes, httpStatusOf } from '../domain/errors.ts';
import type { Result } from '../domain/result.ts';
import { err } from '../domain/result.ts';

export const webErrorCodes = {
  'AUTH.REQUIRED': 401,
  'AUTH.FORBIDDEN': 403,
  'AUTH.LINK_INVALID': 400,
  'CSRF.INVALID': 403,
  'REQUEST.INVALID': 400,
  'REQUEST.RATE_LIMITED': 429,
  'ROUTE.NOT_FOUND': 404,
  'USER.NOT_FOUND': 404,
  'USER.INVALID': 400,
  'LINK.EXPIRED': 410,
  'LINK.USED': 409,
  'LINK.TAMPERED': 400,
  'LINK.WRONG_USER': 403,
  'TOKEN.NOT_FOUND': 404,
  'INTERNAL': 500,
} as const;
export type WebErrorCode = keyof typeof webErrorCodes;

export interface WebError {
  readonly code: WebErrorCode | DomainError['code'];
  readonly message: string;
  readonly status: number;
  readonly meta?: DomainError['meta'];
}

export function webError(code: WebErrorCode, message: string): WebError {
  return { code, message, status: webErrorCodes[code] };
}

export function fromDomain(e: DomainError): WebError {
  return { code: e.code, message: e.message, status: e.code in errorCodes ? httpStatusOf(e.code) : 500, ...(e.meta === undefined ? {} : { meta: e.meta }) };
}

export const fail = <T>(code: WebErrorCode, message: string): Result<T, WebError> => err(webError(code, message));

/** The body of every JSON failure (CONVENTIONS rule 8). */
export function errorBody(e: WebError): { error: { code: string; message: string } } {
  return { error: { code: e.code, message: e.message } };
}

/** The same answer for "does not exist" and "not yours": ids outside a slice cannot be probed. */
export const leadNotFound = (_leadId: string): WebError => ({ code: 'LEAD.NOT_FOUND', message: 'There is no such lead for you: it may have been taken by another partner, or it is not in your area.', status: 404 });
