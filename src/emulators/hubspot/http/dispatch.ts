// One request through the emulated service: fault rules at the door, authentication (Bearer token: private-app or
// OAuth, 401 INVALID_AUTHENTICATION / EXPIRED_AUTHENTICATION), the rate limits (429 with the policy body), the
// handler, the X-HubSpot-RateLimit-* headers, and afterApply faults that lose a response after the write.
// https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#rate-limits
import type { Account } from '../account.ts';
import { expiredAgo } from '../auth.ts';
import type { Ctx } from '../api/context.ts';
import { tokenEndpoint, tokenInfo } from '../api/oauth.ts';
import { route } from '../api/router.ts';
import { faultCounts, isAfterApply } from '../faults.ts';
import type { Faults, FiredFault } from '../faults.ts';
import type { Policy } from '../limits.ts';
import { SearchEngine } from '../search/engine.ts';
import type { FaultKind, FaultStatusResponse } from '../types.ts';
import { classify } from './classify.ts';
import { HubSpotError, correlationId, expiredAuth, invalidAuth, notFound } from './errors.ts';
import { errorRes, json } from './http.ts';
import type { Req, Res } from './http.ts';

export type Outcome = Res | 'reset';

const POLICY_MESSAGE: Record<Policy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  // The exact text @hubspot/api-client's retry decorator matches to retry search throttling.
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

function faultRes(r: FaultStatusResponse): Res {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let body = '';
  if (typeof r.body === 'string') {
    body = r.body;
    if (!hasType) headers['Content-Type'] = /^\s*</.test(body) ? 'text/html;charset=utf-8' : 'text/plain;charset=utf-8';
  } else if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    if (!hasType) headers['Content-Type'] = 'application/json;charset=utf-8';
  }
  return { status: r.status, headers, body };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Dispatcher {
  private readonly search: SearchEngine;

  constructor(private readonly acct: Account, private readonly faults: Faults) {
    this.search = new SearchEngine(acct);
  }

  /** The 429 body and headers HubSpot sends for a policy. */
  throttled(policy: Policy, opts: { search: boolean; daily: boolean; retryAfterSec?: number }): Res {
    const body = {
      status: 'error', message: POLICY_MESSAGE[policy], errorType: 'RATE_LIMIT', correlationId: correlationId(), policyName: policy,
      groupName: policy === 'SECONDLY' ? `publicapi:search:${this.acct.config.portalId}` : `publicapi:${this.acct.config.portalId}`,
    };
    const headers = this.acct.limits.headers(opts);
    if (opts.retryAfterSec !== undefined) headers['Retry-After'] = String(opts.retryAfterSec);
    return json(429, body, headers);
  }

  async handle(req: Req, base: string): Promise<Outcome> {
    const kind = classify(req.method, req.path);
    const fault = this.faults.match({ kind, method: req.method, path: req.path }, 'door');
    if (fault && 'delayMs' in fault.rule && typeof fault.rule.delayMs === 'number') await sleep(fault.rule.delayMs);
    if (fault && !isAfterApply(fault.rule) && ('status' in fault.rule || 'reset' in fault.rule || 'throttle' in fault.rule || 'expireTokens' in fault.rule)) {
      return this.injectAtDoor(fault, kind);
    }
    const res = this.route(req, kind, base);
    if (fault && isAfterApply(fault.rule)) {
      const after = fault.rule.afterApply;
      return 'reset' in after ? 'reset' : faultRes(after);
    }
    return res;
  }

  private injectAtDoor(fault: FiredFault, kind: FaultKind): Outcome {
    const api = kind !== 'auth';
    const counts = api && faultCounts(fault.rule);
    if (counts) {
      this.acct.limits.consume({ daily: true });
      this.acct.stats.billed(kind);
    } else if (api) {
      this.acct.stats.rejected();
    }
    const r = fault.rule;
    if ('reset' in r) return 'reset';
    if ('throttle' in r) {
      return this.throttled(r.throttle.policy, { search: kind === 'search', daily: true, ...(r.throttle.retryAfterSec !== undefined ? { retryAfterSec: r.throttle.retryAfterSec } : {}) });
    }
    if ('expireTokens' in r) {
      this.acct.tokens.expireAll();
      return errorRes(withAgo(expiredAuth(), 0));
    }
    return faultRes(r as FaultStatusResponse);
  }

  private route(req: Req, kind: FaultKind, base: string): Res {
    if (kind === 'auth') {
      if (req.path === '/oauth/v1/token' && req.method === 'POST') {
        this.acct.stats.auth();
        return tokenEndpoint(this.acct, req);
      }
      if (req.method === 'GET') return tokenInfo(this.acct, req);
      return errorRes(notFound());
    }
    const auth = this.acct.tokens.check(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    if (!auth.ok) {
      this.acct.stats.rejected();
      return errorRes(auth.reason === 'expired' ? withAgo(expiredAuth(), auth.agoMs) : invalidAuth());
    }
    const opts = { search: kind === 'search', daily: auth.kind === 'private' };
    const refused = this.acct.limits.admit(opts);
    if (refused) {
      this.acct.stats.throttled();
      return this.throttled(refused, opts);
    }
    this.acct.stats.billed(kind);
    const ctx: Ctx = { acct: this.acct, req, kind, search: this.search, faults: this.faults, base };
    let res: Res;
    try {
      res = route(ctx);
    } catch (e) {
      res = errorRes(e instanceof HubSpotError ? e : new HubSpotError(500, 'INTERNAL_ERROR', e instanceof Error ? e.message : String(e)));
    }
    Object.assign(res.headers, this.acct.limits.headers(opts));
    return res;
  }
}

function withAgo(e: HubSpotError, agoMs: number): HubSpotError {
  return new HubSpotError(e.status, e.category, `The OAuth token used to make this call expired ${expiredAgo(agoMs)} ago.`);
}
