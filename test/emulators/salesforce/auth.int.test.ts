// OAuth grants, session expiry + jsforce's refresh-and-replay, refresh-token rotation and the API allocation.
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { Connection } from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import { CLIENT, failure, loginConn, passwordTokens, refreshableConn, startEmu, tokenRequest, USER } from './support.ts';

let emu: SalesforceEmulator;
afterEach(async () => {
  await emu.close();
});

function jwt(privateKey: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256' })}.${enc(claims)}`;
  const sig = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
  return `${input}.${sig}`;
}

describe('OAuth token endpoint', () => {
  it('password grant answers the real token shape with a verifiable signature', async () => {
    emu = await startEmu();
    const t = await passwordTokens(emu);
    expect(t.token_type).toBe('Bearer');
    expect(t.instance_url).toBe(emu.url);
    expect(t.id).toMatch(new RegExp(`^${emu.url}/id/00D[0-9A-Za-z]{15}/005[0-9A-Za-z]{15}$`));
    expect(t.issued_at).toMatch(/^\d{13}$/);
    expect(t.access_token).toMatch(/^00D[0-9A-Za-z]{12}!/);
    expect(t.access_token.split('.')).toHaveLength(1); // not a JWT: jsforce would refuse SOAP
    expect(t.refresh_token).toMatch(/^5Aep861/);
    const expected = createHmac('sha256', CLIENT.clientSecret).update(t.id + t.issued_at).digest('base64');
    expect(t.signature).toBe(expected);
    expect(emu.calls().auth).toBe(1);
    expect(emu.calls().total).toBe(0);
  });

  it('rejects bad credentials, clients and grant types with the real error bodies', async () => {
    emu = await startEmu();
    const base = { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret };
    expect(await tokenRequest(emu, { grant_type: 'password', username: USER.username, password: 'wrong', ...base }))
      .toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } });
    expect(await tokenRequest(emu, { grant_type: 'password', ...USER, client_id: 'nope', client_secret: 'x' }))
      .toEqual({ status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
    expect(await tokenRequest(emu, { grant_type: 'password', ...USER, client_id: CLIENT.clientId, client_secret: 'x' }))
      .toEqual({ status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } });
    expect(await tokenRequest(emu, { grant_type: 'authorization_code', code: 'x', ...base }))
      .toEqual({ status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } });
    expect(await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: 'bogus', ...base }))
      .toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    const conn = new Connection({ loginUrl: emu.url, oauth2: { loginUrl: emu.url, ...CLIENT } });
    const err = await failure(conn.login(USER.username, 'wrong'));
    expect(err.name).toBe('invalid_grant');
    expect(err.message).toBe('authentication failure');
  });

  it('accepts password + security token when the user has one', async () => {
    emu = await startEmu({ users: [{ username: 'a@b.test', password: 'pw', securityToken: 'TOKEN123' }] });
    const ok = await tokenRequest(emu, { grant_type: 'password', username: 'a@b.test', password: 'pwTOKEN123', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(ok.status).toBe(200);
  });

  it('client_credentials grant issues a token without refresh token that jsforce can use', async () => {
    emu = await startEmu();
    const conn = new Connection({ loginUrl: emu.url, version: '60.0', oauth2: { loginUrl: emu.url, ...CLIENT } });
    const info = await conn.authorize({ grant_type: 'client_credentials' });
    expect(info.organizationId).toMatch(/^00D/);
    expect(conn.refreshToken).toBeUndefined();
    const res = await conn.query<{ Username: string }>('SELECT Username FROM User');
    expect(res.records.map((r) => r.Username)).toEqual([USER.username]);
  });

  it('jwt-bearer grant verifies RS256 signature, issuer, audience, expiry and subject', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    emu = await startEmu({ jwtPublicKeyPem: pem });
    const exp = Math.floor(Date.now() / 1000) + 180;
    const good = { iss: CLIENT.clientId, sub: USER.username, aud: emu.url, exp };
    const conn = new Connection({ loginUrl: emu.url, version: '60.0', oauth2: { loginUrl: emu.url, ...CLIENT } });
    await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt(priv, good) });
    expect(conn.instanceUrl).toBe(emu.url);
    expect((await conn.query('SELECT COUNT() FROM Lead')).totalSize).toBe(0);

    const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [good, 'invalid_grant', 'invalid assertion'], // signed with the wrong key below
      [{ ...good, aud: 'https://login.salesforce.com' }, 'invalid_grant', 'audience is invalid'],
      [{ ...good, exp: Math.floor(Date.now() / 1000) - 10 }, 'invalid_grant', 'expired authorization code'],
      [{ ...good, iss: 'someone-else' }, 'invalid_client_id', 'client identifier invalid'],
      [{ ...good, sub: 'nobody@x.test' }, 'invalid_grant', "user hasn't approved this consumer"],
    ];
    for (const [i, [claims, error, description]] of cases.entries()) {
      const r = await tokenRequest(emu, { grant_type: grant, assertion: jwt(i === 0 ? other : priv, claims) });
      expect(r).toEqual({ status: 400, body: { error, error_description: description } });
    }
  });
});

describe('sessions', () => {
  it('expired session: 401 INVALID_SESSION_ID, jsforce refreshes once and replays the call', async () => {
    emu = await startEmu();
    emu.seed('Lead', [{ LastName: 'A', Company: 'Acme' }]);
    const conn = await refreshableConn(emu);
    const oldToken = conn.accessToken;
    const refreshes: string[] = [];
    conn.on('refresh', (token: string) => refreshes.push(token));
    emu.expireSessions();

    const raw = await fetch(`${emu.url}/services/data/v60.0/query?q=SELECT+Id+FROM+Lead`, { headers: { Authorization: `Bearer ${oldToken ?? ''}` } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);

    const res = await Promise.all([conn.query('SELECT Id FROM Lead'), conn.query('SELECT Id FROM Lead')]);
    expect(res.map((r) => r.totalSize)).toEqual([1, 1]);
    expect(refreshes).toHaveLength(1); // single-flight refresh for both calls
    expect(conn.accessToken).toBe(refreshes[0]);
    expect(conn.accessToken).not.toBe(oldToken);
    expect(emu.calls().byKind.query).toBe(2);
    expect(emu.calls().rejected).toBe(3); // the raw fetch and both first attempts
  });

  it('refresh token rotation: jsforce keeps the spent token unless the refresh event is persisted', async () => {
    emu = await startEmu({ rotateRefreshTokens: true });
    const conn = await refreshableConn(emu);
    const first = conn.refreshToken;
    const rotated: string[] = [];
    conn.on('refresh', (_token: string, res: { refresh_token?: string }) => {
      if (res.refresh_token) rotated.push(res.refresh_token);
    });
    emu.expireSessions();
    await conn.query('SELECT Id FROM Lead');
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).not.toBe(first);
    expect(conn.refreshToken).toBe(first); // jsforce did not store the new one

    emu.expireSessions();
    const err = await failure(conn.query('SELECT Id FROM Lead'));
    expect(err.message).toContain('expired access/refresh token');

    // The fix a connector needs: persist the rotated token from the refresh event.
    conn.refreshToken = rotated[0] ?? '';
    conn.on('refresh', (_token: string, res: { refresh_token?: string }) => {
      if (res.refresh_token) conn.refreshToken = res.refresh_token;
    });
    emu.expireSessions();
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    emu.expireSessions();
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    expect(rotated).toHaveLength(3);
  });

  it('userinfo and identity URL answer for a valid token', async () => {
    emu = await startEmu();
    const conn = await loginConn(emu);
    const id = await conn.identity();
    expect(id.username).toBe(USER.username);
    expect(id.organization_id).toMatch(/^00D/);
    const ui = await fetch(`${emu.url}/services/oauth2/userinfo`, { headers: { Authorization: `Bearer ${conn.accessToken ?? ''}` } });
    expect(((await ui.json()) as { preferred_username: string }).preferred_username).toBe(USER.username);
  });
});

describe('API allocation', () => {
  it('Sforce-Limit-Info on every response is parsed into conn.limitInfo; /limits agrees', async () => {
    emu = await startEmu({ dailyApiLimit: 1000 });
    const conn = await loginConn(emu);
    await conn.query('SELECT Id FROM Lead');
    await conn.describe('Lead');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 2, limit: 1000 });
    const limits = await conn.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 1000, Remaining: 997 });
    expect(conn.limitInfo.apiUsage).toEqual({ used: 3, limit: 1000 });
    expect(emu.calls()).toMatchObject({ total: 3, byKind: { query: 1, describe: 1, limits: 1 }, auth: 1 });
  });

  it('over the daily limit: 403 REQUEST_LIMIT_EXCEEDED, not counted', async () => {
    emu = await startEmu();
    const conn = await loginConn(emu);
    emu.setApiUsage(14_999);
    await conn.query('SELECT Id FROM Lead');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 15_000, limit: 15_000 });
    const err = await failure(conn.query('SELECT Id FROM Lead'));
    expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(err.message).toBe('TotalRequests Limit exceeded.');
    const raw = await fetch(`${emu.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken ?? ''}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('sforce-limit-info')).toBe('api-usage=15000/15000');
    emu.setApiUsage(0, 20_000);
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    expect(conn.limitInfo.apiUsage).toEqual({ used: 1, limit: 20_000 });
  });

  it('versions and resources', async () => {
    emu = await startEmu();
    const versions = (await (await fetch(`${emu.url}/services/data/`)).json()) as Array<{ version: string; label: string; url: string }>;
    expect(versions.find((v) => v.version === '60.0')).toEqual({ label: "Spring '24", url: '/services/data/v60.0', version: '60.0' });
    const conn = await loginConn(emu);
    const res = await conn.request<Record<string, string>>('/services/data/v60.0/');
    expect(res.sobjects).toBe('/services/data/v60.0/sobjects');
    expect(res.query).toBe('/services/data/v60.0/query');
  });
});
