// Explicit retry classification (CONVENTIONS rule 10, p-retry `AbortError`): every failure is one of
//   retry   — 429, 5xx, network resets/timeouts, UNABLE_TO_LOCK_ROW: exponential backoff with jitter, Retry-After wins
//   refresh — 401 / INVALID_SESSION_ID: refresh the session once, then replay without spending a retry
//   quota   — REQUEST_LIMIT_EXCEEDED (the org's daily API allocation is gone): stop with QuotaExhaustedError and a
//             resume time, so the caller pauses instead of hot-looping
//   fatal   — validation errors, bad requests, auth failures: never retried
// p-retry runs the loop; its own timer is disabled (minTimeout 0) and we sleep in `shouldRetry` with an injectable
// sleep, so tests run instantly and Retry-After is honoured exactly.
import pRetry, { AbortError } from 'p-retry';
import { setTimeout as delay } from 'node:timers/promises';
import { VendorError, isNetworkCode, vendorErrorCode } from './vendor-error.ts';

export type RetryDecision =
  | { readonly kind: 'retry'; readonly code: string; readonly retryAfterMs: number | null }
  | { readonly kind: 'refresh'; readonly code: string }
  | { readonly kind: 'quota'; readonly code: string }
  | { readonly kind: 'fatal'; readonly code: string };

/** The CRM's daily API allocation is used up: nothing works until `resumeAt`. */
export class QuotaExhaustedError extends Error {
  override readonly name = 'QuotaExhaustedError';
  readonly code = 'CRM.QUOTA_EXHAUSTED';
  constructor(readonly resumeAt: Date, readonly vendorCode: string, message?: string) {
    super(message ?? `The CRM's daily API limit is exhausted (${vendorCode}); leadrelay pauses CRM calls until ${resumeAt.toISOString()}.`);
  }
}

/** leadrelay's own budget: more than `share` of the daily allocation is used, so a new stage does not start. */
export class ApiShareExceededError extends Error {
  override readonly name = 'ApiShareExceededError';
  readonly code = 'CRM.API_SHARE_EXCEEDED';
  constructor(readonly stage: string, readonly used: number, readonly limit: number, readonly share: number) {
    super(`Stage ${stage} not started: ${used}/${limit} API calls used today, above leadrelay's share of ${Math.round(share * 100)}% ` +
      '(salesforce.maxDailyApiShare). It resumes when usage drops; raise the share if the org can spare the calls.');
  }
}

/** Default resume time after a quota stop: the next UTC midnight. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

// Codes that mean "try again later" whatever the status. Salesforce: UNABLE_TO_LOCK_ROW (row lock contention),
// SERVER_UNAVAILABLE / UNKNOWN_EXCEPTION (transient 500/503). https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
const transientCodes = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'QUERY_TIMEOUT', 'TXN_SECURITY_METERING_ERROR']);

function statusOf(e: unknown): number | null {
  if (e instanceof VendorError) return e.status;
  if (typeof e === 'object' && e !== null) {
    const s = (e as Record<string, unknown>).status ?? (e as Record<string, unknown>).statusCode;
    if (typeof s === 'number') return s;
  }
  return null;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : '';
}

/** Strip a SOAP namespace prefix: `sf:INVALID_SESSION_ID` → `INVALID_SESSION_ID`. */
export function bareCode(code: string): string {
  return code.replace(/^[A-Za-z0-9]+:/, '');
}

export function classifyError(e: unknown): RetryDecision {
  const code = bareCode(vendorErrorCode(e));
  const status = statusOf(e);
  const retryAfterMs = e instanceof VendorError ? e.retryAfterMs : null;
  // 429 is a rate limit whatever the body says; the daily quota comes as 403 REQUEST_LIMIT_EXCEEDED.
  if (status === 429) return { kind: 'retry', code, retryAfterMs };
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    // The same code is used for the concurrent long-running request limit, which clears in seconds.
    // https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
    return /concurrent/i.test(messageOf(e)) ? { kind: 'retry', code, retryAfterMs } : { kind: 'quota', code };
  }
  if (code === 'INVALID_SESSION_ID' || status === 401) return { kind: 'refresh', code };
  if (transientCodes.has(code) || isNetworkCode(code)) return { kind: 'retry', code, retryAfterMs };
  if (status === 502 || status === 503 || status === 504) return { kind: 'retry', code, retryAfterMs };
  // A 500 with a specific API code is a SOAP fault (INVALID_FIELD, INVALID_TYPE ...): retrying cannot help.
  if (status !== null && status >= 500) {
    return code.startsWith('ERROR_HTTP_') || code === 'UNKNOWN' ? { kind: 'retry', code, retryAfterMs } : { kind: 'fatal', code };
  }
  return { kind: 'fatal', code };
}

export interface RetryPolicy {
  /** Retries after the first attempt (refresh replays do not count). */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** A longer Retry-After is not slept through: the call fails (VendorError.retryAfterMs set) and the caller reschedules. */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 4, minDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal === undefined ? {} : { signal });
};

export interface RetryOptions {
  readonly policy?: Partial<RetryPolicy>;
  readonly signal?: AbortSignal;
  readonly sleep?: Sleep;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly classify?: (e: unknown) => RetryDecision;
  /** Refreshes the session; called at most once per withRetry call. Without it a 401 is fatal. */
  readonly refresh?: () => Promise<void>;
  /** When a quota stop ends; default the next UTC midnight. */
  readonly quotaResumeAt?: (now: Date) => Date;
  /** Turns raw errors into safe ones (wrapVendorError) before they are classified or rethrown. */
  readonly wrap?: (e: unknown) => unknown;
  readonly onRetry?: (info: { attempt: number; code: string; delayMs: number }) => void;
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(base / 2 + random() * (base / 2));
}

class Transient extends Error {
  override readonly name = 'Transient';
  constructor(readonly original: unknown, readonly decision: Extract<RetryDecision, { kind: 'retry' }>) {
    super(original instanceof Error ? original.message : String(original));
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Run `fn` under the retry classification. Throws the (wrapped) last error, or QuotaExhaustedError. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...opts.policy };
  const classify = opts.classify ?? classifyError;
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  let refreshed = false;
  try {
    return await pRetry(async (attempt) => {
      for (;;) {
        try {
          return await fn(attempt);
        } catch (raw) {
          if (opts.signal?.aborted) throw new AbortError(asError(opts.signal.reason ?? raw));
          const e = opts.wrap ? opts.wrap(raw) : raw;
          const d = classify(e);
          switch (d.kind) {
            case 'fatal':
              throw new AbortError(asError(e));
            case 'quota': {
              const resumeAt = (opts.quotaResumeAt ?? nextUtcMidnight)(now());
              throw new AbortError(new QuotaExhaustedError(resumeAt, d.code));
            }
            case 'refresh':
              if (refreshed || opts.refresh === undefined) throw new AbortError(asError(e));
              // Refresh once, then replay at once inside this attempt: it spends no retry and no backoff.
              refreshed = true;
              await opts.refresh();
              continue;
            case 'retry':
              throw new Transient(e, d);
          }
        }
      }
    }, {
      retries: policy.retries,
      minTimeout: 0,
      maxTimeout: 0,
      ...(opts.signal ? { signal: opts.signal } : {}),
      shouldRetry: async ({ error, attemptNumber }) => {
        if (!(error instanceof Transient)) return false;
        const after = error.decision.retryAfterMs;
        if (after !== null && after > policy.maxRetryAfterMs) return false;
        const delayMs = after ?? backoffDelay(attemptNumber, policy, random);
        opts.onRetry?.({ attempt: attemptNumber, code: error.decision.code, delayMs });
        await sleep(delayMs, opts.signal);
        return true;
      },
    });
  } catch (e) {
    throw e instanceof Transient ? asError(e.original) : e;
  }
}
