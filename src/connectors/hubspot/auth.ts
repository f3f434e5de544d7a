// Authentication settings and OAuth token bookkeeping (pure: no HTTP here, client.ts sends the grant).
//   private_app — a static access token (`pat-...`); it never expires, a 401 means it was revoked or rotated.
//   oauth       — a public app install: access tokens live 30 minutes (`expires_in`), refreshed with the refresh
//                 token before they run out and once on a 401 EXPIRED_AUTHENTICATION. HubSpot normally keeps the
//                 refresh token; when the grant returns a different one it is persisted at once (TokenStore).
// https://developers.hubspot.com/docs/guides/apps/authentication/working-with-oauth
import type { Config } from '../../config/schema.ts';

export type HubSpotSettings = Config['hubspot'];

/** Where the newest refresh token lives (the store's key-value table in production). */
export interface TokenStore {
  load(): Promise<string | null>;
  save(token: string): Promise<void>;
}

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
  readonly code = 'CRM.AUTH_CONFIG';
}

/** Refresh this long before an access token expires, so no call runs into the expiry. */
export const refreshMarginMs = 5 * 60_000;

export function need(value: string | null, key: string, flow: string): string {
  if (value === null || value === '') {
    throw new AuthConfigError(`hubspot.auth.${key} is required for the ${flow} flow; set it in the config (secrets via \${ENV_VAR}).`);
  }
  return value;
}

/** The refresh_token grant as a form body (client credentials in the body, as HubSpot expects). */
export function refreshGrant(s: HubSpotSettings, refreshToken: string): string {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: need(s.auth.clientId, 'clientId', 'oauth'),
    client_secret: need(s.auth.clientSecret, 'clientSecret', 'oauth'),
    refresh_token: refreshToken,
  }).toString();
}

/** The state of the current access token. */
export class AccessToken {
  private token: string | null = null;
  private expiresAt = 0;

  constructor(private readonly now: () => Date) {}

  get value(): string | null {
    return this.token;
  }

  set(token: string, expiresInSeconds: number | null): void {
    this.token = token;
    this.expiresAt = expiresInSeconds === null ? Number.POSITIVE_INFINITY : this.now().getTime() + expiresInSeconds * 1000;
  }

  /** Missing, or within the refresh margin of its expiry. */
  get stale(): boolean {
    return this.token === null || this.now().getTime() >= this.expiresAt - refreshMarginMs;
  }

  clear(): void {
    this.token = null;
    this.expiresAt = 0;
  }
}

/** A short, stable key for the account: the limiter registry shares one limiter per key. */
export function accountKey(s: HubSpotSettings): string {
  const who = s.auth.flow === 'private_app' ? (s.auth.accessToken ?? '') : (s.auth.clientId ?? '');
  let h = 0;
  for (const ch of `${s.auth.flow}:${who}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return `${s.baseUrl.replace(/\/+$/, '')}#${(h >>> 0).toString(36)}`;
}
