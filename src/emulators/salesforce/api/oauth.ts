// OAuth 2.0 token endpoint (password, refresh_token, client_credentials, JWT bearer), revoke, userinfo and the
// identity URL. Failures are 400 {"error","error_description"} exactly as Salesforce words them.
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_endpoints.htm&type=5
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { json } from '../http/http.ts';
import type { Req, Res } from '../http/http.ts';
import type { Org, OrgUser } from '../org.ts';
import type { Sessions } from './sessions.ts';

const oauthError = (error: string, description: string, status = 400): Res =>
  json(status, { error, error_description: description });

function form(req: Req): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    try {
      const o = JSON.parse(req.body) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  const params = new URLSearchParams(req.body);
  for (const [k, v] of req.query) if (!params.has(k)) params.set(k, v);
  return params;
}

function b64json(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class OAuth {
  constructor(private readonly org: Org, private readonly sessions: Sessions) {}

  private tokenResponse(user: OrgUser, refreshToken: string | undefined): Res {
    const now = this.org.nowMs();
    const s = this.sessions.issueAccess(user.id, now);
    const id = this.org.identityUrl(user.id);
    const issuedAt = String(now);
    // signature = base64(HMAC-SHA256(client secret, id + issued_at)), which clients may verify.
    const signature = createHmac('sha256', this.org.config.clientSecret).update(id + issuedAt).digest('base64');
    return json(200, {
      access_token: s.token, ...(refreshToken ? { refresh_token: refreshToken } : {}), signature, scope: 'api refresh_token',
      instance_url: this.org.url, id, token_type: 'Bearer', issued_at: issuedAt,
    });
  }

  private checkClient(p: URLSearchParams, needSecret: boolean): Res | undefined {
    const cfg = this.org.config;
    if (p.get('client_id') !== cfg.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
    if ((needSecret || p.has('client_secret')) && p.get('client_secret') !== cfg.clientSecret) {
      return oauthError('invalid_client', 'invalid client credentials');
    }
    return undefined;
  }

  token(req: Req): Res {
    if (req.method !== 'POST') return oauthError('invalid_request', 'must use HTTP POST');
    const p = form(req);
    const grant = p.get('grant_type');
    switch (grant) {
      case 'password': {
        const bad = this.checkClient(p, true);
        if (bad) return bad;
        const user = this.org.userByName(p.get('username') ?? '');
        const pw = p.get('password') ?? '';
        const ok = user && (pw === user.password || (user.securityToken !== undefined && pw === user.password + user.securityToken));
        if (!user || !ok) return oauthError('invalid_grant', 'authentication failure');
        return this.tokenResponse(user, this.sessions.issueRefresh(user.id));
      }
      case 'refresh_token': {
        const bad = this.checkClient(p, false);
        if (bad) return bad;
        const rt = p.get('refresh_token') ?? '';
        const owner = this.sessions.refreshOwner(rt);
        const user = owner ? this.org.userById(owner) : undefined;
        if (!user) return oauthError('invalid_grant', 'expired access/refresh token');
        let next: string | undefined;
        if (this.org.config.rotateRefreshTokens) {
          // Refresh token rotation: the old token is spent; the client must persist the new one.
          this.sessions.revokeRefresh(rt);
          next = this.sessions.issueRefresh(user.id);
        }
        return this.tokenResponse(user, next);
      }
      case 'client_credentials': {
        const bad = this.checkClient(p, true);
        if (bad) return bad;
        const user = this.org.users[0];
        if (!user) return oauthError('invalid_grant', 'no client credentials user enabled');
        return this.tokenResponse(user, undefined);
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
        return this.jwtBearer(p.get('assertion') ?? '');
      default:
        return oauthError('unsupported_grant_type', 'grant type not supported');
    }
  }

  /** RS256 JWT: iss = consumer key, sub = username, aud = login URL, exp in the future. */
  private jwtBearer(assertion: string): Res {
    const [h, c, sig] = assertion.split('.');
    const header = b64json(h);
    const claims = b64json(c);
    if (!header || !claims || sig === undefined || header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
    const pem = this.org.config.jwtPublicKeyPem;
    if (!pem) return oauthError('invalid_grant', 'invalid assertion');
    let valid: boolean;
    try {
      valid = verify('RSA-SHA256', Buffer.from(`${h}.${c}`), createPublicKey(pem), Buffer.from(sig, 'base64url'));
    } catch {
      valid = false;
    }
    if (!valid) return oauthError('invalid_grant', 'invalid assertion');
    if (claims.iss !== this.org.config.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
    const aud = typeof claims.aud === 'string' ? claims.aud.replace(/\/$/, '') : '';
    if (aud !== this.org.url) return oauthError('invalid_grant', 'audience is invalid');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.org.nowMs()) {
      return oauthError('invalid_grant', 'expired authorization code');
    }
    const user = this.org.userByName(typeof claims.sub === 'string' ? claims.sub : '');
    if (!user) return oauthError('invalid_grant', "user hasn't approved this consumer");
    return this.tokenResponse(user, undefined);
  }

  revoke(req: Req): Res {
    const token = form(req).get('token') ?? '';
    if (!this.sessions.revoke(token)) return oauthError('unsupported_token_type', 'this token type is not supported');
    return { status: 200, headers: {}, body: '' };
  }

  private bearer(req: Req): string | undefined {
    const auth = String(req.headers.authorization ?? '');
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth);
    return m?.[1] ?? req.query.get('oauth_token') ?? undefined;
  }

  /** GET /services/oauth2/userinfo (OpenID Connect) and GET /id/<org>/<user> (identity URL). */
  identity(req: Req, openId: boolean): Res {
    const s = this.sessions.check(this.bearer(req));
    if (!s) return { status: 403, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: 'Bad_OAuth_Token' };
    const user = this.org.userById(s.userId);
    const username = user?.username ?? '';
    const common = {
      organization_id: this.org.orgId, user_id: s.userId, preferred_username: username, email: username,
      email_verified: true, name: username, active: true, user_type: 'STANDARD', language: 'en_US', locale: 'en_US',
      utcOffset: 0, zoneinfo: 'GMT', updated_at: new Date(this.org.nowMs()).toISOString(),
    };
    if (openId) return json(200, { sub: this.org.identityUrl(s.userId), ...common, nickname: username.split('@')[0] ?? username });
    const base = `${this.org.url}/services/data/v{version}`;
    return json(200, {
      id: this.org.identityUrl(s.userId), asserted_user: true, username, display_name: username, nick_name: username.split('@')[0] ?? username,
      ...common, urls: {
        enterprise: `${this.org.url}/services/Soap/c/{version}/${this.org.orgId}`, metadata: `${this.org.url}/services/Soap/m/{version}/${this.org.orgId}`,
        partner: `${this.org.url}/services/Soap/u/{version}/${this.org.orgId}`, rest: `${base}/`, sobjects: `${base}/sobjects/`,
        query: `${base}/query/`, limits: `${base}/limits`, profile: `${this.org.url}/${s.userId}`,
      },
    });
  }
}
