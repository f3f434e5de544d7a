// Vendor errors are wrapped before anything logs or stores them (CONVENTIONS rule 9, faros `wrapApiError`): we keep
// what an operator needs (method, path, HTTP status, the API's error code, Retry-After) and drop what must never
// reach a log: tokens, request/response bodies, query strings (SOQL carries field values) and personal data inside
// vendor messages ("data value too large: <the value>").

export interface VendorErrorContext {
  readonly method: string;
  /** Request path or URL; the query string and the origin are dropped. */
  readonly path: string;
  /** HTTP status when a response arrived (null for network failures). */
  readonly status?: number | null;
  /** Response headers (lower-case names) of the failed call: Retry-After is kept, nothing else. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Clock for HTTP-date Retry-After values. */
  readonly now?: Date;
  readonly vendor?: string;
}

export class VendorError extends Error {
  override readonly name = 'VendorError';
  readonly vendor: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  /** The API's error code (REQUEST_LIMIT_EXCEEDED, invalid_grant, ECONNRESET, ERROR_HTTP_503 ...). */
  readonly code: string;
  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | null;

  constructor(init: { vendor: string; method: string; path: string; status: number | null; code: string; message: string; retryAfterMs: number | null }) {
    super(init.message);
    this.vendor = init.vendor;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Safe metadata for logs and run summaries. */
  toJSON(): Record<string, string | number | null> {
    return { vendor: this.vendor, method: this.method, path: this.path, status: this.status, code: this.code, message: this.message };
  }
}

const networkCodes = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN', 'UND_ERR_SOCKET']);

/** Path without origin and query string: `/services/data/v60.0/query`, never `?q=SELECT ... 'jane@example.com'`. */
export function safePath(pathOrUrl: string): string {
  let p = pathOrUrl;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (scheme) p = p.slice(scheme[0].length) || '/';
  const q = p.search(/[?#]/);
  return q >= 0 ? p.slice(0, q) : p;
}

/** Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const bearerPattern = /(Bearer\s+)[A-Za-z0-9._~+/=!-]+/gi;
const tokenLike = /\b[A-Za-z0-9!._-]{40,}\b/g;

/**
 * A vendor message fit for logs: no e-mails, no tokens, no echoed field values, no HTML, at most 200 chars.
 * Salesforce echoes the offending value in some messages ("data value too large: ACME Corp... (max length=80)",
 * "bad value for restricted picklist field: X", "duplicate value found: ... on record with id: ...").
 */
export function scrubVendorMessage(message: string): string {
  if (/<\s*(html|body|head|!doctype)/i.test(message)) return 'HTML error page';
  const m = message
    .replace(/(data value too large:\s*).*?(\s*\(max length=\d+\))/gi, '$1[value]$2')
    .replace(/(duplicate value found:\s*\S+\s+duplicates value on record with id:\s*)\S+/gi, '$1[id]')
    .replace(emailPattern, '[email]')
    .replace(bearerPattern, '$1[secret]')
    .replace(tokenLike, '[secret]')
    .replace(/\s+/g, ' ')
    .trim();
  return m.length > 200 ? `${m.slice(0, 197)}...` : m;
}

function pick(e: unknown, key: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined;
}

/** The API error code of anything a vendor client throws. */
export function vendorErrorCode(e: unknown): string {
  if (e instanceof VendorError) return e.code;
  const code = pick(e, 'code');
  if (typeof code === 'string' && networkCodes.has(code)) return code;
  const errorCode = pick(e, 'errorCode');
  // jsforce folds several REST errors into MULTIPLE_API_ERRORS with the list in `data`: the first one names it.
  const data = pick(e, 'data');
  if (errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(data) && typeof pick(data[0], 'errorCode') === 'string') return String(pick(data[0], 'errorCode'));
  // SOAP faults come as `sf:INVALID_SESSION_ID`; the namespace prefix is noise.
  if (typeof errorCode === 'string' && errorCode !== '') return errorCode.replace(/^[A-Za-z0-9]+:/, '');
  const message = typeof pick(e, 'message') === 'string' ? (pick(e, 'message') as string) : '';
  if (/socket hang up/i.test(message)) return 'ECONNRESET';
  if (typeof code === 'string' && code !== '') return code;
  const name = pick(e, 'name');
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  return 'UNKNOWN';
}

/**
 * Wrap whatever a vendor client threw into a VendorError with safe metadata only. The original error is not kept as
 * `cause`: jsforce keeps the full response body (HTML pages, echoed records) in `error.data`.
 */
export function wrapVendorError(e: unknown, ctx: VendorErrorContext): VendorError {
  if (e instanceof VendorError) return e;
  const now = ctx.now ?? new Date();
  const code = vendorErrorCode(e);
  const status = ctx.status ?? null;
  const raw = typeof pick(e, 'message') === 'string' ? (pick(e, 'message') as string) : '';
  // Network errors (node-fetch FetchError) put the full URL, SOQL included, into the message: keep only the code.
  const vendorMessage = networkCodes.has(code) || code.startsWith('ERROR_HTTP_') ? '' : scrubVendorMessage(raw);
  const where = `${ctx.method} ${safePath(ctx.path)}`;
  const head = status === null ? `${where} failed: ${code}` : `${where} failed: HTTP ${status} ${code}`;
  return new VendorError({
    vendor: ctx.vendor ?? 'salesforce',
    method: ctx.method,
    path: safePath(ctx.path),
    status,
    code,
    message: vendorMessage === '' ? head : `${head}: ${vendorMessage}`,
    retryAfterMs: parseRetryAfter(ctx.headers?.['retry-after'], now),
  });
}

export function isNetworkCode(code: string): boolean {
  return networkCodes.has(code);
}
