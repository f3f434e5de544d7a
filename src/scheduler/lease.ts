// Job leases around scheduled jobs, so any number of daemons can share one database and each job still runs on
// exactly one of them at a time (issue #9). Per-job locks, not a single leader: whichever daemon's tick comes
// first takes a free lease, so a dead daemon's jobs move to the others without an election.
//
// The protocol, per run (the store does each step in one conditional statement, see store/lease.repository.ts):
// 1. acquire the job's lease for leaseMs; if another instance holds it, skip this tick (counted and logged);
// 2. while the job runs, renew every leaseMs / 3 (the heartbeat);
// 3. if a renewal is refused (someone else holds the lease now) or no renewal got through for three quarters of
//    the lease by our own monotonic clock, abort the job through its AbortSignal: it stops at its next
//    checkpoint (a page, a batch) instead of running on beside the new holder. The abort is cooperative: the
//    last quarter of the lease is the time the job has to get there;
// 4. release the lease when the job ends, so the next tick anywhere may take it at once.
// A daemon killed with -9 does neither 3 nor 4: its lease runs out after at most leaseMs, and the first tick of
// another daemon after that takes the job over. Failover time <= leaseSeconds + one schedule interval.
//
// Why the local deadline in 3: the lease's expiry is computed from the clock when we asked for it, so a daemon
// whose renewals fail (database unreachable, event loop stalled) must assume the lease is gone when it would
// have expired, and stop, even before it learns that someone else took it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobLease, LeaseRepository } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobFn } from './jobs.ts';
import { NOT_RUN } from './jobs.ts';

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly job: string, why: string) {
    super(`lost the lease on job ${job} (${why}): stopped so that it does not run on two instances at once`);
  }
}

export interface LeaseOptions {
  readonly leases: LeaseRepository;
  /** This instance's id (instanceId()). */
  readonly holder: string;
  readonly leaseMs: number;
  /** The injected clock: lease expiries are written in its time. */
  readonly now: () => Date;
  readonly logger: Logger;
  /** A monotonic clock in ms for the local deadline (default performance.now). */
  readonly monotonic?: () => number;
  /** Told when a tick is skipped because another instance holds the job (metrics). */
  readonly onSkip?: (job: string) => void;
  /** Told when a running job lost its lease and was aborted (metrics). */
  readonly onLost?: (job: string) => void;
  /** Told when this instance starts and ends a run under a lease (logs, tests). */
  readonly onRun?: (event: 'started' | 'finished', lease: JobLease) => void;
}

/** `<hostname>-<pid>-<6 hex>`: unique per process even when two run on one host or a pid is reused. */
export function instanceId(override: string | null = null): string {
  return override ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Wrap `fn` so that it runs only under the job's lease (see the protocol above). */
export function leased(job: string, fn: JobFn, o: LeaseOptions): (signal: AbortSignal) => Promise<unknown> {
  const monotonic = o.monotonic ?? (() => performance.now());
  const heartbeatMs = Math.max(1, Math.floor(o.leaseMs / 3));
  // Stop a quarter of the lease before it can run out: the abort only takes effect at the job's next checkpoint
  // (a page, a batch), and that quarter is the time it has to get there before another instance may start.
  // With the heartbeat at a third, one failed or stuck renewal is tolerated; the second aborts the run.
  const marginMs = Math.floor(o.leaseMs / 4);
  return async (signal) => {
    const askedAt = monotonic();
    const lease = await o.leases.acquire(job, o.holder, o.now(), o.leaseMs);
    if (lease === null) {
      o.onSkip?.(job);
      o.logger.debug('job lease held by another instance; tick skipped', { job, instance: o.holder });
      return NOT_RUN;
    }
    const lost = new AbortController();
    const lose = (why: string): void => {
      if (lost.signal.aborted) return;
      lost.abort(new LeaseLostError(job, why));
      o.onLost?.(job);
      o.logger.warn('job lease lost: aborting the run', { job, instance: o.holder, fence: lease.token, why });
    };
    let deadline: NodeJS.Timeout | undefined;
    const armDeadline = (from: number): void => {
      clearTimeout(deadline);
      deadline = setTimeout(() => lose('not renewed before it would expire'), Math.max(0, from + o.leaseMs - marginMs - monotonic()));
    };
    armDeadline(askedAt);
    // One renewal at a time; the release waits for it, or a late renewal could re-extend a released lease.
    let renewing: Promise<void> | null = null;
    const heartbeat = setInterval(() => {
      if (renewing !== null || lost.signal.aborted) return;
      const sentAt = monotonic();
      renewing = o.leases.renew(job, o.holder, lease.token, o.now(), o.leaseMs).then((ok) => {
        if (ok) armDeadline(sentAt);
        else lose('another instance holds it now');
      }, (e: unknown) => {
        // Keep trying on the next beat: the local deadline aborts the run if no renewal gets through in time.
        o.logger.warn('job lease renewal failed', { job, instance: o.holder, error: e instanceof Error ? e.message : String(e) });
      }).finally(() => { renewing = null; });
    }, heartbeatMs);
    o.onRun?.('started', lease);
    try {
      const result = await fn(AbortSignal.any([signal, lost.signal])).finally(() => {
        // The job's work ends here, before any waiting for a renewal in flight below.
        o.onRun?.('finished', lease);
      });
      // A job that swallowed the abort must still not report success after its lease was gone.
      if (lost.signal.aborted) throw lost.signal.reason;
      return result;
    } finally {
      clearInterval(heartbeat);
      // Wait for a renewal in flight before releasing, but not past the local deadline (still armed): a renewal
      // stuck on an unreachable database must not hold the run open forever.
      // (TypeScript narrows `renewing` to null here: it is assigned inside the interval callback.)
      const inflight = renewing as Promise<void> | null;
      if (inflight !== null && !lost.signal.aborted) {
        await Promise.race([inflight, new Promise((res) => { lost.signal.addEventListener('abort', res, { once: true }); })]);
      }
      clearTimeout(deadline);
      if (!lost.signal.aborted) {
        await o.leases.release(job, o.holder, lease.token, o.now()).catch((e: unknown) => {
          // Not fatal: the lease runs out by itself after leaseMs.
          o.logger.warn('job lease release failed', { job, instance: o.holder, error: e instanceof Error ? e.message : String(e) });
        });
      }
    }
  };
}
