// Unit tests of src/lib/retry.ts and src/lib/vendor-error.ts (shared lib; kept here because this work package owns
// test/connectors only). No I/O: sleep, clock and jitter are injected.
import { describe, expect, it } from 'vitest';
import { ApiShareExceededError, QuotaExhaustedError, backoffDelay, classifyError, defaultRetryPolicy, nextUtcMidnight, withRetry } from '../../src/lib/retry.ts';
import { VendorError, parseRetryAfter, safePath, scrubVendorMessage, wrapVendorError } from '../../src/lib/vendor-error.ts';

const now = new Date('2025-05-20T12:00:00Z');
const vendor = (status: number | null, code: string, extra: { retryAfterMs?: number; message?: string } = {}): VendorError =>
  new VendorError({ vendor: 'salesforce', method: 'GET', path: '/x', status, code, message: extra.message ?? code, retryAfterMs: extra.retryAfterMs ?? null });

describe('classifyError', () => {
  it.each([
    [vendor(429, 'ERROR_HTTP_429'), 'retry'],
    [vendor(503, 'ERROR_HTTP_503'), 'retry'],
    [vendor(500, 'UNKNOWN_EXCEPTION'), 'retry'],
    [vendor(null, 'ECONNRESET'), 'retry'],
    [vendor(null, 'ETIMEDOUT'), 'retry'],
    [vendor(200, 'UNABLE_TO_LOCK_ROW'), 'retry'],
    [vendor(403, 'REQUEST_LIMIT_EXCEEDED', { message: 'ConcurrentPerOrgLongTxn Limit exceeded' }), 'retry'],
    [vendor(401, 'INVALID_SESSION_ID'), 'refresh'],
    [vendor(500, 'sf:INVALID_SESSION_ID'), 'refresh'],
    [vendor(403, 'REQUEST_LIMIT_EXCEEDED', { message: 'TotalRequests Limit exceeded.' }), 'quota'],
    [vendor(500, 'sf:REQUEST_LIMIT_EXCEEDED'), 'quota'],
    [vendor(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION'), 'fatal'],
    [vendor(400, 'INVALID_FIELD'), 'fatal'],
    [vendor(500, 'sf:INVALID_TYPE'), 'fatal'],
    [vendor(400, 'invalid_grant'), 'fatal'],
    [Object.assign(new Error('request to http://x/q?q=SELECT failed, reason: socket hang up'), { name: 'FetchError' }), 'retry'],
  ])('%s → %s', (e, kind) => {
    expect(classifyError(e).kind).toBe(kind);
  });
});

describe('withRetry', () => {
  const run = async (errors: Error[], opts: Parameters<typeof withRetry>[1] = {}) => {
    const sleeps: number[] = [];
    let attempts = 0;
    const result = await withRetry(async () => {
      attempts += 1;
      const e = errors.shift();
      if (e !== undefined) throw e;
      return 'done';
    }, { sleep: async (ms) => { sleeps.push(ms); }, now: () => now, random: () => 0.5, ...opts }).catch((e: unknown) => e);
    return { result, sleeps, attempts };
  };

  it('honours Retry-After exactly and backs off exponentially with jitter otherwise', async () => {
    const r = await run([vendor(429, 'X', { retryAfterMs: 7000 }), vendor(503, 'ERROR_HTTP_503'), vendor(503, 'ERROR_HTTP_503')]);
    expect(r.result).toBe('done');
    expect(r.sleeps).toEqual([7000, backoffDelay(2, defaultRetryPolicy, () => 0.5), backoffDelay(3, defaultRetryPolicy, () => 0.5)]);
    expect(r.sleeps[1]).toBe(1500);
    expect(r.sleeps[2]).toBe(3000);
  });

  it('never retries validation errors', async () => {
    const e = vendor(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    const r = await run([e]);
    expect(r).toEqual({ result: e, sleeps: [], attempts: 1 });
  });

  it('gives up after the retries with the last error', async () => {
    const errors = Array.from({ length: 10 }, () => vendor(503, 'ERROR_HTTP_503'));
    const r = await run(errors, { policy: { retries: 2 } });
    expect(r.result).toMatchObject({ code: 'ERROR_HTTP_503' });
    expect(r.attempts).toBe(3);
  });

  it('does not sleep through a Retry-After longer than the cap: the caller reschedules', async () => {
    const r = await run([vendor(429, 'X', { retryAfterMs: 3_600_000 })]);
    expect(r.result).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(r.sleeps).toEqual([]);
  });

  it('refreshes once on 401 and replays without spending a retry; a second 401 is final', async () => {
    let refreshes = 0;
    const refresh = async (): Promise<void> => { refreshes += 1; };
    const ok = await run([vendor(401, 'INVALID_SESSION_ID')], { refresh, policy: { retries: 0 } });
    expect(ok).toMatchObject({ result: 'done', attempts: 2, sleeps: [] });
    const twice = await run([vendor(401, 'INVALID_SESSION_ID'), vendor(401, 'INVALID_SESSION_ID')], { refresh });
    expect(twice.result).toMatchObject({ code: 'INVALID_SESSION_ID' });
    expect(refreshes).toBe(2);
    expect(twice.attempts).toBe(2);
  });

  it('turns REQUEST_LIMIT_EXCEEDED into QuotaExhaustedError at the next UTC midnight (or the configured time)', async () => {
    const r = await run([vendor(403, 'REQUEST_LIMIT_EXCEEDED')]);
    expect(r.result).toBeInstanceOf(QuotaExhaustedError);
    expect((r.result as QuotaExhaustedError).resumeAt.toISOString()).toBe('2025-05-21T00:00:00.000Z');
    const custom = await run([vendor(403, 'REQUEST_LIMIT_EXCEEDED')], { quotaResumeAt: (n) => new Date(n.getTime() + 3_600_000) });
    expect((custom.result as QuotaExhaustedError).resumeAt.toISOString()).toBe('2025-05-20T13:00:00.000Z');
    expect(r.attempts).toBe(1);
  });

  it('stops when the signal aborts during a backoff', async () => {
    const ac = new AbortController();
    const p = withRetry(async () => { throw vendor(503, 'ERROR_HTTP_503'); }, { signal: ac.signal, sleep: async () => { ac.abort(new Error('shutdown')); } });
    await expect(p).rejects.toThrow('shutdown');
  });

  it('has typed budget errors with actionable messages', () => {
    expect(new ApiShareExceededError('pull-leads', 8000, 15000, 0.5).message).toMatch(/8000\/15000.*50%.*maxDailyApiShare/);
    expect(nextUtcMidnight(new Date('2025-12-31T23:59:59Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('vendor errors', () => {
  it('parses Retry-After in seconds and as an HTTP date', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 20 May 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('nonsense', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('keeps method, path, status, code and Retry-After; drops query strings, bodies, tokens and personal data', () => {
    const raw = Object.assign(new Error('Company: data value too large: Jane Doe Holding (max length=10)'), { errorCode: 'STRING_TOO_LONG', data: { body: 'secret' } });
    const e = wrapVendorError(raw, { method: 'PATCH', path: 'https://x.my.salesforce.com/services/data/v60.0/composite/sobjects?x=jane@example.com', status: 400, headers: { 'retry-after': '3', authorization: 'Bearer abc' }, now });
    expect(e).toMatchObject({ method: 'PATCH', path: '/services/data/v60.0/composite/sobjects', status: 400, code: 'STRING_TOO_LONG', retryAfterMs: 3000 });
    expect(e.message).toBe('PATCH /services/data/v60.0/composite/sobjects failed: HTTP 400 STRING_TOO_LONG: Company: data value too large: [value] (max length=10)');
    expect(JSON.stringify(e)).not.toMatch(/secret|Jane|jane/);
    const net = wrapVendorError(Object.assign(new Error('request to https://x/services/data/v60.0/query?q=SELECT+Email+FROM+Lead failed, reason: socket hang up'), { code: 'ECONNRESET' }), { method: 'GET', path: '/services/data/v60.0/query?q=SELECT', now });
    expect(net.message).toBe('GET /services/data/v60.0/query failed: ECONNRESET');
  });

  it('scrubs HTML pages, e-mails and tokens from vendor messages', () => {
    expect(scrubVendorMessage('<html><body>down</body></html>')).toBe('HTML error page');
    expect(scrubVendorMessage('owner jane@example.com token 00D5g000000ABCD!AQ0123456789abcdefghijklmnopqrstuvwxyzABCDEF')).toBe('owner [email] token [secret]');
    expect(safePath('/services/data/v60.0/query?q=x')).toBe('/services/data/v60.0/query');
  });
});
