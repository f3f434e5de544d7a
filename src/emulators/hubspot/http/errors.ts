// HubSpot error bodies: `{"status":"error","message","correlationId","category", ...}` with optional `subCategory`,
// `context` (string arrays) and `errors` details. Fields vary by endpoint; clients should treat all as optional.
// https://developers.hubspot.com/docs/api-reference/error-handling
import { randomUUID } from 'node:crypto';

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export class HubSpotError extends Error {
  subCategory: string | undefined;
  context: Record<string, string[]> | undefined;
  errors: ErrorDetail[] | undefined;
  /** Fields outside the standard error (429 `policyName`, `errorType`, `groupName`). */
  extra: Record<string, unknown> = {};
  headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    opts: { subCategory?: string; context?: Record<string, string[]>; errors?: ErrorDetail[] } = {},
  ) {
    super(message);
    this.name = 'HubSpotError';
    this.subCategory = opts.subCategory;
    this.context = opts.context;
    this.errors = opts.errors;
  }

  body(): Record<string, unknown> {
    const out: Record<string, unknown> = { status: 'error', message: this.message, correlationId: randomUUID() };
    Object.assign(out, this.extra);
    if (this.category !== '') out.category = this.category;
    if (this.subCategory !== undefined) out.subCategory = this.subCategory;
    if (this.context !== undefined) out.context = this.context;
    if (this.errors !== undefined) out.errors = this.errors;
    return out;
  }
}

export const correlationId = (): string => randomUUID();

export function notFound(): HubSpotError {
  // Unknown routes answer an empty-category 404 like the gateway does.
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
}

export function objectNotFound(): HubSpotError {
  // GET /crm/v3/objects/{type}/{id} of an unknown or archived id: 404 with an empty body on the real API is rare;
  // current responses carry this standard error.
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.');
}

export function validation(message: string, opts: { subCategory?: string; context?: Record<string, string[]>; errors?: ErrorDetail[] } = {}): HubSpotError {
  return new HubSpotError(400, 'VALIDATION_ERROR', message, opts);
}

export function conflict(message: string): HubSpotError {
  return new HubSpotError(409, 'CONFLICT', message);
}

/** 401 for a missing/unknown token. https://developers.hubspot.com/docs/api-reference/error-handling */
export function invalidAuth(): HubSpotError {
  return new HubSpotError(401, 'INVALID_AUTHENTICATION',
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');
}

/** 401 for an OAuth access token past its 30-minute lifetime. */
export function expiredAuth(): HubSpotError {
  return new HubSpotError(401, 'EXPIRED_AUTHENTICATION',
    'The OAuth token used to make this call expired 0 second(s) ago.');
}

export function methodNotAllowed(): HubSpotError {
  return new HubSpotError(405, 'VALIDATION_ERROR', 'HTTP method not allowed for this resource');
}
