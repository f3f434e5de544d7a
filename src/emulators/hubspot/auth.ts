// Tokens: static private-app tokens (never expire) and OAuth access tokens that expire after 30 minutes on the
// emulator clock, refreshed with a long-lived refresh token (kept unless rotation is switched on).
// https://developers.hubspot.com/docs/guides/apps/authentication/working-with-oauth
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';

export interface TokenConfig {
  privateAppTokens: string[];
  refreshTokens: string[];
  accessTokenTtlMs: number;
  rotateRefreshTokens: boolean;
}

export type TokenCheck =
  | { ok: true; kind: 'private' | 'oauth'; token: string }
  | { ok: false; reason: 'missing' | 'invalid' }
  | { ok: false; reason: 'expired'; agoMs: number };

interface Access {
  expiresAt: number;
  refreshToken: string;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'bearer';
}

export class Tokens {
  private readonly access = new Map<string, Access>();
  private readonly refresh = new Set<string>();
  private readonly codes = new Map<string, { redirectUri: string | undefined }>();
  /** Access tokens used since expireAll() answer EXPIRED_AUTHENTICATION whatever their clock says. */
  private readonly forcedExpired = new Map<string, number>();

  constructor(private readonly config: TokenConfig, private readonly clock: Clock) {
    for (const r of config.refreshTokens) this.refresh.add(r);
  }

  check(header: string | undefined): TokenCheck {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    const token = m?.[1]?.trim();
    if (!token) return { ok: false, reason: 'missing' };
    if (this.config.privateAppTokens.includes(token)) return { ok: true, kind: 'private', token };
    const forced = this.forcedExpired.get(token);
    if (forced !== undefined) return { ok: false, reason: 'expired', agoMs: Math.max(0, this.clock.now() - forced) };
    const a = this.access.get(token);
    if (!a) return { ok: false, reason: 'invalid' };
    const now = this.clock.now();
    if (now >= a.expiresAt) return { ok: false, reason: 'expired', agoMs: now - a.expiresAt };
    return { ok: true, kind: 'oauth', token };
  }

  /** Expires every OAuth access token issued so far (a connector must refresh). */
  expireAll(): void {
    const now = this.clock.now();
    for (const t of this.access.keys()) this.forcedExpired.set(t, now);
    this.access.clear();
  }

  newCode(redirectUri?: string): string {
    const code = randomUUID();
    this.codes.set(code, { redirectUri });
    return code;
  }

  /** Exchanges a one-time code; 'bad-code' or 'bad-redirect' on failure. */
  redeemCode(code: string, redirectUri: string | undefined): IssuedTokens | 'bad-code' | 'bad-redirect' {
    const c = this.codes.get(code);
    if (!c) return 'bad-code';
    if (c.redirectUri !== undefined && c.redirectUri !== redirectUri) return 'bad-redirect';
    this.codes.delete(code);
    return this.install();
  }

  refreshWith(refreshToken: string): IssuedTokens | undefined {
    if (!this.refresh.has(refreshToken)) return undefined;
    let next = refreshToken;
    if (this.config.rotateRefreshTokens) {
      this.refresh.delete(refreshToken);
      next = this.newRefresh();
    }
    return this.issueAccess(next);
  }

  /** As an app install: a new refresh token and an access token. */
  install(): IssuedTokens {
    return this.issueAccess(this.newRefresh());
  }

  info(token: string): { expiresIn: number } | undefined {
    const a = this.access.get(token);
    if (!a) return undefined;
    return { expiresIn: Math.max(0, Math.floor((a.expiresAt - this.clock.now()) / 1000)) };
  }

  hasRefresh(token: string): boolean {
    return this.refresh.has(token);
  }

  private newRefresh(): string {
    const r = `na1-${randomUUID()}`;
    this.refresh.add(r);
    return r;
  }

  private issueAccess(refreshToken: string): IssuedTokens {
    // OAuth access tokens are opaque strings of ~150 characters beginning with 'C'.
    const token = `C${randomBytes(96).toString('base64url')}`;
    this.access.set(token, { expiresAt: this.clock.now() + this.config.accessTokenTtlMs, refreshToken });
    return { token_type: 'bearer', refresh_token: refreshToken, access_token: token, expires_in: Math.floor(this.config.accessTokenTtlMs / 1000) };
  }
}

/** "expired 12 minute(s) ago": HubSpot states the age in its largest unit. */
export function expiredAgo(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} second(s)`;
  if (s < 3600) return `${Math.floor(s / 60)} minute(s)`;
  if (s < 86_400) return `${Math.floor(s / 3600)} hour(s)`;
  return `${Math.floor(s / 86_400)} day(s)`;
}
