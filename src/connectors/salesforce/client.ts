// The only file that imports jsforce (CONVENTIONS rule 1). It owns the Connection, authentication for the four
// OAuth flows, call accounting per stage, and the retry policy. Nothing jsforce-shaped leaves this file: callers get
// zod-validated payloads and VendorErrors.
//
// What jsforce 3.10.16 does on its own, and what we change (node_modules/jsforce/lib):
// - request.js retries GET/PUT/DELETE/HEAD/OPTIONS on 420/429/500/502/503/504 and socket errors, 5 times, with a
//   fixed 0.5 s·2^n backoff that ignores Retry-After and cannot be injected; PATCH/POST (our writes) never. We
//   switch that off per request (`retry.methods: []`) so lib/retry.ts is the single, testable policy.
// - http-api.js refreshes the session on any REST 401 (SOAP: a 500 fault INVALID_SESSION_ID) through the
//   connection's refresh delegate, single-flight, then replays; a refresh that "works" but yields a token the API
//   still rejects loops forever. Our refreshFn refuses a second refresh inside the same call.
// - The default oauth refresh keeps the OLD refresh token after a rotation, and `authorize()` crashes with a
//   TypeError on a token response without `id`; we run the grant ourselves, validate it, and persist rotations.
// - HttpApiError carries no HTTP status or headers; the metered transport below records them per call.
// - `conn.limitInfo` is reset to {} on every (re)authentication and is only set by REST calls (not SOAP/Metadata);
//   the metered transport parses Sforce-Limit-Info from every response instead.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Connection } from 'jsforce';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce';
import type { Logger } from '../../lib/logger.ts';
import type { RetryOptions, RetryPolicy, Sleep } from '../../lib/retry.ts';
import { QuotaExhaustedError, nextUtcMidnight, realSleep, withRetry } from '../../lib/retry.ts';
import { VendorError, wrapVendorError } from '../../lib/vendor-error.ts';
import type { ApiUsage } from '../contract.ts';
import type { SalesforceSettings, TokenStore } from './auth.ts';
import { grantParams, loginUrlOf, parseIdentityUrl } from './auth.ts';
import type { QueryPage, TokenResponse } from './schemas.ts';
import { describeIssues, queryPageSchema, tokenResponseSchema } from './schemas.ts';
import type { Stage } from './usage.ts';
import { UsageMeter } from './usage.ts';

export interface ClientDeps {
  readonly settings: SalesforceSettings;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  /** When work resumes after REQUEST_LIMIT_EXCEEDED; default next UTC midnight (the org's window is rolling 24 h). */
  readonly quotaResumeAt?: (now: Date) => Date;
  /** Per-request timeout; jsforce's default is 30 minutes. */
  readonly requestTimeoutMs?: number;
}

/** What one logical call (with its retries and refresh) saw; carried through jsforce by AsyncLocalStorage. */
interface CallContext {
  readonly stage: Stage;
  status: number | null;
  headers: Record<string, string>;
  refreshed: boolean;
  authError: VendorError | null;
}

type Transport = Connection['_transport'];
/** jsforce types metadata calls per known type name; we pass names from the mapping, so a looser view. */
interface LooseMetadataApi {
  create(type: string, metadata: object[]): Promise<unknown>;
  read(type: string, fullNames: string[]): Promise<unknown>;
  update(type: string, metadata: object[]): Promise<unknown>;
}
export type LeadConvertInput = { leadId: string; convertedStatus: string; opportunityName: string };

export class SalesforceClient {
  private readonly als = new AsyncLocalStorage<CallContext>();
  private readonly meter: UsageMeter;
  private readonly sleep: Sleep;
  private conn: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  private refreshToken: string | null = null;
  private savedToken: string | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ClientDeps) {
    this.meter = new UsageMeter(deps.now, deps.settings.maxDailyApiShare);
    this.sleep = deps.sleep ?? realSleep;
  }

  get apiVersion(): string {
    return this.deps.settings.apiVersion;
  }

  usage(): ApiUsage {
    return this.meter.snapshot();
  }

  /** Refuses to start a stage while the quota is gone or above leadrelay's share (typed errors, no API call). */
  beginStage(stage: Stage): void {
    this.meter.beginStage(stage);
  }

  async connect(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.connection();
  }

  private connection(): Promise<Connection> {
    if (this.conn) return Promise.resolve(this.conn);
    this.connecting ??= this.open().finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private async open(): Promise<Connection> {
    const s = this.deps.settings;
    if (s.auth.flow === 'refresh_token') this.refreshToken = (await this.deps.tokens.load()) ?? s.auth.refreshToken ?? null;
    const loginUrl = loginUrlOf(s);
    const conn = new Connection({
      loginUrl,
      version: s.apiVersion,
      // The JWT bearer flow authenticates with the signed assertion; sending a client secret is not part of it.
      oauth2: { loginUrl, clientId: s.auth.clientId ?? '', ...(s.auth.flow !== 'jwt' && s.auth.clientSecret ? { clientSecret: s.auth.clientSecret } : {}) },
      refreshFn: (_c, callback) => {
        const ctx = this.als.getStore();
        if (ctx?.refreshed) {
          // Refresh once per call, then give up: a second 401 means the new session is rejected too.
          const e = new VendorError({ vendor: 'salesforce', method: 'GET', path: '-', status: 401, code: 'INVALID_SESSION_ID', message: 'the session was rejected again right after a refresh; check the integration user and the Connected App policies', retryAfterMs: null });
          ctx.authError = e;
          callback(e);
          return;
        }
        if (ctx) ctx.refreshed = true;
        this.deps.logger.info('salesforce session expired; re-authenticating', { flow: s.auth.flow });
        this.authenticate(conn).then(
          (res) => callback(undefined, res.access_token, res as never),
          (e: unknown) => {
            const w = e instanceof VendorError ? e : this.wrap(e, 'POST', '/services/oauth2/token', null);
            if (ctx) ctx.authError = w;
            callback(w);
          },
        );
      },
    });
    // Persist a rotated refresh token the moment jsforce reports a refresh (README: connecting a real org).
    conn.on('refresh', (_accessToken: string, res: { refresh_token?: string } | undefined) => {
      if (res?.refresh_token && s.auth.flow === 'refresh_token') this.persist(res.refresh_token);
    });
    this.meterTransport(conn._transport, () => this.als.getStore()?.stage ?? 'other');
    this.meterTransport(conn.oauth2._transport, () => 'auth');
    // The token endpoint has outages too: transient failures are retried, invalid_grant & co. are not.
    const res = await withRetry(() => this.authenticate(conn), this.retryOptions('auth'));
    if (res.refresh_token && s.auth.flow === 'refresh_token') this.persist(res.refresh_token);
    this.conn = conn;
    return conn;
  }

  /** Run the configured grant (what `conn.authorize()` does, with validation) and establish the session. */
  private async authenticate(conn: Connection): Promise<TokenResponse> {
    const s = this.deps.settings;
    const params = await grantParams(s, this.refreshToken, this.deps.now());
    // Its own call context: the token endpoint's status and headers go into the error (and never the body).
    const ctx: CallContext = { stage: 'auth', status: null, headers: {}, refreshed: false, authError: null };
    let raw: unknown;
    try {
      raw = await this.als.run(ctx, () => conn.oauth2.requestToken(params));
    } catch (e) {
      throw this.wrap(e, 'POST', '/services/oauth2/token', ctx);
    }
    const parsed = tokenResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new VendorError({ vendor: 'salesforce', method: 'POST', path: '/services/oauth2/token', status: 200, code: 'MALFORMED_TOKEN_RESPONSE', message: `token response: ${describeIssues(parsed.error)}`, retryAfterMs: null });
    }
    const res = parsed.data;
    if (res.refresh_token && s.auth.flow === 'refresh_token') this.refreshToken = res.refresh_token;
    conn._establish({
      accessToken: res.access_token,
      // A configured instance URL (fixed My Domain, emulator) wins over the token response's.
      instanceUrl: s.instanceUrl ?? res.instance_url,
      userInfo: parseIdentityUrl(res.id),
      ...(this.refreshToken ? { refreshToken: this.refreshToken } : {}),
    });
    return res;
  }

  private persist(token: string): void {
    if (token === this.savedToken) return;
    this.savedToken = token;
    this.saving = this.saving.then(() => this.deps.tokens.save(token)).catch((e: unknown) => {
      this.deps.logger.error('could not persist the rotated Salesforce refresh token; the next start may fail to authenticate', { error: e });
    });
  }

  /** Count every HTTP request by stage, record status/headers for error classification, disable jsforce retries. */
  private meterTransport(transport: Transport, stageOf: () => string): void {
    const original = transport.httpRequest.bind(transport);
    const timeout = this.deps.requestTimeoutMs ?? 120_000;
    transport.httpRequest = (req: HttpRequest, options: HttpRequestOptions = {}) => {
      const ctx = this.als.getStore();
      this.meter.record(stageOf());
      const p = original(req, { ...options, timeout, retry: { ...options.retry, methods: [] } });
      p.then((res: HttpResponse) => {
        this.meter.outcome(res.statusCode === 429 ? '429' : `${Math.floor(res.statusCode / 100)}xx`);
        this.meter.observe(res.headers['sforce-limit-info']);
        if (ctx) {
          ctx.status = res.statusCode;
          ctx.headers = res.headers['retry-after'] ? { 'retry-after': res.headers['retry-after'] } : {};
        }
      }, () => this.meter.outcome('network'));
      return p;
    };
  }

  private wrap(e: unknown, method: string, path: string, ctx: CallContext | null): VendorError {
    // node-fetch reports our request timeout as an AbortError; it is a timeout, not a cancellation.
    const err = e instanceof Error && e.name === 'AbortError' ? Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' }) : e;
    return wrapVendorError(err, { method, path, status: ctx?.status ?? null, headers: ctx?.headers ?? {}, now: this.deps.now() });
  }

  private retryOptions(stage: Stage, signal?: AbortSignal, call = 'POST /services/oauth2/token'): RetryOptions {
    return {
      ...(signal ? { signal } : {}),
      sleep: this.sleep,
      now: this.deps.now,
      ...(this.deps.random ? { random: this.deps.random } : {}),
      ...(this.deps.retry ? { policy: this.deps.retry } : {}),
      quotaResumeAt: this.deps.quotaResumeAt ?? nextUtcMidnight,
      onRetry: (i) => this.deps.logger.warn('salesforce call failed; retrying', { stage, call, code: i.code, attempt: i.attempt, delayMs: i.delayMs }),
    };
  }

  /** One logical API call under the retry policy, counted under `stage`. */
  private async call<T>(stage: Stage, method: string, path: string, signal: AbortSignal, fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connection();
    try {
      return await withRetry(async () => {
        const ctx: CallContext = { stage, status: null, headers: {}, refreshed: false, authError: null };
        try {
          return await this.als.run(ctx, () => fn(conn));
        } catch (e) {
          throw ctx.authError ?? this.wrap(e, method, path, ctx);
        }
      }, this.retryOptions(stage, signal, `${method} ${path.split('?')[0] ?? ''}`));
    } catch (e) {
      if (e instanceof QuotaExhaustedError) {
        this.meter.pause(e.resumeAt);
        this.deps.logger.error('salesforce daily API limit exhausted; pausing CRM calls', { stage, resumeAt: e.resumeAt.toISOString() });
      }
      throw e;
    }
  }

  private base(): string {
    return `/services/data/v${this.apiVersion}`;
  }

  /**
   * SOQL page by page: we follow nextRecordsUrl ourselves (jsforce's autoFetch stops silently at maxFetch = 10,000).
   * Page size via `Sforce-Query-Options: batchSize` (200..2000; a hint the server may lower).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
   */
  async *queryPages(stage: Stage, soql: string, opts: { all: boolean; signal: AbortSignal }): AsyncGenerator<QueryPage> {
    const batch = Math.min(2000, Math.max(200, this.deps.settings.queryBatchSize));
    const headers = { 'Sforce-Query-Options': `batchSize=${batch}` };
    let url: string | null = `${this.base()}/${opts.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
    while (url !== null) {
      opts.signal.throwIfAborted();
      const u: string = url;
      const body = await this.call(stage, 'GET', u, opts.signal, (c) => c.request({ method: 'GET', url: u, headers }));
      const page = queryPageSchema.safeParse(body);
      if (!page.success) {
        throw new VendorError({ vendor: 'salesforce', method: 'GET', path: u.split('?')[0] ?? u, status: 200, code: 'MALFORMED_RESPONSE', message: `query page: ${describeIssues(page.error)}`, retryAfterMs: null });
      }
      yield page.data;
      url = page.data.done ? null : (page.data.nextRecordsUrl ?? null);
    }
  }

  /** sObject Collections update, `allOrNone: false`; ≤ 200 records (the caller chunks). */
  update(stage: Stage, sobject: string, records: ReadonlyArray<{ Id: string } & Record<string, unknown>>, signal: AbortSignal): Promise<unknown> {
    return this.call(stage, 'PATCH', `${this.base()}/composite/sobjects`, signal, (c) => c.update(sobject, records.map((r) => ({ ...r })), { allOrNone: false }));
  }

  /** sObject Collections upsert by external id: `PATCH /composite/sobjects/<T>/<extIdField>` (API ≥ 46). */
  upsert(stage: Stage, sobject: string, extIdField: string, records: ReadonlyArray<Record<string, unknown>>, signal: AbortSignal): Promise<unknown> {
    return this.call(stage, 'PATCH', `${this.base()}/composite/sobjects/${sobject}/${extIdField}`, signal,
      (c) => c.upsert(sobject, records.map((r) => ({ ...r })), extIdField, { allOrNone: false }));
  }

  /** SOAP convertLead (no REST equivalent). https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm */
  convertLeads(converts: readonly LeadConvertInput[], signal: AbortSignal): Promise<unknown> {
    const args = converts.map((c) => ({
      convertedStatus: c.convertedStatus, doNotCreateOpportunity: false, leadId: c.leadId,
      opportunityName: c.opportunityName, overwriteLeadSource: false, sendNotificationEmail: false,
    }));
    return this.call('convert', 'POST', `/services/Soap/u/${this.apiVersion}`, signal, (c) => c.soap.convertLead(args));
  }

  describe(sobject: string, signal: AbortSignal): Promise<unknown> {
    const url = `${this.base()}/sobjects/${sobject}/describe`;
    return this.call('describe', 'GET', url, signal, (c) => c.request({ method: 'GET', url }));
  }

  metadataCreate(type: string, items: readonly object[], signal: AbortSignal): Promise<unknown> {
    return this.call('metadata', 'POST', `/services/Soap/m/${this.apiVersion}#create`, signal, (c) => (c.metadata as unknown as LooseMetadataApi).create(type, items.map((i) => ({ ...i }))));
  }

  metadataRead(type: string, fullNames: readonly string[], signal: AbortSignal): Promise<unknown> {
    return this.call('metadata', 'POST', `/services/Soap/m/${this.apiVersion}#read`, signal, (c) => (c.metadata as unknown as LooseMetadataApi).read(type, [...fullNames]));
  }

  metadataUpdate(type: string, items: readonly object[], signal: AbortSignal): Promise<unknown> {
    return this.call('metadata', 'POST', `/services/Soap/m/${this.apiVersion}#update`, signal, (c) => (c.metadata as unknown as LooseMetadataApi).update(type, items.map((i) => ({ ...i }))));
  }

  /**
   * A CometD client through jsforce's Streaming API (`conn.streaming.createClient`, faye over long-polling) with the
   * given faye extensions, authenticated with the current session. Not metered: streaming requests do not count
   * against the REST API allocation (they have their own event-delivery allocation).
   * https://jsforce.github.io/document/#streaming-api
   * https://developer.salesforce.com/docs/atlas.en-us.api_streaming.meta/api_streaming/using_streaming_api_durability.htm
   */
  async streamingClient(extensions: readonly StreamingExtensionLike[], signal: AbortSignal): Promise<{ client: StreamingClientLike }> {
    signal.throwIfAborted();
    const conn = await this.connection();
    // Wrapped: a faye Client is itself a thenable (Deferrable) that settles only once connected, so returning it
    // from an async function would wait for that instead of handing it over.
    return { client: conn.streaming.createClient([...extensions]) as unknown as StreamingClientLike };
  }

  /**
   * A new session now (the streaming client learned that its session is no longer valid: CometD reports that as
   * `403::Unknown client` with ext.sfdc.failureReason `401::Authentication invalid`, never as an HTTP 401 that
   * jsforce's own refresh would catch).
   */
  async reauthenticate(signal: AbortSignal): Promise<void> {
    const conn = await this.connection();
    this.deps.logger.info('salesforce streaming session rejected; re-authenticating');
    await withRetry(() => this.authenticate(conn), { ...this.retryOptions('auth'), signal });
  }

  /** Waits for pending token saves. The session is left to expire: a logout would cost a call and gain nothing. */
  async close(): Promise<void> {
    await this.saving;
    this.conn = null;
  }
}

/** A faye extension (https://faye.jcoglan.com/node/extensions.html): sees every Bayeux message in and out. */
export interface StreamingExtensionLike {
  incoming?(message: Record<string, unknown>, callback: (m: Record<string, unknown>) => void): void;
  outgoing?(message: Record<string, unknown>, callback: (m: Record<string, unknown>) => void): void;
}

/** The part of faye's Client the streaming subscriber uses (faye ships no types). */
export interface StreamingClientLike {
  subscribe(channel: string, onMessage: (message: unknown) => void): { then(ok: () => void, failed: (e: { message?: string; code?: number }) => void): unknown; cancel(): void };
  disconnect(): void;
}

export function createSalesforceClient(deps: ClientDeps): SalesforceClient {
  return new SalesforceClient(deps);
}
