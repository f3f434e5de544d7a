// The account's rate limiter, without I/O: a fake clock that only moves when the limiter sleeps.
import { describe, expect, it } from 'vitest';
import { LimiterRegistry, RateLimiter } from '../../../src/connectors/hubspot/limiter.ts';
import { nextMidnightIn } from '../../../src/connectors/hubspot/client.ts';

function clock(start = 0) {
  const c = { ms: start, slept: [] as number[] };
  return {
    c,
    work: { now: () => new Date(c.ms), sleep: async (ms: number) => { c.slept.push(ms); c.ms += ms; } },
  };
}

/** Calls per sliding window of `span` ms, at most. */
function maxInWindow(times: readonly number[], span: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) best = Math.max(best, times.filter((t) => t >= (times[i] ?? 0) && t < (times[i] ?? 0) + span).length);
  return best;
}

describe('RateLimiter', () => {
  it('never lets more than burstShare × max calls into a 10-second window', async () => {
    const l = new RateLimiter({ burstPer10s: 100, burstShare: 0.8, searchPerSecond: 4 });
    const { c, work } = clock();
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      await l.acquire('standard', work);
      times.push(c.ms);
    }
    expect(maxInWindow(times, 10_000)).toBe(80);
    expect(c.ms).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps search to searchPerSecond in any second', async () => {
    const l = new RateLimiter({ burstPer10s: 190, burstShare: 1, searchPerSecond: 4 });
    const { c, work } = clock();
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      await l.acquire('search', work);
      times.push(c.ms);
    }
    expect(maxInWindow(times, 1000)).toBe(4);
  });

  it("learns the account's limit and other apps' usage from the headers", async () => {
    const l = new RateLimiter({ burstPer10s: 100, burstShare: 0.8, searchPerSecond: 4 });
    const { c, work } = clock();
    await l.acquire('standard', work);
    // 190 per 10 s (Professional), 150 used by others right now: 0.8 × 190 − 150 = 2 for us.
    l.observe({ 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-remaining': '39', 'x-hubspot-ratelimit-interval-milliseconds': '10000' }, new Date(c.ms));
    await l.acquire('standard', work);
    expect(c.slept).toEqual([]);
    await l.acquire('standard', work);
    expect(c.slept).toEqual([10_000]);
  });

  it('blocks everyone on the account after a 429 until the window has rolled', async () => {
    const l = new RateLimiter({ burstPer10s: 100, burstShare: 0.8, searchPerSecond: 4 });
    const { c, work } = clock(1000);
    l.block(new Date(8000), false);
    await l.acquire('standard', work);
    expect(c.ms).toBe(8000);
    l.block(new Date(9000), true);
    await l.acquire('standard', work);
    expect(c.ms).toBe(8000);
    await l.acquire('search', work);
    expect(c.ms).toBe(9000);
  });

  it('is shared per account: one registry entry per API host and credential', () => {
    const r = new LimiterRegistry();
    const s = { burstPer10s: 100, burstShare: 0.8, searchPerSecond: 4 };
    expect(r.for('a', s)).toBe(r.for('a', s));
    expect(r.for('a', s)).not.toBe(r.for('b', s));
  });

  it("resumes a daily stop at the account's midnight", () => {
    expect(nextMidnightIn('UTC', new Date('2025-05-20T12:00:00Z')).toISOString()).toBe('2025-05-21T00:00:00.000Z');
    expect(nextMidnightIn('America/New_York', new Date('2025-01-10T03:00:00Z')).toISOString()).toBe('2025-01-10T05:00:00.000Z');
  });
});
