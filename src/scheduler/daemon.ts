// The daemon: node-cron schedules from config drive the job table (no overlap per job); SIGTERM/SIGINT stop
// scheduling, let running jobs stop at their next checkpoint (a page or a batch), then close the database.
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { App } from '../runtime/app.ts';
import { runSyncCycle } from '../sync/cycle.ts';
import { tick } from '../services/tick.ts';
import { JobRunner } from './jobs.ts';

export interface DaemonOptions {
  /** Run a sync at start instead of waiting for the first cron tick. */
  readonly runAtStart?: boolean;
  /** Resolves when the daemon should stop (default: SIGTERM or SIGINT). */
  readonly stopWhen?: Promise<unknown>;
  readonly onCycle?: (summary: Awaited<ReturnType<typeof runSyncCycle>>) => void;
}

export function signalPromise(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<NodeJS.Signals> {
  return new Promise((res) => {
    const handler = (s: NodeJS.Signals) => {
      for (const x of signals) process.off(x, handler);
      res(s);
    };
    for (const s of signals) process.on(s, handler);
  });
}

export async function runDaemon(app: App, opts: DaemonOptions = {}): Promise<{ drained: boolean; stats: ReturnType<JobRunner['stats']> }> {
  const runner = new JobRunner(app.logger);
  const objects = { leads: app.mappings.lead.object, partners: app.mappings.partner.object };
  const connector = app.connector();
  runner.add('sync', async (signal) => {
    const s = await runSyncCycle(app.ctx, connector, objects, { signal });
    opts.onCycle?.(s);
  });
  runner.add('tick', async (signal) => {
    const t = await tick(app.ctx, signal);
    // Ended waves and escalations change the CRM state: flush them without a pull.
    if (t.nextWaves + t.escalated > 0) await runSyncCycle(app.ctx, connector, objects, { signal, pull: false });
  });
  const tasks: ScheduledTask[] = [
    cron.schedule(app.config.schedule.sync, () => runner.trigger('sync'), { name: 'sync' }),
    cron.schedule(app.config.schedule.tick, () => runner.trigger('tick'), { name: 'tick' }),
  ];
  app.logger.info('daemon started', { sync: app.config.schedule.sync, tick: app.config.schedule.tick });
  if (opts.runAtStart !== false) void runner.trigger('sync');
  const why = await (opts.stopWhen ?? signalPromise());
  app.logger.info('daemon stopping: draining jobs', { why: typeof why === 'string' ? why : 'requested' });
  for (const t of tasks) await t.destroy();
  const drained = await runner.drain();
  app.logger.info('daemon stopped', { drained, jobs: runner.stats() });
  return { drained, stats: runner.stats() };
}
