// OAuth 2.0 grants for the four flows leadrelay supports. Token endpoint: `<loginUrl>/services/oauth2/token`.
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm
import { sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AuthFlow } from '../../config/schema.ts';

/** `salesforce.auth` of the config file (config/default.yaml); structurally `Config['salesforce']['auth']`. */
export interface SalesforceAuthSettings {
  readonly flow: AuthFlow;
  readonly clientId: string | null;
  readonly clientSecret?: string | null | undefined;
  readonly username?: string | null | undefined;
  readonly password?: string | null | undefined;
  readonly refreshToken?: string | null | undefined;
  readonly privateKeyFile?: string | null | undefined;
}

/** `salesforce` of the config file; structurally `Config['salesforce']`. */
export interface SalesforceSettings {
  /** null = the built-in emulator: the runtime starts it and passes its URL here. */
  readonly loginUrl: string | null;
  readonly instanceUrl?: string | null | undefined;
  readonly apiVersion: string;
  readonly auth: SalesforceAuthSettings;
  readonly queryBatchSize: number;
  readonly writeBatchSize: number;
  readonly maxDailyApiShare: number;
}

/** Where the newest refresh token lives (the store's key-value table in production). */
export interface TokenStore {
  load(): Promise<string | null>;
  save(token: string): Promise<void>;
}

export type GrantParams = { grant_type: string } & Record<string, string>;

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
  readonly code = 'CRM.AUTH_CONFIG';
}

function need(value: string | null | undefined, key: string, flow: AuthFlow): string {
  if (value === undefined || value === null || value === '') {
    throw new AuthConfigError(`salesforce.auth.${key} is required for the ${flow} flow; set it in the config (secrets via \${ENV_VAR}).`);
  }
  return value;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/**
 * JWT bearer assertion (RS256): iss = Connected App consumer key, sub = username, aud = login URL, exp ≤ 3 minutes.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 */
export function jwtAssertion(opts: { clientId: string; username: string; audience: string; privateKeyPem: string; now: Date }): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({
    iss: opts.clientId,
    sub: opts.username,
    aud: opts.audience.replace(/\/+$/, ''),
    exp: Math.floor(opts.now.getTime() / 1000) + 180,
  }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), opts.privateKeyPem);
  return `${header}.${claims}.${b64url(signature)}`;
}

export function loginUrlOf(settings: SalesforceSettings): string {
  if (settings.loginUrl === null || settings.loginUrl === '') {
    throw new AuthConfigError('salesforce.loginUrl is null (built-in emulator) but no emulator URL was given; set loginUrl to your org\'s login host.');
  }
  return settings.loginUrl.replace(/\/+$/, '');
}

/** The token request body for the configured flow (client_id/client_secret are added by jsforce's OAuth2). */
export async function grantParams(settings: SalesforceSettings, refreshToken: string | null, now: Date): Promise<GrantParams> {
  const a = settings.auth;
  need(a.clientId, 'clientId', a.flow);
  switch (a.flow) {
    case 'password':
      // Password + security token appended, as Salesforce expects for this flow.
      return { grant_type: 'password', username: need(a.username, 'username', a.flow), password: need(a.password, 'password', a.flow) };
    case 'refresh_token':
      return { grant_type: 'refresh_token', refresh_token: need(refreshToken ?? a.refreshToken, 'refreshToken', a.flow) };
    case 'client_credentials':
      need(a.clientSecret, 'clientSecret', a.flow);
      return { grant_type: 'client_credentials' };
    case 'jwt': {
      const keyFile = need(a.privateKeyFile, 'privateKeyFile', a.flow);
      const pem = await readFile(keyFile, 'utf8');
      const assertion = jwtAssertion({
        clientId: need(a.clientId, 'clientId', a.flow), username: need(a.username, 'username', a.flow),
        audience: loginUrlOf(settings), privateKeyPem: pem, now,
      });
      return { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion };
    }
  }
}

/** `.../id/<orgId>/<userId>` → ids (what jsforce's authorize() derives). */
export function parseIdentityUrl(url: string): { id: string; organizationId: string; url: string } {
  const [organizationId = '', id = ''] = url.split('/').slice(-2);
  return { id, organizationId, url };
}
