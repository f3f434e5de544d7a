// The lease protocol around jobs (src/scheduler/lease.ts), on an in-memory lease table with the store's
// semantics and fake timers: who runs, who skips, and that a run stops when its lease is lost or cannot be renewed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobLease, LeaseRepository } from '../../src/domain/ports.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { JobRunner, NOT_RUN } from '../../src/scheduler/jobs.ts';
import { LeaseLostError, instanceId, leased } from '../../src/scheduler/lease.ts';
import type { LeaseOptions } from '../../src/scheduler/lease.ts';

/** The store's rules (lease.repository.ts) on a Map: acquire when free or expired, renew/release by holder + token. */
class MemoryLeases implements LeaseRepository {
  readonly rows = new Map<string, JobLease>();
  renewals = 0;
  releases = 0;
  /** Set to make renew hang (a database that stopped answering). */
  stall: Promise<never> | null = null;
  async acquire(job: string, holder: string, now: Date, ttlMs: number) {
    const cur = this.rows.get(job);
    if (cur !== undefined && cur.expiresAt.getTime() > now.getTime()) return null;
    const l: JobLease = { job, holder, token: (cur?.token ?? 0) + 1, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
    this.rows.set(job, l);
    return l;
  }
  async renew(job: string, holder: string, token: number, now: Date, ttlMs: number) {
    if (this.stall !== null) await this.stall;
    const cur = this.rows.get(job);
    if (cur === undefined || cur.holder !== holder || cur.token !== token) return false;
    this.rows.set(job, { ...cur, expiresAt: new Date(now.getTime() + ttlMs) });
    this.renewals++;
    return true;
  }
  async release(job: string, holder: string, token: number, now: Date) {
    const cur = this.rows.get(job);
    if (cur === undefined || cur.holder !== holder || cur.token !== token) return false;
    this.rows.set(job, { ...cur, expiresAt: now });
    this.releases++;
    return true;
  }
  async list() { return [...this.rows.values()]; }
}

const LEASE = 30_000;
const opts = (leases: LeaseRepository, holder: string, extra: Partial<LeaseOptions> = {}): LeaseOptions => ({
  leases, holder, leaseMs: LEASE, now: () => new Date(), logger: nullLogger, monotonic: () => Date.now(), ...extra,
});

/** A job that runs until released or aborted, recording what it saw. */
function gatedJob() {
  let open!: () => void;
  const gate = new Promise<void>((r) => { open = r; });
  const seen = { started: 0, abortedWith: null as unknown };
  const fn = async (signal: AbortSignal) => {
    seen.started++;
    await new Promise<void>((res, rej) => {
      void gate.then(res);
      signal.addEventListener('abort', () => { seen.abortedWith = signal.reason; rej(signal.reason as Error); }, { once: true });
    });
  };
  return { fn, seen, open };
}

describe('leased jobs', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }); });
  afterEach(() => { vi.useRealTimers(); });

  it('two instances tick together: one runs, the other skips (heldElsewhere), then the released lease is free', async () => {
    const leases = new MemoryLeases();
    const job = gatedJob();
    const skips: string[] = [];
    const a = new JobRunner(nullLogger);
    const b = new JobRunner(nullLogger);
    a.add('sync', leased('sync', job.fn, opts(leases, 'A', { onSkip: (j) => skips.push(`A:${j}`) })));
    b.add('sync', leased('sync', job.fn, opts(leases, 'B', { onSkip: (j) => skips.push(`B:${j}`) })));
    const ta = a.trigger('sync');
    const tb = b.trigger('sync');
    await tb;
    expect(job.seen.started).toBe(1);
    expect(skips).toEqual(['B:sync']);
    expect(b.stats()['sync']).toMatchObject({ runs: 0, heldElsewhere: 1, failures: 0 });
    // The heartbeat keeps the lease while the run takes longer than the lease itself.
    await vi.advanceTimersByTimeAsync(3 * LEASE);
    expect(leases.renewals).toBeGreaterThanOrEqual(8);
    await b.trigger('sync');
    expect(b.stats()['sync']?.heldElsewhere).toBe(2);
    job.open();
    await ta;
    expect(a.stats()['sync']).toMatchObject({ runs: 1, failures: 0, heldElsewhere: 0 });
    expect(leases.releases).toBe(1);
    // Released: B's next tick runs at once, with the next fencing token.
    const job2 = gatedJob();
    const b2 = new JobRunner(nullLogger);
    b2.add('sync', leased('sync', job2.fn, opts(leases, 'B')));
    const t2 = b2.trigger('sync');
    await vi.advanceTimersByTimeAsync(0);
    expect(job2.seen.started).toBe(1);
    expect(leases.rows.get('sync')).toMatchObject({ holder: 'B', token: 2 });
    job2.open();
    await t2;
  });

  it('a run whose lease was taken over is aborted with LeaseLostError and does not release the new holder\'s lease', async () => {
    const leases = new MemoryLeases();
    const job = gatedJob();
    const lost: string[] = [];
    const a = new JobRunner(nullLogger);
    a.add('tick', leased('tick', job.fn, opts(leases, 'A', { onLost: (j) => lost.push(j) })));
    const ta = a.trigger('tick');
    await vi.advanceTimersByTimeAsync(0);
    // Someone else holds it now (as after an expiry while A was stalled).
    leases.rows.set('tick', { job: 'tick', holder: 'B', token: 9, acquiredAt: new Date(), expiresAt: new Date(Date.now() + LEASE) });
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    await ta;
    expect(job.seen.abortedWith).toBeInstanceOf(LeaseLostError);
    expect(lost).toEqual(['tick']);
    expect(a.stats()['tick']).toMatchObject({ runs: 1, failures: 1 });
    expect(a.stats()['tick']?.lastError).toMatch(/lost the lease on job tick \(another instance holds it now\)/);
    expect(leases.rows.get('tick')).toMatchObject({ holder: 'B', token: 9 });
    expect(leases.releases).toBe(0);
  });

  it('a run that cannot renew (database stalled) stops a quarter lease before it could expire, by its own clock', async () => {
    const leases = new MemoryLeases();
    leases.stall = new Promise<never>(() => {});
    const job = gatedJob();
    const a = new JobRunner(nullLogger);
    a.add('sync', leased('sync', job.fn, opts(leases, 'A')));
    const startedAt = Date.now();
    const ta = a.trigger('sync');
    await vi.advanceTimersByTimeAsync(LEASE * 0.75 - 1);
    expect(job.seen.abortedWith).toBeNull();
    await vi.advanceTimersByTimeAsync(2);
    expect(job.seen.abortedWith).toBeInstanceOf(LeaseLostError);
    expect(String((job.seen.abortedWith as Error).message)).toContain('not renewed before it would expire');
    // Aborted with a quarter of the lease left: time to reach a checkpoint before anyone else may take it.
    expect(Date.now()).toBeLessThanOrEqual(startedAt + LEASE * 0.75 + 1);
    leases.stall = null;
    await ta.catch(() => {});
  });

  it('a job that swallows the abort still does not count as a success', async () => {
    const leases = new MemoryLeases();
    const a = new JobRunner(nullLogger);
    a.add('sync', leased('sync', async (signal) => {
      leases.rows.set('sync', { job: 'sync', holder: 'B', token: 5, acquiredAt: new Date(), expiresAt: new Date(Date.now() + LEASE) });
      await new Promise((r) => setTimeout(r, LEASE / 2));
      return signal.aborted ? 'ignored the abort' : 'done';
    }, opts(leases, 'A')));
    const ta = a.trigger('sync');
    await vi.advanceTimersByTimeAsync(LEASE);
    await ta;
    expect(a.stats()['sync']).toMatchObject({ failures: 1 });
  });

  it('the job fn sees NOT_RUN only through the runner: a skipped tick is not a run and not a failure', async () => {
    const leases = new MemoryLeases();
    await leases.acquire('sync', 'B', new Date(), LEASE);
    const fn = vi.fn(async () => 'ran');
    const wrapped = leased('sync', fn, opts(leases, 'A'));
    expect(await wrapped(new AbortController().signal)).toBe(NOT_RUN);
    expect(fn).not.toHaveBeenCalled();
  });

  it('instance ids are unique per process start, or the configured one', () => {
    expect(instanceId()).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
    expect(instanceId()).not.toBe(instanceId());
    expect(instanceId('web-1')).toBe('web-1');
  });
});
