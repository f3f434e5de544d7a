// HubSpot failures → VendorError (safe metadata only: method, path, status, category/policy, scrubbed message) and
// our retry classification (lib/retry.ts), which replaces the client library's own retry:
//   429 TEN_SECONDLY_ROLLING / SECONDLY — retry after Retry-After, else the rolling interval (or one second)
//   429 DAILY                           — quota: stop until the account's midnight (QuotaExhaustedError)
//   401 EXPIRED_AUTHENTICATION (OAuth)  — refresh the access token once, replay
//   5xx, 423, network errors, timeouts  — retry with backoff
//   everything else (400 VALIDATION_ERROR, 403 MISSING_SCOPES, 404, 409 CONFLICT) — never retried
// https://developers.hubspot.com/docs/api-reference/error-handling
// https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#error-responses
import { classifyError } from '../../lib/retry.ts';
import type { RetryDecision } from '../../lib/retry.ts';
import { VendorError, parseRetryAfter, safePath, scrubVendorMessage } from '../../lib/vendor-error.ts';
import { errorBodySchema } from './schemas.ts';
import type { Headers } from './usage.ts';

/** A HubSpot call that answered with an error status. `policy` is the 429 policyName. */
export class HubSpotApiError extends VendorError {
  constructor(init: ConstructorParameters<typeof VendorError>[0], readonly policy: string | null, readonly body: unknown) {
    super(init);
  }

  override toJSON(): Record<string, string | number | null> {
    return { ...super.toJSON(), policy: this.policy };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The error a non-2xx response stands for. The body is kept (parsed) for batch-level error details only. */
export function responseError(o: { method: string; path: string; status: number; headers: Headers; text: string; now: Date }): HubSpotApiError {
  const json = parseJson(o.text);
  const body = errorBodySchema.safeParse(json);
  const b = body.success ? body.data : {};
  const html = /<\s*(html|body|!doctype)/i.test(o.text);
  const policy = o.status === 429 ? (b.policyName ?? 'TEN_SECONDLY_ROLLING') : null;
  // OAuth errors name themselves in `status` (BAD_REFRESH_TOKEN, BAD_CLIENT_ID ...), API errors in `category`.
  const oauthCode = b.status !== undefined && b.status !== 'error' ? b.status : undefined;
  const code = policy ?? b.category ?? oauthCode ?? (o.status >= 500 ? `ERROR_HTTP_${o.status}` : `HTTP_${o.status}`);
  const detail = html ? 'HTML error page' : scrubVendorMessage(b.message ?? '');
  const head = `${o.method} ${safePath(o.path)} failed: HTTP ${o.status} ${code}`;
  let retryAfterMs = parseRetryAfter(o.headers['retry-after'], o.now);
  if (o.status === 429 && retryAfterMs === null) {
    // No Retry-After: wait out the window the policy names (the rolling interval, or a second for search).
    const interval = Number(o.headers['x-hubspot-ratelimit-interval-milliseconds']);
    retryAfterMs = policy === 'SECONDLY' ? 1000 : Number.isFinite(interval) && interval > 0 ? interval : 10_000;
  }
  return new HubSpotApiError({
    vendor: 'hubspot', method: o.method, path: safePath(o.path), status: o.status, code,
    message: detail === '' ? head : `${head}: ${detail}`, retryAfterMs,
  }, policy, json);
}

/** Our retry classification for HubSpot; `oauth` decides whether a 401 can be cured by a refresh. */
export function classifyHubSpot(e: unknown, oauth: boolean): RetryDecision {
  if (e instanceof HubSpotApiError) {
    if (e.status === 429) {
      return e.policy === 'DAILY' ? { kind: 'quota', code: 'DAILY' } : { kind: 'retry', code: e.code, retryAfterMs: e.retryAfterMs };
    }
    if (e.status === 401) return oauth ? { kind: 'refresh', code: e.code } : { kind: 'fatal', code: e.code };
    if (e.status === 423 || (e.status !== null && e.status >= 500)) return { kind: 'retry', code: e.code, retryAfterMs: e.retryAfterMs };
    return { kind: 'fatal', code: e.code };
  }
  return classifyError(e);
}

/** Errors that stop a whole write or pull: nothing else can succeed either (auth, quota, budget, cancellation). */
export function isConnectionLevel(e: unknown): boolean {
  if (e instanceof Error && ['QuotaExhaustedError', 'ApiShareExceededError', 'AuthConfigError', 'AbortError'].includes(e.name)) return true;
  if (!(e instanceof VendorError)) return false;
  return e.status === 401 || e.path.startsWith('/oauth/');
}
