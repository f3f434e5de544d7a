// Rate limits against the emulator's real 429s and X-HubSpot-RateLimit-* headers: the limiter paces below the burst
// (also when other apps use the account), 429s are waited out, a DAILY 429 stops work until the account's midnight.
import { afterEach, describe, expect, it } from 'vitest';
import type { WriteBack } from '../../../src/domain/write-back.ts';
import { ApiShareExceededError, QuotaExhaustedError } from '../../../src/lib/retry.ts';
import { snapshot } from '../contract.suite.ts';
import type { Env } from './env.ts';
import { hsConfig, mqlContacts, signal, startEnv } from './env.ts';

const lead = (id: string): WriteBack => ({ target: 'lead', leadId: `lr-${id}`, externalId: id, fields: snapshot() });

describe('hubspot rate limits', () => {
  let env: Env;
  afterEach(async () => {
    await env.close();
  });

  it('paces 300 calls under a 10-second limit of 100 without a single 429', async () => {
    env = await startEnv({ emulator: { burstLimit: 100 } });
    await env.setup();
    const ids = env.emu.seed('contacts', mqlContacts(3000));
    const c = env.connector({ config: hsConfig(env.emu, { writeBatchSize: 10 }) });
    await c.connect(signal);
    env.emu.resetCalls();
    const t0 = env.clock.ms;
    const out = await c.write(ids.map(lead), signal);
    expect(out.every((o) => o.status === 'ok')).toBe(true);
    expect(env.emu.calls().byKind.batchUpdate).toBe(300);
    expect(env.emu.calls().throttled).toBe(0);
    // 80 per 10 s (burstShare 0.8): 300 calls take at least 30 s of the account's time.
    expect(env.clock.ms - t0).toBeGreaterThanOrEqual(30_000);
  });

  it("leaves room for the account's other apps (X-HubSpot-RateLimit-Remaining)", async () => {
    env = await startEnv({ emulator: { burstLimit: 100, privateAppTokens: ['pat-other-app', 'pat-na1-leadrelay-emulator'] } });
    await env.setup();
    const ids = env.emu.seed('contacts', mqlContacts(400));
    // Another app spends 70 of the 100 right now.
    for (let i = 0; i < 70; i++) await fetch(`${env.emu.url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: 'Bearer pat-other-app' } });
    env.emu.resetCalls();
    const c = env.connector({ config: hsConfig(env.emu, { writeBatchSize: 10, auth: { flow: 'private_app', accessToken: env.emu.token } }) });
    const out = await c.write(ids.map(lead), signal);
    expect(out.every((o) => o.status === 'ok')).toBe(true);
    expect(env.emu.calls().throttled).toBe(0);
  });

  it('waits out the rolling window on a 429 without Retry-After, then succeeds', async () => {
    env = await startEnv();
    await env.setup();
    const [id = ''] = env.emu.seed('contacts', mqlContacts(1));
    env.emu.faults.add({ kind: 'batchUpdate', throttle: { policy: 'TEN_SECONDLY_ROLLING' } });
    const out = await env.connector().write([lead(id)], signal);
    expect(out[0]?.status).toBe('ok');
    expect(env.sleeps).toContain(10_000);
  });

  it("stops on a DAILY 429 until midnight in the account's time zone, and sends nothing before", async () => {
    env = await startEnv({ emulator: { dailyLimit: 1000 } });
    await env.setup();
    const [id = ''] = env.emu.seed('contacts', mqlContacts(1));
    const c = env.connector({ config: hsConfig(env.emu, { timeZone: 'Europe/Berlin', auth: { flow: 'private_app', accessToken: env.emu.token } }) });
    env.emu.setDailyUsage(1000);
    const err = await c.write([lead(id)], signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    // 2025-05-20 12:00 UTC is 14:00 in Berlin (CEST): the limit resets at 22:00 UTC.
    expect((err as QuotaExhaustedError).resumeAt.toISOString()).toBe('2025-05-20T22:00:00.000Z');
    expect(c.usage().pausedUntil).toBe('2025-05-20T22:00:00.000Z');
    const calls = env.emu.calls().total + env.emu.calls().rejected;
    await expect(c.write([lead(id)], signal)).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(env.emu.calls().total + env.emu.calls().rejected).toBe(calls);
  });

  it("refuses to start a stage above leadrelay's share of the daily limit (X-HubSpot-RateLimit-Daily-Remaining)", async () => {
    env = await startEnv({ emulator: { dailyLimit: 10_000 } });
    await env.setup();
    const [id = ''] = env.emu.seed('contacts', mqlContacts(1));
    const c = env.connector({ config: hsConfig(env.emu, { maxDailyApiShare: 0.5, auth: { flow: 'private_app', accessToken: env.emu.token } }) });
    env.emu.setDailyUsage(6000);
    expect((await c.write([lead(id)], signal))[0]?.status).toBe('ok');
    expect(c.usage().quota).toMatchObject({ used: 6001, limit: 10_000 });
    await expect(c.write([lead(id)], signal)).rejects.toBeInstanceOf(ApiShareExceededError);
  });
});
