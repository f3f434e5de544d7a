// A job table with the guarantees of Nango's SchedulerDaemon: each job takes an AbortSignal, a tick is skipped
// while the previous run of that job is still going (no overlap), a failure is reported and the daemon lives
// on, and `drain()` stops new runs, aborts the running ones at their next safe point and waits for them.
import type { Logger } from '../lib/logger.ts';

export type JobFn = (signal: AbortSignal) => Promise<unknown>;

/**
 * What a job returns when it decided not to run after all (another instance holds its lease, see lease.ts):
 * counted in `heldElsewhere`, not as a run, and not reported to `onFinish` (no duration to measure).
 */
export const NOT_RUN: unique symbol = Symbol('job not run: held by another instance');

export interface JobStats {
  runs: number;
  /** Ticks skipped because this process was still running the job. */
  skipped: number;
  /** Ticks where another instance held the job's lease. */
  heldElsewhere: number;
  failures: number;
  lastError: string | null;
  lastDurationMs: number | null;
  running: boolean;
}

interface Job { name: string; fn: JobFn; stats: JobStats; current: Promise<void> | null }

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly controller = new AbortController();
  private draining = false;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** Told when a run ends (metrics: job durations). */
    private readonly onFinish: (name: string, ms: number, ok: boolean) => void = () => {},
  ) {}

  add(name: string, fn: JobFn): void {
    this.jobs.set(name, { name, fn, current: null, stats: { runs: 0, skipped: 0, heldElsewhere: 0, failures: 0, lastError: null, lastDurationMs: null, running: false } });
  }

  /** Run `name` now unless it is already running (then the tick is skipped and counted). */
  trigger(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (job === undefined) throw new Error(`no job named ${name}`);
    if (this.draining) return Promise.resolve();
    if (job.current !== null) {
      job.stats.skipped++;
      this.logger.info('job still running; tick skipped', { job: name });
      return job.current;
    }
    const started = this.now();
    job.stats.running = true;
    let ran = true;
    job.current = job.fn(this.controller.signal)
      .then((r) => {
        if (r === NOT_RUN) ran = false;
        else job.stats.lastError = null;
      })
      .catch((e: unknown) => {
        job.stats.failures++;
        job.stats.lastError = e instanceof Error ? e.message : String(e);
        if (!this.controller.signal.aborted) this.logger.error('job failed', { job: name, error: job.stats.lastError });
      })
      .finally(() => {
        if (ran) {
          job.stats.runs++;
          job.stats.lastDurationMs = this.now() - started;
          this.onFinish(name, job.stats.lastDurationMs, job.stats.lastError === null);
        } else {
          job.stats.heldElsewhere++;
        }
        job.stats.running = false;
        job.current = null;
      });
    return job.current;
  }

  stats(): Record<string, JobStats> {
    return Object.fromEntries([...this.jobs.values()].map((j) => [j.name, { ...j.stats }]));
  }

  /** Stop accepting runs, ask running jobs to stop at their next checkpoint, and wait (bounded) for them. */
  async drain(timeoutMs = 30_000): Promise<boolean> {
    this.draining = true;
    this.controller.abort(new Error('daemon is shutting down'));
    const running = [...this.jobs.values()].map((j) => j.current).filter((p): p is Promise<void> => p !== null);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((res) => { timer = setTimeout(() => res(false), timeoutMs); });
    const done = Promise.all(running).then(() => true as const);
    const r = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return r;
  }
}
