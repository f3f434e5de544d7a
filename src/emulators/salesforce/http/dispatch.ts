// One request through the emulated service: fault rules at the door, authentication (Bearer header for REST,
// SessionHeader for SOAP), the daily API allocation (Sforce-Limit-Info on every API response, 403
// REQUEST_LIMIT_EXCEEDED when spent), the handler, and afterApply faults that lose a response after the write.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
import type { Services } from '../api/context.ts';
import type { Cometd } from '../cometd.ts';
import type { OAuth } from '../api/oauth.ts';
import { routeRest, versions } from '../api/rest.ts';
import type { Session, Sessions } from '../api/sessions.ts';
import { faultCounts, isAfterApply } from '../faults.ts';
import type { FiredFault } from '../faults.ts';
import { JsonParserError } from '../data/values.ts';
import { metadataCall } from '../soap/metadata.ts';
import { partnerCall } from '../soap/partner.ts';
import { envelope, faultResponse, METADATA_NS, PARTNER_FAULT_NS, PARTNER_NS, parseEnvelope, SoapFault, toXml } from '../soap/xml.ts';
import type { Stats } from '../stats.ts';
import type { CallKind, FaultKind, FaultStatusResponse } from '../types.ts';
import { ApiError, limitExceeded, notFound, sessionInvalid } from './errors.ts';
import { classify, errorRes, json, splitDataPath, xml } from './http.ts';
import type { Req, Res } from './http.ts';

export type Outcome = Res | 'reset';

export interface DispatchDeps extends Services {
  sessions: Sessions;
  oauth: OAuth;
  stats: Stats;
  startedAt: number;
  cometd: Cometd;
}

function faultRes(r: FaultStatusResponse): Res {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let body = '';
  if (typeof r.body === 'string') {
    body = r.body;
    if (!hasType) headers['Content-Type'] = /^\s*</.test(body) ? 'text/html' : 'text/plain';
  } else if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    if (!hasType) headers['Content-Type'] = 'application/json;charset=UTF-8';
  }
  return { status: r.status, headers, body };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Dispatcher {
  constructor(private readonly d: DispatchDeps) {}

  private limitHeader(res: Res): Res {
    res.headers['Sforce-Limit-Info'] = `api-usage=${this.d.org.apiUsed}/${this.d.org.apiLimit}`;
    return res;
  }

  /** Counts the call against the daily allocation, or refuses it when the allocation is spent. */
  private admit(kind: CallKind): boolean {
    const org = this.d.org;
    if (org.apiUsed >= org.apiLimit) {
      this.d.stats.rejected();
      return false;
    }
    org.apiUsed++;
    this.d.stats.billed(kind);
    return true;
  }

  async handle(req: Req): Promise<Outcome> {
    const kind = classify(req.method, req.path, req.query);
    const fault = this.d.faults.match({ kind, method: req.method, path: req.path }, 'door');
    if (fault && 'delayMs' in fault.rule && typeof fault.rule.delayMs === 'number') await sleep(fault.rule.delayMs);
    if (fault && !isAfterApply(fault.rule) && ('status' in fault.rule || 'reset' in fault.rule)) {
      return this.injectAtDoor(fault, kind);
    }
    // The Streaming API is not counted against the REST API allocation (it has its own event-delivery allocation).
    if (req.path.startsWith('/cometd/')) return this.d.cometd.handle(req);
    const res = this.route(req, kind);
    if (fault && isAfterApply(fault.rule)) {
      const after = fault.rule.afterApply;
      return 'reset' in after ? 'reset' : this.limitHeader(faultRes(after));
    }
    return res;
  }

  private injectAtDoor(fault: FiredFault, kind: FaultKind): Outcome {
    const api = kind !== 'auth';
    const counts = api && faultCounts(fault.rule);
    if (counts) {
      this.d.org.apiUsed++;
      this.d.stats.billed(kind);
    } else if (api) {
      this.d.stats.rejected();
    }
    if ('reset' in fault.rule) return 'reset';
    const res = faultRes(fault.rule as FaultStatusResponse);
    return counts ? this.limitHeader(res) : res;
  }

  private route(req: Req, kind: FaultKind): Res {
    const p = req.path;
    if (kind === 'auth') return this.auth(req);
    if (p === '/services/data' || p === '/services/data/') {
      return json(200, versions(Math.max(62, Math.floor(Number(this.d.org.config.apiVersion)))));
    }
    if (p.startsWith('/services/Soap/')) return this.soap(req, kind);
    const data = splitDataPath(p);
    if (!data) return errorRes(notFound());
    const session = this.session(req);
    if (!session) {
      this.d.stats.rejected();
      return errorRes(sessionInvalid());
    }
    if (!this.admit(kind)) return this.limitHeader(errorRes(limitExceeded()));
    try {
      return this.limitHeader(routeRest({ ...this.d, req, session, version: data.version, kind }, data.segments, this.d.startedAt));
    } catch (e) {
      return this.limitHeader(errorRes(toApiError(e)));
    }
  }

  private auth(req: Req): Res {
    const p = req.path;
    if (p === '/services/oauth2/token') {
      this.d.stats.auth();
      return this.d.oauth.token(req);
    }
    if (p === '/services/oauth2/revoke') return this.d.oauth.revoke(req);
    if (p === '/services/oauth2/userinfo') return this.d.oauth.identity(req, true);
    if (p.startsWith('/id/')) return this.d.oauth.identity(req, false);
    return errorRes(notFound());
  }

  private session(req: Req): Session | undefined {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
    return this.d.sessions.check(m?.[1]?.trim());
  }

  private soap(req: Req, kind: CallKind): Res {
    const metadata = kind === 'metadata';
    const ns = metadata ? METADATA_NS : PARTNER_NS;
    const faultNs = metadata ? METADATA_NS : PARTNER_FAULT_NS;
    try {
      const call = parseEnvelope(req.body);
      if (!metadata && call.op === 'login') return this.soapLogin(call.args);
      const session = this.d.sessions.check(call.sessionId);
      if (!session) {
        this.d.stats.rejected();
        throw new SoapFault('sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
      }
      if (!this.admit(kind)) throw new SoapFault('sf:REQUEST_LIMIT_EXCEEDED', 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      const body = metadata
        ? metadataCall(this.d.org, call.op, call.args)
        : partnerCall(this.d.org, this.d.dml, session.userId, call.op, call.args);
      // Partner responses carry the API usage in a LimitInfoHeader, as the real service does.
      const header = metadata ? '' : toXml('LimitInfoHeader', { limitInfo: { current: this.d.org.apiUsed, limit: this.d.org.apiLimit, type: 'API REQUESTS' } });
      return this.limitHeader(xml(200, envelope(ns, body, header)));
    } catch (e) {
      const fault = e instanceof SoapFault ? e : new SoapFault('sf:UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION', e instanceof Error ? e.message : String(e));
      return this.limitHeader(faultResponse(fault, faultNs));
    }
  }

  /** SOAP login (jsforce uses it when no OAuth client is configured). Not counted against the API limit. */
  private soapLogin(args: Record<string, unknown>): Res {
    this.d.stats.auth();
    const username = typeof args.username === 'string' ? args.username : '';
    const password = typeof args.password === 'string' ? args.password : '';
    const user = this.d.org.userByName(username);
    if (!user || (password !== user.password && password !== user.password + (user.securityToken ?? ''))) {
      return faultResponse(new SoapFault('sf:INVALID_LOGIN', 'INVALID_LOGIN', 'Invalid username, password, security token; or user locked out.'), PARTNER_FAULT_NS);
    }
    const s = this.d.sessions.issueAccess(user.id, this.d.org.nowMs());
    const v = this.d.org.config.apiVersion;
    const result = {
      metadataServerUrl: `${this.d.org.url}/services/Soap/m/${v}/${this.d.org.orgId}`, passwordExpired: false, sandbox: false,
      serverUrl: `${this.d.org.url}/services/Soap/u/${v}/${this.d.org.orgId}`, sessionId: s.token, userId: user.id,
      userInfo: { organizationId: this.d.org.orgId, userId: user.id, userName: user.username },
    };
    return xml(200, envelope(PARTNER_NS, `<loginResponse>${toXml('result', result)}</loginResponse>`));
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof JsonParserError) return new ApiError(400, 'JSON_PARSER_ERROR', e.message);
  return new ApiError(500, 'UNKNOWN_EXCEPTION', e instanceof Error ? e.message : String(e));
}
