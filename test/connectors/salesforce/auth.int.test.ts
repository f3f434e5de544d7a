// The four OAuth flows against the emulator's token endpoint, refresh-token rotation persisted through the
// TokenStore, session expiry in the middle of a pull, and auth failures that must not loop.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, DEFAULT_USER } from '../../../src/emulators/salesforce/index.ts';
import { VendorError } from '../../../src/lib/vendor-error.ts';
import type { Env } from './env.ts';
import { drain, jwtKeys, MemoryTokens, mqlLeads, sfConfig, signal, startEnv } from './env.ts';

async function passwordGrantRefreshToken(url: string): Promise<string> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: DEFAULT_CLIENT.clientId, client_secret: DEFAULT_CLIENT.clientSecret, username: DEFAULT_USER.username, password: DEFAULT_USER.password }),
  });
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}

describe('salesforce auth', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it.each(['password', 'client_credentials'] as const)('%s flow connects and reads', async (flow) => {
    env = await startEnv();
    await env.setup();
    const c = env.connector({ config: sfConfig(env.emu.url, {}, { flow }) });
    await c.connect(signal);
    expect(await drain(c.pullLeads({ from: null, signal }))).toHaveLength(1);
    expect(env.emu.calls().auth).toBe(2);
    expect(c.usage().callsByStage).toEqual({ auth: 1, 'pull-leads': 1 });
  });

  it('jwt flow signs an RS256 assertion for the login URL', async () => {
    const keys = jwtKeys();
    try {
      env = await startEnv({ emulator: { jwtPublicKeyPem: keys.publicKeyPem } });
      const c = env.connector({ config: sfConfig(env.emu.url, {}, { flow: 'jwt', clientSecret: null, password: null, privateKeyFile: keys.privateKeyFile }) });
      await c.connect(signal);
      expect(c.usage().callsByStage).toEqual({ auth: 1 });
    } finally {
      keys.cleanup();
    }
  });

  it('refresh_token flow persists every rotated token, survives expiry mid-pull, and a restart uses the newest', async () => {
    env = await startEnv({ emulator: { rotateRefreshTokens: true } });
    await env.setup();
    env.emu.seed('Lead', mqlLeads(450));
    env.clock.advance(5);
    const initial = await passwordGrantRefreshToken(env.emu.url);
    const tokens = new MemoryTokens();
    const config = sfConfig(env.emu.url, { queryBatchSize: 200 }, { flow: 'refresh_token', refreshToken: initial, password: null });
    const c = env.connector({ config, tokens });
    await c.connect(signal);
    expect(tokens.saved).toHaveLength(1);

    const pages = c.pullLeads({ from: null, signal });
    const first = await pages.next();
    expect(first.value?.items).toHaveLength(200);
    env.emu.expireSessions();
    const rest: number[] = [];
    for await (const p of pages) rest.push(p.items.length);
    expect(rest).toEqual([200, 50]);
    expect(tokens.saved).toHaveLength(2);
    expect(c.usage().callsByStage).toEqual({ auth: 2, 'pull-leads': 4 });

    // A restart loads the newest token; the spent one is refused (invalid_grant, one attempt, no retry).
    const restarted = env.connector({ config, tokens });
    await restarted.connect(signal);
    const stale = env.connector({ config, tokens: new MemoryTokens() });
    const err = await stale.connect(signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect(err).toMatchObject({ code: 'invalid_grant', status: 400 });
    expect(stale.usage().callsByStage).toEqual({ auth: 1 });
  });

  it('retries an outage of the token endpoint, with backoff', async () => {
    env = await startEnv();
    env.emu.faults.add({ kind: 'auth', status: 503, body: '<html><body>Maintenance</body></html>' });
    const c = env.connector();
    await c.connect(signal);
    expect(env.sleeps).toHaveLength(1);
    expect(c.usage().callsByStage).toEqual({ auth: 2 });
  });

  it('a wrong password fails once, typed, without retries', async () => {
    env = await startEnv();
    const c = env.connector({ config: sfConfig(env.emu.url, {}, { password: 'wrong' }) });
    const err = await c.connect(signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'VendorError', code: 'invalid_grant', path: '/services/oauth2/token' });
    expect(String(err)).not.toContain('wrong');
    expect(env.emu.calls().auth).toBe(1);
  });

  it('refreshes once when the API keeps rejecting the new session, then stops (no refresh loop)', async () => {
    env = await startEnv();
    await env.setup();
    env.emu.faults.add({ kind: ['query', 'queryAll'], status: 401, times: 50, body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }] });
    const c = env.connector();
    const err = await drain(c.pullLeads({ from: null, signal })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_SESSION_ID' });
    expect(c.usage().callsByStage).toEqual({ auth: 2, 'pull-leads': 2 });
  });

  it('a missing credential is a config error naming the key, before any call', async () => {
    env = await startEnv();
    const c = env.connector({ config: sfConfig(env.emu.url, {}, { username: null }) });
    await expect(c.connect(signal)).rejects.toThrow(/salesforce\.auth\.username is required for the password flow/);
    expect(env.emu.calls().auth).toBe(0);
  });
});
