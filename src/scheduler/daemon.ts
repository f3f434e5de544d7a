// The daemon: node-cron schedules from config drive the job table (no overlap per job); SIGTERM/SIGINT stop
// scheduling, let running jobs stop at their next checkpoint (a page or a batch), then close the database.
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { App } from '../runtime/app.ts';
import { runSyncCycle } from '../sync/cycle.ts';
import { tick } from '../services/tick.ts';
import { JobRunner, NOT_RUN } from './jobs.ts';
import type { JobFn } from './jobs.ts';
import { instanceId, leased } from './lease.ts';
import type { LeaseOptions } from './lease.ts';
import { startWebRuntime } from '../web/server.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { Metrics } from '../observability/metrics.ts';
import { startProbeServer } from '../observability/server.ts';
import { partnerKpiJob, reportDelivery } from '../reports/deliver-jobs.ts';
import { Serial } from '../sync/realtime.ts';
import { startRealtime } from '../sync/realtime-runtime.ts';
import type { RealtimeRuntime } from '../sync/realtime-runtime.ts';
import type { ProbeServer } from '../observability/server.ts';

export interface DaemonOptions {
  /** Run a sync at start instead of waiting for the first cron tick. */
  readonly runAtStart?: boolean;
  /** Resolves when the daemon should stop (default: SIGTERM or SIGINT). */
  readonly stopWhen?: Promise<unknown>;
  readonly onCycle?: (summary: Awaited<ReturnType<typeof runSyncCycle>>) => void;
  /** Told where /metrics, /healthz and /readyz are served (when `metrics.enabled`). */
  readonly onProbes?: (url: string, metrics: Metrics) => void;
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
  const metrics = createMetrics();
  let accepting = true;
  const runner = new JobRunner(app.logger, Date.now, (name, ms, ok) => metrics.observeJob(name, ms / 1000, ok));
  // Several daemons may share the database: every job runs under its lease (lease.ts), so one instance at a time.
  const instance = instanceId(app.config.cluster.instanceId);
  const leaseOptions: LeaseOptions = {
    leases: app.store.leases, holder: instance, leaseMs: app.config.cluster.leaseSeconds * 1000, now: () => app.ctx.clock.now(),
    logger: app.logger, onSkip: (job) => metrics.observeLeaseSkip(job), onLost: (job) => metrics.observeLeaseLost(job),
    // Debug lines with exact times: how an operator (and the cluster tests) see which instance ran what when.
    onRun: (event, l) => app.logger.debug(`job run ${event}`, { job: l.job, instance, fence: l.token, atMs: Date.now() }),
  };
  const add = (name: string, fn: JobFn): void => runner.add(name, leased(name, fn, leaseOptions));
  const objects = { leads: app.mappings.lead.object, partners: app.mappings.partner.object };
  const connector = app.connector();
  // Usage counters are cumulative per connector: metrics get each cycle's difference.
  let seenOutcomes: Readonly<Record<string, number>> = {};
  // Realtime batches and sync cycles take turns (never two qualify/offer passes at once).
  const serial = new Serial();
  const cycle = async (signal: AbortSignal, pull: boolean) => {
    const s = await serial.run(() => runSyncCycle(app.ctx, connector, objects, { signal, pull }));
    const now = connector.usage().callsByOutcome ?? {};
    metrics.observeCycle(connector.crm, s, Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (seenOutcomes[k] ?? 0)])));
    seenOutcomes = now;
    opts.onCycle?.(s);
  };
  add('sync', (signal) => cycle(signal, true));
  // The tick's flush writes to the CRM like a sync does, so it runs under the sync lease too: never beside a
  // sync on any instance (this one included), which could send the same outbox items twice.
  const flushUnderSyncLease = leased('sync', (signal) => cycle(signal, false), leaseOptions);
  add('tick', async (signal) => {
    const t = await tick(app.ctx, signal);
    // Ended waves and escalations change the CRM state: flush them without a pull (or leave them to the sync
    // that is running now: it flushes everything due at its end).
    if (t.nextWaves + t.escalated > 0 && (await flushUnderSyncLease(signal)) === NOT_RUN) {
      app.logger.debug('tick flush left to the running sync', { instance });
    }
  });
  // Reports (issue 7): the weekly mail is queued in the mail outbox; the KPI write-backs are flushed right away.
  const deliver = reportDelivery(app);
  const kpis = partnerKpiJob(app);
  // Under leases like every scheduled job: one instance computes them (the mail dedupe keys and the KPI snapshot
  // would keep a second run harmless, but not free). The KPI flush writes to the CRM, so it takes the sync lease.
  add('reports', (signal) => deliver(signal));
  add('kpis', async (signal) => {
    const k = await kpis(signal);
    if (k.enqueued > 0 && (await flushUnderSyncLease(signal)) === NOT_RUN) {
      app.logger.debug('KPI flush left to the running sync', { instance });
    }
  });
  let probes: ProbeServer | null = null;
  if (app.config.metrics.enabled) {
    probes = await startProbeServer({ metrics, store: app.store, now: () => app.ctx.clock.now(), crm: connector.crm, accepting: () => accepting, instance }, app.config.metrics.host, app.config.metrics.port);
    app.logger.info('metrics and probes served', { url: probes.url });
    opts.onProbes?.(probes.url, metrics);
  }
  // With realtime ingestion on, polling is the safety net on its own (longer) schedule.
  const realtimeStop = new AbortController();
  let realtime: RealtimeRuntime | null = null;
  if (app.config.realtime.enabled) {
    realtime = await startRealtime(app, connector, {
      serial, signal: realtimeStop.signal,
      catchUp: async (signal) => { await runSyncCycle(app.ctx, connector, objects, { signal }); },
    });
  }
  const syncSchedule = app.config.realtime.enabled ? app.config.realtime.safetyNetSync : app.config.schedule.sync;
  const tasks: ScheduledTask[] = [
    cron.schedule(syncSchedule, () => runner.trigger('sync'), { name: 'sync' }),
    cron.schedule(app.config.schedule.tick, () => runner.trigger('tick'), { name: 'tick' }),
    ...(app.config.reports.delivery.enabled ? [cron.schedule(app.config.schedule.reports, () => runner.trigger('reports'), { name: 'reports' })] : []),
    ...(app.config.reports.kpis.enabled ? [cron.schedule(app.config.schedule.kpis, () => runner.trigger('kpis'), { name: 'kpis' })] : []),
  ];
  // The web client (web.enabled) and the mail sender (mail.enabled) run beside the schedules.
  const web = app.config.web.enabled || app.config.mail.enabled ? await startWebRuntime(app, { listen: app.config.web.enabled, hooks: realtime?.hooks ?? null }) : null;
  if (realtime?.hooks != null && !app.config.web.enabled) app.logger.warn('realtime: HubSpot webhooks need web.enabled (POST /hooks/hubspot); until then only the inbox timer and the safety-net poll run');
  app.logger.info('daemon started', {
    sync: syncSchedule, tick: app.config.schedule.tick, realtime: app.config.realtime.enabled,
    reports: app.config.reports.delivery.enabled ? app.config.schedule.reports : 'off', kpis: app.config.reports.kpis.enabled ? app.config.schedule.kpis : 'off',
    instance, leaseSeconds: app.config.cluster.leaseSeconds,
  });
  if (opts.runAtStart !== false) void runner.trigger('sync');
  const why = await (opts.stopWhen ?? signalPromise());
  app.logger.info('daemon stopping: draining jobs', { why: typeof why === 'string' ? why : 'requested' });
  accepting = false;
  for (const t of tasks) await t.destroy();
  realtimeStop.abort();
  await realtime?.close();
  const drained = await runner.drain();
  await web?.close();
  await probes?.close();
  app.logger.info('daemon stopped', { drained, jobs: runner.stats() });
  return { drained, stats: runner.stats() };
}
