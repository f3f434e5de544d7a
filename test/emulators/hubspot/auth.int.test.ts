// Authentication: private-app tokens, OAuth code and refresh grants through client.oauth.tokensApi, 30-minute access
// token expiry on the emulator clock (401 EXPIRED_AUTHENTICATION), refresh-token rotation and bad-credential bodies.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OAUTH_CLIENT, DEFAULT_REFRESH_TOKEN } from '../../../src/emulators/hubspot/index.ts';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, failure, raw, startEmu } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

const { clientId, clientSecret } = DEFAULT_OAUTH_CLIENT;

describe('OAuth', () => {
  it('refreshes an access token that expires after 30 minutes on the emulator clock', async () => {
    emu = await startEmu();
    const oauth = client(emu, { accessToken: 'none' }).oauth.tokensApi;
    const t = await oauth.create('refresh_token', undefined, undefined, clientId, clientSecret, DEFAULT_REFRESH_TOKEN);
    expect(t.tokenType).toBe('bearer');
    expect(t.expiresIn).toBe(1800);
    expect(t.refreshToken).toBe(DEFAULT_REFRESH_TOKEN);
    const hs = client(emu, { accessToken: t.accessToken });
    await hs.crm.contacts.basicApi.getPage(1);
    emu.advance(29 * 60_000 + 59_999);
    await hs.crm.contacts.basicApi.getPage(1);
    emu.advance(12 * 60_000 + 1);
    const e = await failure(hs.crm.contacts.basicApi.getPage(1));
    expect(e.code).toBe(401);
    expect(e.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION', message: 'The OAuth token used to make this call expired 12 minute(s) ago.' });
    expect(e.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.calls()).toMatchObject({ total: 2, rejected: 1, auth: 1 });
    const again = await oauth.create('refresh_token', undefined, undefined, clientId, clientSecret, t.refreshToken);
    hs.setAccessToken(again.accessToken);
    expect((await hs.crm.contacts.basicApi.getPage(1)).results).toEqual([]);
  });

  it('exchanges an authorization code once and rotates refresh tokens when configured', async () => {
    emu = await startEmu({ rotateRefreshTokens: true });
    const oauth = client(emu, { accessToken: 'none' }).oauth.tokensApi;
    const code = emu.authorizationCode('https://leadrelay.test/callback');
    const t = await oauth.create('authorization_code', code, 'https://leadrelay.test/callback', clientId, clientSecret);
    expect(t.refreshToken).toMatch(/^na1-/);
    const reuse = await failure(oauth.create('authorization_code', code, 'https://leadrelay.test/callback', clientId, clientSecret));
    expect(reuse.code).toBe(400);
    expect(reuse.body).toMatchObject({ status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code' });
    const r1 = await oauth.create('refresh_token', undefined, undefined, clientId, clientSecret, t.refreshToken);
    expect(r1.refreshToken).not.toBe(t.refreshToken);
    const old = await failure(oauth.create('refresh_token', undefined, undefined, clientId, clientSecret, t.refreshToken));
    expect(old.body).toMatchObject({ status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token' });
    const badClient = await failure(oauth.create('refresh_token', undefined, undefined, 'other', clientSecret, r1.refreshToken));
    expect(badClient.body.status).toBe('BAD_CLIENT_ID');
    const badSecret = await failure(oauth.create('refresh_token', undefined, undefined, clientId, 'nope', r1.refreshToken));
    expect(badSecret.body.status).toBe('BAD_CLIENT_SECRET');
    const info = await client(emu, { accessToken: 'none' }).oauth.accessTokensApi.get(r1.accessToken);
    expect(info).toMatchObject({ hubId: 62515, expiresIn: 1800, tokenType: 'access' });
  });

  it('answers 401 INVALID_AUTHENTICATION for unknown or missing tokens; private-app tokens never expire', async () => {
    emu = await startEmu();
    const bad = await failure(client(emu, { accessToken: 'pat-na1-wrong' }).crm.contacts.basicApi.getPage(1));
    expect(bad.code).toBe(401);
    expect(bad.body.category).toBe('INVALID_AUTHENTICATION');
    const none = await raw(emu, 'GET', '/crm/v3/objects/contacts', undefined, null);
    expect(none.status).toBe(401);
    expect(none.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
    emu.advance(48 * 3_600_000);
    emu.expireTokens();
    expect((await client(emu).crm.contacts.basicApi.getPage(1)).results).toEqual([]);
  });

  it('expireTokens() expires issued OAuth tokens mid-run', async () => {
    emu = await startEmu();
    const t = emu.issueTokens();
    const hs = client(emu, { accessToken: t.access_token });
    await hs.crm.contacts.basicApi.getPage(1);
    emu.expireTokens();
    const e = await failure(hs.crm.contacts.basicApi.getPage(1));
    expect(e.body.category).toBe('EXPIRED_AUTHENTICATION');
  });
});
