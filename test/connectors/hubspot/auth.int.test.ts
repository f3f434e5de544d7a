// Authentication: private app token, OAuth refresh before the 30-minute expiry and on EXPIRED_AUTHENTICATION,
// rotated refresh tokens persisted, credentials errors that say what to do.
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { requireHubSpotCredentials } from '../../../src/config/credentials.ts';
import type { Env } from './env.ts';
import { MemoryTokens, hsConfig, mqlContacts, signal, startEnv } from './env.ts';

describe('hubspot auth', () => {
  let env: Env;
  afterEach(async () => {
    await env.close();
  });

  it('uses a private app token as is (no token endpoint)', async () => {
    env = await startEnv();
    await env.setup();
    const before = env.emu.calls().auth;
    const c = env.connector({ config: hsConfig(env.emu, { auth: { flow: 'private_app', accessToken: env.emu.token } }) });
    await c.connect(signal);
    env.emu.seed('contacts', mqlContacts(3));
    env.clock.advance(5);
    for await (const _page of c.pullLeads({ from: null, signal })) { /* drain */ }
    expect(c.usage().callsByStage['auth']).toBeUndefined();
    expect(env.emu.calls().auth).toBe(before);
  });

  it('refreshes the OAuth access token before its 30 minutes run out, without a failed call', async () => {
    env = await startEnv();
    await env.setup();
    const c = env.connector();
    await c.connect(signal);
    const refreshes = env.emu.calls().auth;
    env.clock.advance(26 * 60);
    const rejectedBefore = env.emu.calls().rejected;
    for await (const _page of c.pullLeads({ from: null, signal })) { /* drain */ }
    expect(env.emu.calls().auth).toBe(refreshes + 1);
    expect(env.emu.calls().rejected).toBe(rejectedBefore);
  });

  it('refreshes once on 401 EXPIRED_AUTHENTICATION and replays the call', async () => {
    env = await startEnv();
    await env.setup();
    const c = env.connector();
    const [id = ''] = env.emu.seed('contacts', mqlContacts(1));
    await c.connect(signal);
    env.emu.expireTokens();
    const out = await c.write([{ target: 'lead', leadId: 'lr-1', externalId: id, fields: { status: 'offered', partnerStatus: 'offered', partnerExternalId: null, partnerName: null, reservedAt: null, lastFeedback: null, lastFeedbackAt: null, feedbackComment: null, temperature: 'warm', qualificationReasons: null, feedbackDueAt: null, feedbackState: null } }], signal);
    expect(out[0]?.status).toBe('ok');
  });

  it('persists a rotated refresh token and uses it after a restart', async () => {
    env = await startEnv({ emulator: { rotateRefreshTokens: true } });
    const tokens = new MemoryTokens();
    const c = env.connector({ tokens });
    await c.connect(signal);
    await c.close();
    expect(tokens.saved).toHaveLength(1);
    expect(tokens.current).not.toBe('leadrelay-refresh-token');
    // The configured token was invalidated by the rotation: only the persisted one works now.
    const restarted = env.connector({ tokens });
    await expect(restarted.connect(signal)).resolves.toBeUndefined();
    expect(tokens.saved.length).toBeGreaterThanOrEqual(2);
  });

  it('names the variable to set when credentials are missing', () => {
    const config = configSchema.parse({ crm: 'hubspot', hubspot: { auth: { flow: 'oauth', clientId: 'x' } } });
    const issues = requireHubSpotCredentials(config);
    expect(issues.map((i) => i.path)).toEqual(['hubspot.auth.clientSecret', 'hubspot.auth.refreshToken']);
    expect(issues[0]?.hint).toContain('HUBSPOT_CLIENT_SECRET');
    expect(requireHubSpotCredentials(configSchema.parse({ hubspot: { auth: { accessToken: 'pat-1' } } }))).toEqual([]);
  });
});
