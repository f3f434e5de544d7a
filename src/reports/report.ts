// Build a report: resolve the slice, read the facts for the period (and its previous period and trend weeks)
// from the store, compute. The one entry point the CLI, the weekly mail and the web pages share.
import type { Store } from '../domain/ports.ts';
import { computeReport, prepare, reportWindowStart } from './kpis.ts';
import type { PreparedData } from './kpis.ts';
import type { Period, Report, Slice } from './model.ts';
import { previousPeriod } from './period.ts';
import { resolveSlice } from './slice.ts';

export interface BuildReportOptions {
  readonly period: Period;
  readonly slice: Slice;
  /** "Now": nothing after it counts; overdue / blocked are judged at it. */
  readonly asOf: Date;
  /** Weeks in the trend series (default 8). */
  readonly trendWeeks?: number;
  /**
   * Facts read once for many recipients (readReportFacts, same period, as-of time and trend weeks): a weekly
   * mail run reads the channel once and computes each recipient's slice from memory.
   */
  readonly facts?: PreparedData;
}

/** Read and index the whole channel's facts for one period (all slices can be computed from them). */
export async function readReportFacts(store: Store, opts: { period: Period; asOf: Date; trendWeeks?: number }): Promise<PreparedData> {
  return prepare(await store.reports.reportData({
    from: reportWindowStart(opts.period, opts.trendWeeks ?? 8), historyFrom: previousPeriod(opts.period).from, asOf: opts.asOf, partnerIds: null,
  }));
}

export async function buildReport(store: Store, opts: BuildReportOptions): Promise<Report> {
  const resolved = await resolveSlice(store, opts.slice);
  const weeks = opts.trendWeeks ?? 8;
  const options = { period: opts.period, slice: resolved.slice, sliceLabel: resolved.label, scope: resolved.scope, asOf: opts.asOf, trendWeeks: weeks };
  if (opts.facts !== undefined) return computeReport(opts.facts, options);
  const partnerIds = resolved.scope.partnerIds === null ? null : [...resolved.scope.partnerIds];
  // Territory escalations have no partner: a portfolio with territories reads every lead and filters exactly.
  const narrow = resolved.scope.territory === null ? partnerIds : null;
  const data = await store.reports.reportData({
    from: reportWindowStart(opts.period, weeks), historyFrom: previousPeriod(opts.period).from, asOf: opts.asOf, partnerIds: narrow,
  });
  return computeReport(data, options);
}
