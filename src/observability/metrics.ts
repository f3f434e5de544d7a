// Prometheus metrics (prom-client), one registry per process (injected, no global default registry). Counters
// are fed by what the process does (sync cycles, jobs, mails); gauges are read from the store at scrape time,
// so every process that serves /metrics reports the shared state truthfully.
import client from 'prom-client';
import type { Store } from '../domain/ports.ts';
import type { CycleSummary } from '../sync/cycle.ts';

export interface Metrics {
  readonly registry: client.Registry;
  /** Count a finished sync cycle: API calls by CRM, stage and outcome; records pulled; the run's outcome. */
  observeCycle(crm: string, s: CycleSummary, callsByOutcome: Readonly<Record<string, number>>): void;
  observeJob(name: string, seconds: number, ok: boolean): void;
  observeMail(outcome: 'sent' | 'failed', n?: number): void;
  /** A scheduled tick skipped because another instance held the job's lease. */
  observeLeaseSkip(job: string): void;
  /** A running job aborted because its lease was lost (taken over, or not renewed in time). */
  observeLeaseLost(job: string): void;
  /** Read the store's state into the gauges (called on every scrape). */
  refresh(store: Store, now: Date, crm: string): Promise<void>;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ app: 'leadrelay' });
  client.collectDefaultMetrics({ register: registry });
  const reg = { registers: [registry] };
  const apiCalls = new client.Counter({ name: 'leadrelay_crm_api_calls_total', help: 'CRM API calls by CRM and stage.', labelNames: ['crm', 'stage'], ...reg });
  const apiOutcomes = new client.Counter({ name: 'leadrelay_crm_api_responses_total', help: 'CRM API responses by CRM and outcome (2xx, 4xx, 429, 5xx, network).', labelNames: ['crm', 'outcome'], ...reg });
  const quotaRemaining = new client.Gauge({ name: 'leadrelay_crm_api_quota_remaining', help: 'Remaining daily API calls the CRM last reported.', labelNames: ['crm'], ...reg });
  const quotaPaused = new client.Gauge({ name: 'leadrelay_crm_quota_paused', help: '1 while CRM work is paused because the API quota is exhausted.', labelNames: ['crm'], ...reg });
  const syncLag = new client.Gauge({ name: 'leadrelay_sync_lag_seconds', help: 'Seconds between now and the saved pull cursor, per CRM object.', labelNames: ['crm', 'object'], ...reg });
  const runs = new client.Counter({ name: 'leadrelay_sync_runs_total', help: 'Sync cycles by outcome.', labelNames: ['outcome'], ...reg });
  const records = new client.Counter({ name: 'leadrelay_records_pulled_total', help: 'Records pulled by kind (created, changed, unchanged, withdrawn, quarantined).', labelNames: ['object', 'kind'], ...reg });
  const outbox = new client.Gauge({ name: 'leadrelay_outbox_backlog', help: 'Write-backs waiting in the outbox.', ...reg });
  const outboxAge = new client.Gauge({ name: 'leadrelay_outbox_oldest_seconds', help: 'Age of the oldest pending write-back.', ...reg });
  const quarantine = new client.Gauge({ name: 'leadrelay_quarantine_size', help: 'Quarantined records and write-backs.', labelNames: ['kind'], ...reg });
  const offers = new client.Gauge({ name: 'leadrelay_offers', help: 'Offers by state.', labelNames: ['state'], ...reg });
  const leads = new client.Gauge({ name: 'leadrelay_leads', help: 'Leads by status.', labelNames: ['status'], ...reg });
  const mails = new client.Counter({ name: 'leadrelay_mails_total', help: 'Mails by outcome (sent, failed).', labelNames: ['outcome'], ...reg });
  const jobs = new client.Histogram({
    name: 'leadrelay_job_duration_seconds', help: 'Scheduled job durations.', labelNames: ['job', 'outcome'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300], ...reg,
  });
  const leaseSkips = new client.Counter({ name: 'leadrelay_job_lease_skips_total', help: 'Scheduled ticks skipped because another instance held the job lease.', labelNames: ['job'], ...reg });
  const leaseLost = new client.Counter({ name: 'leadrelay_job_lease_lost_total', help: 'Job runs aborted because their lease was lost.', labelNames: ['job'], ...reg });
  // Label sets that exist from the start, so a fresh process shows every metric with a value.
  for (const outcome of ['ok', 'failed', 'paused']) runs.inc({ outcome }, 0);
  for (const outcome of ['sent', 'failed']) mails.inc({ outcome }, 0);

  return {
    registry,
    observeCycle(crm, s, byOutcome) {
      for (const [stage, n] of Object.entries(s.apiCalls)) apiCalls.inc({ crm, stage }, n);
      for (const [outcome, n] of Object.entries(byOutcome)) apiOutcomes.inc({ crm, outcome }, n);
      runs.inc({ outcome: s.pausedUntil !== null ? 'paused' : s.ok ? 'ok' : 'failed' });
      if (s.leads) {
        for (const kind of ['created', 'changed', 'unchanged', 'withdrawn', 'quarantined'] as const) records.inc({ object: 'lead', kind }, s.leads[kind]);
      }
      if (s.quota !== null) quotaRemaining.set({ crm }, Math.max(0, s.quota.limit - s.quota.used));
    },
    observeJob(name, seconds, ok) {
      jobs.observe({ job: name, outcome: ok ? 'ok' : 'failed' }, seconds);
    },
    observeMail(outcome, n = 1) {
      mails.inc({ outcome }, n);
    },
    observeLeaseSkip(job) {
      leaseSkips.inc({ job });
    },
    observeLeaseLost(job) {
      leaseLost.inc({ job });
    },
    async refresh(store, now, crm) {
      const [cursors, backlog, q, offerCounts, leadCounts, paused] = await Promise.all([
        store.cursors.list(), store.outbox.backlog(), store.quarantine.count(), store.offers.countByStatus(), store.leads.countByStatus(),
        store.kv.get(`${crm}.quota.pausedUntil`),
      ]);
      for (const c of cursors) syncLag.set({ crm: c.crm, object: c.object }, Math.max(0, (now.getTime() - new Date(c.cursor.stamp).getTime()) / 1000));
      outbox.set(backlog.pending);
      outboxAge.set(backlog.oldest === null ? 0 : Math.max(0, (now.getTime() - backlog.oldest.getTime()) / 1000));
      quarantine.set({ kind: 'record' }, q.record);
      quarantine.set({ kind: 'write-back' }, q.writeBack);
      for (const state of ['open', 'reserved', 'taken', 'declined', 'expired', 'withdrawn']) offers.set({ state }, offerCounts[state] ?? 0);
      for (const [status, n] of Object.entries(leadCounts)) leads.set({ status }, n);
      quotaPaused.set({ crm }, paused !== null && new Date(paused).getTime() > now.getTime() ? 1 : 0);
    },
  };
}
