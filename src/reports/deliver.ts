// The weekly report mail (issue 7): one mail per participant, each with exactly their slice. The slice comes
// from the same computeSlice the web client enforces in its queries, so a mail never shows more than the
// recipient could see by signing in: partner managers their organisation, distributor managers theirs with the
// resellers, channel managers their portfolio, admins the whole channel.
//
// Mails go through the mail outbox (no mail lost, one Message-ID per mail) with the dedupe key `report:<user>:<period>`: a re-run,
// a second daemon or a crash half-way through queues nothing twice, and recipients queued before the crash are
// not recomputed into a second mail.
import type { MailAttachment, OutgoingMail } from '../domain/mail.ts';
import { notificationPrefsSchema, defaultPrefs, quietUntil } from '../domain/notification-prefs.ts';
import type { User } from '../domain/partner.ts';
import type { Store } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { MailConfig } from '../notify/config-schema.ts';
import { computeSlice } from '../web/auth/slice.ts';
import type { Slice as WebSlice } from '../web/auth/slice.ts';
import type { ReportsConfig } from './delivery-config.ts';
import type { Period, Report, Slice } from './model.ts';
import { parsePeriod } from './period.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { buildReport, readReportFacts } from './report.ts';
import { renderReportText } from './deliver-text.ts';
import type { PreparedData } from './kpis.ts';

export interface ReportRenderers {
  /** Mail-safe HTML (inline styles, charts without scripts), the link printed in it. */
  html(report: Report, opts: { link: string }): string;
  csv(report: Report): string;
  text(report: Report, opts: { link: string }): string;
}

export interface DeliveryDeps {
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => Date;
  /** web.publicUrl without a trailing slash: the report link points at the web client. */
  readonly base: string;
  readonly mailDefaults: MailConfig['defaults'];
  readonly config: ReportsConfig['delivery'];
  /** The reports engine: the report of one slice over one period. */
  readonly report: (slice: Slice, period: Period) => Promise<Report>;
  readonly render: ReportRenderers;
}

export interface DeliverySummary {
  readonly period: string;
  /** Users who get a report (active, a report role, not opted out). */
  readonly recipients: number;
  /** Mails queued now; recipients already queued for this period are not counted again. */
  readonly queued: number;
  readonly optedOut: number;
}

/**
 * The report slice of a signed-in user's web slice, or null when the user gets no report. Built from the roles
 * computeSlice kept (a role that does not fit the organisation counts for nothing there either).
 */
export function reportSliceOf(web: WebSlice, roles: ReportsConfig['delivery']['roles']): Slice | null {
  const has = (r: (typeof roles)[number]): boolean => roles.includes(r) && web.roles.has(r);
  if (has('admin')) return { kind: 'all' };
  if (has('channel_manager')) return { kind: 'portfolio', userId: web.user.id };
  if (web.org === null) return null;
  if (has('distributor_manager')) return { kind: 'organisation', id: web.org.id };
  if (has('partner_manager')) return { kind: 'partner', id: web.org.id };
  return null;
}

/** The ISO week that ended last before `now` (the engine's `last-week`): what a Monday-morning run reports on. */
export function lastCompleteWeek(now: Date): Period {
  return parsePeriod('last-week', now);
}

export const reportMailKey = (userId: string, period: Period): string => `report:${userId}:${period.label}`;

export function reportLink(base: string, period: Period): string {
  return `${base}/reports?period=${encodeURIComponent(period.label)}`;
}

export interface Recipient {
  readonly user: User;
  readonly slice: Slice;
  /** Admins and channel managers assign escalated leads; only they get the list of them (with companies). */
  readonly seesEscalations: boolean;
}

/** Who gets which slice; users are visited in email order so runs are reproducible. */
export async function reportRecipients(store: Store, roles: ReportsConfig['delivery']['roles']): Promise<Recipient[]> {
  const out: Recipient[] = [];
  for (const user of await store.identity.listUsers()) {
    if (!user.active) continue;
    const web = await computeSlice(store, user);
    const slice = reportSliceOf(web, roles);
    if (slice !== null) out.push({ user, slice, seesEscalations: web.can.assignEscalated });
  }
  return out;
}

const MAIL_PARTNER_ROWS = 50;

/** The engine's mail-safe HTML and CSV, and the text part. */
export const defaultRenderers: ReportRenderers = {
  // Gmail clips messages over ~100 KB and inline styles are heavy: the mail lists 50 partners, the CSV all.
  html: (report, opts) => renderHtml(report, { link: opts.link, partnerLimit: MAIL_PARTNER_ROWS }),
  csv: renderCsv,
  text: renderReportText,
};

/**
 * The reports engine over the store for one delivery run. The channel's facts for the period are read once, on
 * the first recipient, and every recipient's report is computed from them with one as-of time: reading per
 * recipient cost 0.2–1.7 s each over a year of 100,000 leads (the whole channel's read dominates), computing
 * from shared facts 17–81 ms (test/bench/RESULTS.md, reports rows). Create one per run: the facts are a snapshot.
 */
export function engineReports(store: Store, now: () => Date, trendWeeks: number): DeliveryDeps['report'] {
  const shared = new Map<string, { asOf: Date; facts: Promise<PreparedData> }>();
  return (slice, period) => {
    const key = `${period.from.toISOString()}/${period.to.toISOString()}`;
    let entry = shared.get(key);
    if (entry === undefined) {
      const asOf = now();
      entry = { asOf, facts: readReportFacts(store, { period, asOf, trendWeeks }) };
      shared.set(key, entry);
    }
    const { asOf, facts } = entry;
    return facts.then((f) => buildReport(store, { period, slice, asOf, trendWeeks, facts: f }));
  };
}

export async function deliverReports(d: DeliveryDeps, period: Period, signal?: AbortSignal): Promise<DeliverySummary> {
  const now = d.now();
  let recipients = 0;
  let queued = 0;
  let optedOut = 0;
  for (const { user, slice, seesEscalations } of await reportRecipients(d.store, d.config.roles)) {
    signal?.throwIfAborted();
    const stored = await d.store.identity.preferences(user.id);
    const prefs = stored ?? notificationPrefsSchema.parse({ ...defaultPrefs(d.mailDefaults.timezone) });
    if (!prefs.reports) {
      optedOut++;
      continue;
    }
    recipients++;
    const key = reportMailKey(user.id, period);
    // Queued before (a re-run, or a crash after this recipient): skip the computation; the dedupe key would
    // drop the mail anyway.
    if ((await d.store.mail.list({ userId: user.id, kind: 'report', limit: 20 })).some((m) => m.dedupeKey === key)) continue;
    const computed = await d.report(slice, period);
    // A partner saw escalated leads only as teasers: their companies stay out of its mail (as on the web).
    const report = seesEscalations ? computed : { ...computed, escalatedWithoutTaker: [] };
    const link = reportLink(d.base, period);
    const attachments: MailAttachment[] = [{ filename: `leadrelay-report-${period.label}.csv`, contentType: 'text/csv; charset=utf-8', content: d.render.csv(report) }];
    const quiet = quietUntil(prefs, now.getTime());
    const mail: OutgoingMail = {
      dedupeKey: key, kind: 'report', userId: user.id, leadId: null, to: user.email,
      subject: `Weekly report ${period.label}: ${report.sliceLabel}`.slice(0, 150),
      html: d.render.html(report, { link }), text: d.render.text(report, { link }),
      createdAt: now, notBefore: quiet === null ? now : new Date(quiet), attachments,
    };
    queued += await d.store.mail.enqueue([mail]);
  }
  // Counts only: recipients' addresses and their numbers stay out of the log.
  d.logger.info('report mails queued', { period: period.label, recipients, queued, optedOut });
  return { period: period.label, recipients, queued, optedOut };
}
