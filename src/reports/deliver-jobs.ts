// The two scheduled report jobs, built from the app so the daemon only registers them: `reports` queues the
// weekly mails (the mail sender beside the daemon sends them), `kpis` enqueues the partner KPI write-backs
// (the caller flushes them to the CRM right after, like any other write-back).
import type { Period } from './model.ts';
import type { App } from '../runtime/app.ts';
import { enqueuePartnerKpis } from './crm-kpis.ts';
import type { KpiWriteBackSummary } from './crm-kpis.ts';
import type { DeliverySummary } from './deliver.ts';
import { defaultRenderers, deliverReports, engineReports, lastCompleteWeek } from './deliver.ts';
import { buildReport } from './report.ts';

export function reportDelivery(app: App): (signal: AbortSignal, period?: Period) => Promise<DeliverySummary> {
  const now = (): Date => app.ctx.clock.now();
  const cfg = app.config.reports.delivery;
  return (signal, period) => deliverReports({
    store: app.store, logger: app.logger, now, base: app.config.web.publicUrl.replace(/\/+$/, ''),
    mailDefaults: app.config.mail.defaults, config: cfg, report: engineReports(app.store, now, cfg.trendWeeks), render: defaultRenderers,
  }, period ?? lastCompleteWeek(now()), signal);
}

export function partnerKpiJob(app: App): (signal: AbortSignal) => Promise<KpiWriteBackSummary> {
  const now = (): Date => app.ctx.clock.now();
  return (signal) => enqueuePartnerKpis({
    store: app.store, logger: app.logger, now,
    // The whole channel over the window: one report, every partner with activity gets its row.
    partnerKpis: async (period) => (await buildReport(app.store, { period, slice: { kind: 'all' }, asOf: now(), trendWeeks: 2 })).partners,
  }, app.config.reports.kpis.windowDays, signal);
}
