// Rate limits on the emulator clock: X-HubSpot-RateLimit-* headers on every API response, the rolling 10-second
// burst window (429 TEN_SECONDLY_ROLLING), the daily budget of private apps (429 DAILY) and what the client does
// with them.
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, failure, raw, startEmu } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

describe('rate limits', () => {
  it('sends the rate-limit headers on every API response, counting down the burst and the day', async () => {
    emu = await startEmu({ burstLimit: 100, dailyLimit: 1000 });
    const a = await raw(emu, 'GET', '/crm/v3/objects/contacts');
    const h = Object.fromEntries([...a.headers].filter(([k]) => k.startsWith('x-hubspot')));
    expect(h).toEqual({
      'x-hubspot-ratelimit-daily': '1000', 'x-hubspot-ratelimit-daily-remaining': '999',
      'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-remaining': '99',
    });
    const err = await raw(emu, 'GET', '/crm/v3/objects/contacts/123');
    expect(err.status).toBe(404);
    expect(err.headers.get('x-hubspot-ratelimit-remaining')).toBe('98');
    // OAuth calls have no daily limit and no Daily headers.
    const t = emu.issueTokens();
    const o = await raw(emu, 'GET', '/crm/v3/objects/contacts', undefined, t.access_token);
    expect(o.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    expect(o.headers.get('x-hubspot-ratelimit-remaining')).toBe('97');
    expect(emu.limits()).toEqual({ burst: { max: 100, remaining: 97, intervalMs: 10_000 }, secondly: { max: 5, remaining: 5 }, daily: { max: 1000, remaining: 998, used: 2 } });
  });

  it('answers 429 TEN_SECONDLY_ROLLING past the burst limit until the rolling window moves on', async () => {
    emu = await startEmu({ burstLimit: 10 });
    for (let i = 0; i < 5; i++) await raw(emu, 'GET', '/crm/v3/objects/contacts');
    emu.advance(4000);
    for (let i = 0; i < 5; i++) await raw(emu, 'GET', '/crm/v3/objects/contacts');
    const e = await failure(client(emu).crm.contacts.basicApi.getPage(1));
    expect(e.code).toBe(429);
    expect(e.body).toMatchObject({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(e.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.headers?.['x-hubspot-ratelimit-remaining']).toBe('0');
    expect(e.headers?.['x-hubspot-ratelimit-max']).toBe('10');
    expect(e.headers?.['retry-after']).toBeUndefined();
    emu.advance(5999);
    expect((await raw(emu, 'GET', '/crm/v3/objects/contacts')).status).toBe(429);
    emu.advance(1); // the first five fall out of the window
    const ok = await raw(emu, 'GET', '/crm/v3/objects/contacts');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-hubspot-ratelimit-remaining')).toBe('4');
    expect(emu.calls()).toMatchObject({ total: 11, throttled: 2, rejected: 2 });
  });

  it('answers 429 DAILY once a private app has spent its day and resets at midnight UTC', async () => {
    emu = await startEmu({ dailyLimit: 5 });
    emu.setDailyUsage(5);
    const e = await failure(client(emu).crm.contacts.basicApi.getPage(1));
    expect(e.code).toBe(429);
    expect(e.body).toMatchObject({ message: 'You have reached your daily limit.', policyName: 'DAILY', errorType: 'RATE_LIMIT' });
    expect(e.headers?.['x-hubspot-ratelimit-daily-remaining']).toBe('0');
    // The client's retry decorator never retries DAILY: one attempt only, even with retries on.
    const before = emu.calls().throttled;
    await failure(client(emu, { numberOfApiCallRetries: 3 }).crm.contacts.basicApi.getPage(1));
    expect(emu.calls().throttled - before).toBe(1);
    emu.advance(15 * 3_600_000); // 09:00 → past midnight
    expect((await raw(emu, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('the client retries a search 429 SECONDLY after a second when numberOfApiCallRetries > 1', async () => {
    emu = await startEmu({ searchPerSecond: 1, now: () => new Date() });
    const hs = client(emu, { numberOfApiCallRetries: 2 });
    const first = hs.crm.contacts.searchApi.doSearch({ filterGroups: [], sorts: [], properties: [], limit: 1, after: '0' });
    const second = hs.crm.contacts.searchApi.doSearch({ filterGroups: [], sorts: [], properties: [], limit: 1, after: '0' });
    await Promise.all([first, second]);
    expect(emu.calls()).toMatchObject({ throttled: 1 });
    expect(emu.calls().byKind.search).toBe(2);
  });
});
