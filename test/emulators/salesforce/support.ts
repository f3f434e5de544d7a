// Shared setup for the Salesforce emulator tests: an emulator on a random port and real jsforce connections.
import { Connection } from 'jsforce';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { SalesforceEmulator, SalesforceEmulatorOptions } from '../../../src/emulators/salesforce/index.ts';

export const CLIENT = { clientId: 'leadrelay-client', clientSecret: 'leadrelay-secret' } as const;
export const USER = { username: 'integration@leadrelay.test', password: 'pass' } as const;

export async function startEmu(opts: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  return startSalesforceEmulator(opts);
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  instance_url: string;
  id: string;
  token_type: string;
  issued_at: string;
  signature: string;
}

/** POSTs a form to the token endpoint and returns status + JSON. */
export async function tokenRequest(emu: SalesforceEmulator, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}/services/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function passwordTokens(emu: SalesforceEmulator): Promise<TokenResponse> {
  const r = await tokenRequest(emu, { grant_type: 'password', ...USER, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
  if (r.status !== 200) throw new Error(`token request failed: ${JSON.stringify(r.body)}`);
  return r.body as unknown as TokenResponse;
}

/** A connection that holds an access + refresh token and the OAuth client, as a long-running connector does. */
export async function refreshableConn(emu: SalesforceEmulator): Promise<Connection> {
  const t = await passwordTokens(emu);
  return new Connection({
    instanceUrl: emu.url, loginUrl: emu.url, version: '60.0', accessToken: t.access_token, refreshToken: t.refresh_token ?? '',
    oauth2: { loginUrl: emu.url, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret },
  });
}

/** A connection logged in with the OAuth username-password flow. */
export async function loginConn(emu: SalesforceEmulator): Promise<Connection> {
  const conn = new Connection({
    loginUrl: emu.url, instanceUrl: emu.url, version: '60.0',
    oauth2: { loginUrl: emu.url, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret },
  });
  await conn.login(USER.username, USER.password);
  return conn;
}

/** Runs a promise that must reject and returns the error. */
export async function failure(p: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown; code?: string; name: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { errorCode?: string; data?: unknown; code?: string };
  }
  throw new Error('expected the call to fail');
}

export function leads(n: number, extra: (i: number) => Record<string, unknown> = () => ({})): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ LastName: `Lead ${i}`, Company: `Company ${i}`, ...extra(i) }));
}
