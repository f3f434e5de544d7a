// The org's daily API allocation: REQUEST_LIMIT_EXCEEDED stops work until the resume time without a hot loop,
// and leadrelay's own share (maxDailyApiShare) keeps a stage from starting. Usage comes from Sforce-Limit-Info.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiShareExceededError, QuotaExhaustedError } from '../../../src/lib/retry.ts';
import type { Env } from './env.ts';
import { drain, mqlLeads, sfConfig, signal, startEnv } from './env.ts';
import { leadWrite } from './fixtures.ts';

describe('salesforce API quota', () => {
  let env: Env;
  let ids: string[];

  beforeAll(async () => {
    env = await startEnv({ emulator: { dailyApiLimit: 15_000 } });
    await env.setup();
    ids = env.emu.seed('Lead', mqlLeads(10));
    env.clock.advance(5);
  });
  afterAll(async () => {
    await env.close();
  });
  beforeEach(() => {
    env.emu.setApiUsage(0, 15_000);
    env.emu.resetCalls();
    env.sleeps.length = 0;
  });

  it('reports usage per stage and the org figure from Sforce-Limit-Info', async () => {
    const c = env.connector();
    await drain(c.pullLeads({ from: null, signal }));
    await c.write([leadWrite(ids[0] ?? '')], signal);
    const u = c.usage();
    expect(u.callsByStage).toEqual({ auth: 1, 'pull-leads': 1, 'write-lead': 1 });
    expect(u.total).toBe(3);
    expect(u.quota).toEqual({ used: 2, limit: 15_000, at: env.clock.now().toISOString() });
    expect(u.pausedUntil).toBeNull();
  });

  it('stops at REQUEST_LIMIT_EXCEEDED with a resume time, and refuses further stages without calling', async () => {
    const c = env.connector();
    await c.connect(signal);
    env.emu.setApiUsage(15_000, 15_000);
    const err = await drain(c.pullLeads({ from: null, signal })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    const nextMidnight = new Date(Date.UTC(2025, 4, 21)).toISOString();
    expect((err as QuotaExhaustedError).resumeAt.toISOString()).toBe(nextMidnight);
    expect(env.sleeps).toEqual([]);
    expect(c.usage().pausedUntil).toBe(nextMidnight);
    const before = c.usage().total;
    // No hot loop: every stage refuses at once, before any HTTP request.
    for (let i = 0; i < 5; i++) {
      await expect(c.write([leadWrite(ids[1] ?? '')], signal)).rejects.toBeInstanceOf(QuotaExhaustedError);
      await expect(drain(c.pullLeads({ from: null, signal }))).rejects.toBeInstanceOf(QuotaExhaustedError);
    }
    expect(c.usage().total).toBe(before);
    // After the resume time, work starts again.
    env.emu.setApiUsage(0, 15_000);
    env.clock.advance(24 * 3600);
    expect(await drain(c.pullLeads({ from: null, signal }))).toHaveLength(1);
  });

  it('refuses to start a stage once leadrelay used its share of the daily allocation', async () => {
    const c = env.connector({ config: sfConfig(env.emu.url, { maxDailyApiShare: 0.5 }) });
    env.emu.setApiUsage(7_400, 15_000);
    await drain(c.pullLeads({ from: null, signal }));
    env.emu.setApiUsage(7_600, 15_000);
    await c.write([leadWrite(ids[2] ?? '')], signal);
    const err = await c.write([leadWrite(ids[3] ?? '')], signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiShareExceededError);
    expect(err).toMatchObject({ stage: 'write-lead', used: 7_601, limit: 15_000, share: 0.5 });
    expect((err as Error).message).toMatch(/maxDailyApiShare/);
  });
});
