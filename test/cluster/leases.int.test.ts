// Lease and rate-limit repositories, as several instances see them: two store handles (two connections, as two
// processes would have) on one database. Job names and buckets are unique per test, so the suite also runs on a
// shared database (LEADRELAY_TEST_STORE_URL).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/domain/ports.ts';
import { openStore } from '../../src/store/index.ts';
import type { TestStoreLocation } from './store-url.ts';
import { testStoreUrl } from './store-url.ts';

const T0 = new Date('2026-11-24T09:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const TTL = 30_000;

describe('job leases on one database, two connections', () => {
  let loc: TestStoreLocation;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    loc = await testStoreUrl('leases');
    a = await openStore({ url: loc.url });
    b = await openStore({ url: loc.url });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await loc.cleanup();
  });

  it('one holder at a time; the other gets null until the lease expires, then takes it with a larger token', async () => {
    const job = `sync-${randomUUID()}`;
    const first = await a.leases.acquire(job, 'A', T0, TTL);
    expect(first).toMatchObject({ job, holder: 'A', expiresAt: at(TTL) });
    expect(await b.leases.acquire(job, 'B', at(TTL - 1), TTL)).toBeNull();
    // At the expiry instant the lease is free (expires_at <= now).
    const second = await b.leases.acquire(job, 'B', at(TTL), TTL);
    expect(second).toMatchObject({ holder: 'B', expiresAt: at(2 * TTL) });
    expect(second!.token).toBe(first!.token + 1);
    // The old holder is fenced off: it can neither renew nor release the new lease.
    expect(await a.leases.renew(job, 'A', first!.token, at(TTL + 1), TTL)).toBe(false);
    expect(await a.leases.release(job, 'A', first!.token, at(TTL + 1))).toBe(false);
    expect((await a.leases.list()).find((l) => l.job === job)).toMatchObject({ holder: 'B', token: second!.token });
  });

  it('renew by the holder extends the lease; by another holder or with a stale token it is refused', async () => {
    const job = `tick-${randomUUID()}`;
    const l = (await a.leases.acquire(job, 'A', T0, TTL))!;
    expect(await b.leases.renew(job, 'B', l.token, at(10_000), TTL)).toBe(false);
    expect(await a.leases.renew(job, 'A', l.token + 1, at(10_000), TTL)).toBe(false);
    expect(await a.leases.renew(job, 'A', l.token, at(20_000), TTL)).toBe(true);
    // Renewed at +20 s: still held at the original expiry, free at +50 s.
    expect(await b.leases.acquire(job, 'B', at(TTL + 5_000), TTL)).toBeNull();
    expect(await b.leases.acquire(job, 'B', at(20_000 + TTL), TTL)).toMatchObject({ holder: 'B', token: l.token + 1 });
  });

  it('release frees the lease at once and keeps the token growing; even its own holder cannot take a held lease twice', async () => {
    const job = `mail-${randomUUID()}`;
    const l1 = (await a.leases.acquire(job, 'A', T0, TTL))!;
    expect(await a.leases.release(job, 'A', l1.token, at(1_000))).toBe(true);
    const l2 = (await b.leases.acquire(job, 'B', at(1_000), TTL))!;
    expect(l2.token).toBe(l1.token + 1);
    expect(await b.leases.release(job, 'B', l2.token, at(2_000))).toBe(true);
    const l3 = (await b.leases.acquire(job, 'B', at(2_000), TTL))!;
    expect(l3.token).toBe(l2.token + 1);
    expect(await b.leases.acquire(job, 'B', at(3_000), TTL)).toBeNull();
    expect(await b.leases.renew(job, 'B', l3.token, at(3_000), TTL)).toBe(true);
  });

  it('40 instances racing for one job through two connections: exactly one wins', async () => {
    const job = `race-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).leases.acquire(job, `H${i}`, T0, TTL)));
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect((await b.leases.list()).find((l) => l.job === job)?.holder).toBe(winners[0]!.holder);
  });

  it('refuses a non-positive lease duration with the config key to fix', async () => {
    await expect(a.leases.acquire(`bad-${randomUUID()}`, 'A', T0, 0)).rejects.toThrow(/cluster.leaseSeconds/);
  });
});

describe('rate-limit counters on one database, two connections', () => {
  let loc: TestStoreLocation;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    loc = await testStoreUrl('ratelimits');
    a = await openStore({ url: loc.url });
    b = await openStore({ url: loc.url });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await loc.cleanup();
  });

  it('hits through either connection count into one window; the next window starts again at 1', async () => {
    const bucket = `user:${randomUUID()}`;
    const counts = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).rateLimits.hit(bucket, 60_000, at(1_000 + i))));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(counts[0]!.resetAt).toEqual(new Date(Math.floor(at(1_000).getTime() / 60_000) * 60_000 + 60_000));
    expect((await a.rateLimits.hit(bucket, 60_000, counts[0]!.resetAt)).count).toBe(1);
    expect((await b.rateLimits.hit(`other:${randomUUID()}`, 60_000, at(1_000))).count).toBe(1);
  });

  it('purge deletes ended windows only', async () => {
    const bucket = `ip:${randomUUID()}`;
    const old = await a.rateLimits.hit(bucket, 60_000, T0);
    await a.rateLimits.hit(bucket, 60_000, old.resetAt);
    expect(await a.rateLimits.purge(new Date(old.resetAt.getTime() + 1))).toBeGreaterThanOrEqual(1);
    // The current window survived: the next hit in it is the second.
    expect((await b.rateLimits.hit(bucket, 60_000, old.resetAt)).count).toBe(2);
    expect((await b.rateLimits.hit(bucket, 60_000, T0)).count).toBe(1);
  });
});
