// The only file that imports @hubspot/api-client (CONVENTIONS rule 1). It owns authentication (private app token or
// OAuth with refresh), the account's rate limiter, call accounting per stage, and the retry policy. Nothing
// SDK-shaped leaves this file: callers get parsed JSON they validate with zod, or a VendorError.
//
// What @hubspot/api-client 13.x does on its own, and what we change (node_modules/@hubspot/api-client/lib/src):
// - `numberOfApiCallRetries` is the total number of attempts; its RetryDecorator sleeps fixed 10 s on any
//   TEN_SECONDLY 429, ignores Retry-After and never handles DAILY. We set 1 (no retry) and keep lib/retry.ts the
//   single, testable policy. Its Bottleneck limiter lives in a process-wide singleton (ApiDecoratorService) and
//   only applies with `limiterOptions`: we leave it off and pace with limiter.ts, driven by the response headers.
// - `apiRequest()` returns the raw node-fetch Response (status, X-HubSpot-RateLimit-* headers, body) without
//   throwing, and sends `basePath` + path with the Bearer token: every call goes through it, so every call is
//   metered, paced and classified the same way.
// - There is no request timeout; a hung call is abandoned after `requestTimeoutMs` (writes are full snapshots and
//   deals are keyed by a unique property, so a replay after a timeout is harmless).
import { Client } from '@hubspot/api-client';
import { localDayOf, localToUtc } from '../../domain/calendar.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RetryOptions, RetryPolicy, Sleep } from '../../lib/retry.ts';
import { QuotaExhaustedError, realSleep, withRetry } from '../../lib/retry.ts';
import { VendorError, wrapVendorError } from '../../lib/vendor-error.ts';
import type { ApiUsage } from '../contract.ts';
import type { HubSpotSettings, TokenStore } from './auth.ts';
import { AccessToken, accountKey, need, refreshGrant } from './auth.ts';
import { classifyHubSpot, responseError } from './errors.ts';
import type { CallKind, LimiterRegistry, RateLimiter } from './limiter.ts';
import { sharedLimiters } from './limiter.ts';
import { describeIssues, tokenResponseSchema } from './schemas.ts';
import type { Headers, Stage } from './usage.ts';
import { UsageMeter } from './usage.ts';

export interface ClientDeps {
  readonly settings: HubSpotSettings;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  /** The account's limiter; default: the process-wide one for this account (limiter.ts). */
  readonly limiter?: RateLimiter;
  readonly limiters?: LimiterRegistry;
  readonly requestTimeoutMs?: number;
}

export interface Request {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly qs?: Readonly<Record<string, string>>;
  /** CRM search has its own per-second limit. */
  readonly kind?: CallKind;
}

/** The next midnight in the account's time zone: when HubSpot resets the daily limit. */
export function nextMidnightIn(timeZone: string, now: Date): Date {
  return new Date(localToUtc(localDayOf(now.getTime(), timeZone) + 1, 0, timeZone));
}

export class HubSpotClient {
  private readonly meter: UsageMeter;
  private readonly sleep: Sleep;
  readonly limiter: RateLimiter;
  private readonly access: AccessToken;
  private sdk: Client | null = null;
  private refreshToken: string | null = null;
  private savedToken: string | null = null;
  private refreshing: Promise<void> | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ClientDeps) {
    const s = deps.settings;
    this.meter = new UsageMeter(deps.now, s.maxDailyApiShare);
    this.sleep = deps.sleep ?? realSleep;
    this.limiter = deps.limiter ?? (deps.limiters ?? sharedLimiters).for(accountKey(s), s.rateLimit);
    this.access = new AccessToken(deps.now);
  }

  private get oauth(): boolean {
    return this.deps.settings.auth.flow === 'oauth';
  }

  usage(): ApiUsage {
    return this.meter.snapshot();
  }

  /** Refuses to start a stage while the daily limit is gone or above leadrelay's share (no API call). */
  beginStage(stage: Stage): void {
    this.meter.beginStage(stage);
  }

  async connect(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.ensureToken(signal);
  }

  private client(): Client {
    // One SDK client; a new access token is swapped in with setAccessToken. 1 attempt = the SDK never retries.
    this.sdk ??= new Client({ basePath: this.deps.settings.baseUrl.replace(/\/+$/, ''), numberOfApiCallRetries: 1 });
    return this.sdk;
  }

  private async ensureToken(signal: AbortSignal): Promise<void> {
    const s = this.deps.settings;
    if (!this.oauth) {
      if (this.access.value === null) {
        const token = need(s.auth.accessToken, 'accessToken', 'private_app');
        this.access.set(token, null);
        this.client().setAccessToken(token);
      }
      return;
    }
    // Refresh before the 30-minute expiry, not after a failed call.
    if (this.access.stale) await this.refresh(signal);
  }

  /** The refresh_token grant, single-flight; a rotated refresh token is persisted before it is used again. */
  private refresh(signal: AbortSignal): Promise<void> {
    this.refreshing ??= this.runRefresh(signal).finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async runRefresh(signal: AbortSignal): Promise<void> {
    const s = this.deps.settings;
    this.refreshToken ??= (await this.deps.tokens.load()) ?? need(s.auth.refreshToken, 'refreshToken', 'oauth');
    const form = refreshGrant(s, this.refreshToken);
    const raw = await withRetry(() => this.send('auth', { method: 'POST', path: '/oauth/v1/token', body: form }, signal, true), this.retryOptions('auth', signal));
    const parsed = tokenResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new VendorError({ vendor: 'hubspot', method: 'POST', path: '/oauth/v1/token', status: 200, code: 'MALFORMED_TOKEN_RESPONSE', message: `token response: ${describeIssues(parsed.error)}`, retryAfterMs: null });
    }
    const t = parsed.data;
    this.access.set(t.access_token, t.expires_in);
    this.client().setAccessToken(t.access_token);
    if (t.refresh_token !== undefined && t.refresh_token !== this.refreshToken) {
      this.refreshToken = t.refresh_token;
      this.persist(t.refresh_token);
    } else if (this.savedToken === null && this.refreshToken !== null) {
      this.persist(this.refreshToken);
    }
    this.deps.logger.info('hubspot access token refreshed', { expiresInSeconds: t.expires_in });
  }

  private persist(token: string): void {
    if (token === this.savedToken) return;
    this.savedToken = token;
    this.saving = this.saving.then(() => this.deps.tokens.save(token)).catch((e: unknown) => {
      this.deps.logger.error('could not persist the rotated HubSpot refresh token; the next start may fail to authenticate', { error: e });
    });
  }

  private retryOptions(stage: string, signal: AbortSignal, call = 'POST /oauth/v1/token'): RetryOptions {
    return {
      signal,
      sleep: this.sleep,
      now: this.deps.now,
      ...(this.deps.random ? { random: this.deps.random } : {}),
      ...(this.deps.retry ? { policy: this.deps.retry } : {}),
      classify: (e) => classifyHubSpot(e, this.oauth && stage !== 'auth'),
      quotaResumeAt: (now) => nextMidnightIn(this.deps.settings.timeZone, now),
      onRetry: (i) => this.deps.logger.warn('hubspot call failed; retrying', { stage, call, code: i.code, attempt: i.attempt, delayMs: i.delayMs }),
    };
  }

  /** One HTTP request: paced by the limiter, counted, classified. Returns the parsed JSON body (or null). */
  private async send(stage: string, req: Request, signal: AbortSignal, form = false): Promise<unknown> {
    signal.throwIfAborted();
    this.meter.checkPause();
    if (!form) await this.limiter.acquire(req.kind ?? 'standard', { now: this.deps.now, sleep: this.sleep, signal });
    this.meter.record(stage);
    const sdk = this.client();
    const timeoutMs = this.deps.requestTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    let answered = false;
    try {
      const res = await Promise.race([sdk.apiRequest({
        method: req.method, path: req.path,
        ...(req.qs ? { qs: req.qs } : {}),
        ...(form
          ? { body: req.body, defaultJson: false, authType: 'none', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
          : req.body === undefined ? {} : { body: req.body }),
      }), timeout]);
      this.meter.outcome(res.status);
      answered = true;
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => { headers[k.toLowerCase()] = v; });
      const at = this.deps.now();
      if (!form) {
        this.limiter.observe(headers, at);
        this.meter.observe(headers);
      }
      const text = await Promise.race([res.text(), timeout]);
      if (res.status >= 200 && res.status < 300) return text === '' ? null : (JSON.parse(text) as unknown);
      const err = responseError({ method: req.method, path: req.path, status: res.status, headers, text, now: at });
      // Throttled: everyone on this account waits the window out, not just this call.
      if (res.status === 429 && err.policy !== 'DAILY' && err.retryAfterMs !== null) {
        this.limiter.block(new Date(at.getTime() + err.retryAfterMs), err.policy === 'SECONDLY');
      }
      throw err;
    } catch (e) {
      if (e instanceof VendorError) throw e;
      if (!answered) this.meter.outcome(null);
      throw wrapVendorError(e, { vendor: 'hubspot', method: req.method, path: req.path, now: this.deps.now() });
    } finally {
      clearTimeout(timer);
    }
  }

  /** One logical API call under the retry policy, counted under `stage`. */
  async call(stage: Stage, req: Request, signal: AbortSignal): Promise<unknown> {
    await this.ensureToken(signal);
    try {
      return await withRetry(async () => {
        await this.ensureToken(signal);
        return this.send(stage, req, signal);
      }, {
        ...this.retryOptions(stage, signal, `${req.method} ${req.path}`),
        // A 401 on an OAuth token: refresh once (the token may have been revoked early), then replay.
        refresh: async () => {
          this.access.clear();
          await this.refresh(signal);
        },
      });
    } catch (e) {
      if (e instanceof QuotaExhaustedError) {
        this.meter.pause(e.resumeAt);
        this.deps.logger.error('hubspot daily API limit exhausted; pausing HubSpot calls', { stage, resumeAt: e.resumeAt.toISOString() });
      }
      throw e;
    }
  }

  /** Waits for pending token saves. */
  async close(): Promise<void> {
    await this.saving;
  }
}

export type { Headers };
