// The report model: what a KPI report is, independent of how it is computed (src/reports/kpis.ts), stored
// (src/store/report.repository.ts), rendered (src/reports/render-*.ts) or delivered (mail, web, CRM).
//
// Shared by two workstreams: the KPI engine (computes `Report`) and delivery (weekly mail, web pages, KPI
// fields written to the partner Account / company). Change it additively.

/** A half-open time range [from, to) in UTC, with the label the user asked for ("2026-W47", "2026-11"). */
export interface Period {
  readonly label: string;
  readonly from: Date;
  readonly to: Date;
}

/** The CLI/web formats a report renders to. */
export const reportFormats = ['table', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/**
 * Which leads a report covers. `partner` includes the partner only; `organisation` a partner with all its
 * descendants (a distributor and its resellers); `portfolio` the partners a channel manager (user id) looks after;
 * `all` the whole channel. The attribute slices select leads by their own fields.
 */
export type Slice =
  | { readonly kind: 'all' }
  | { readonly kind: 'partner'; readonly id: string }
  | { readonly kind: 'organisation'; readonly id: string }
  /** `userId`: the channel manager's user id (an email given on the command line is resolved to it). */
  | { readonly kind: 'portfolio'; readonly userId: string }
  | { readonly kind: 'region' | 'product' | 'source' | 'campaign' | 'temperature'; readonly value: string };

/** Median and 90th percentile of a duration in hours; null when there is no sample. */
export interface DurationStats {
  readonly samples: number;
  readonly medianHours: number | null;
  readonly p90Hours: number | null;
}

/** The KPIs of one slice over one period. Definitions: README "Reports" and src/reports/kpis.ts. */
export interface Kpis {
  readonly offered: number;
  readonly reserved: number;
  readonly declined: number;
  readonly expired: number;
  readonly revoked: number;
  readonly returned: number;
  readonly won: number;
  readonly lost: number;
  /** Reserved leads not yet won, lost or returned at the end of the period. */
  readonly open: number;
  readonly timeToReserve: DurationStats;
  /** Feedback given on time / feedback due in the period; null when nothing was due. */
  readonly feedbackCompliance: number | null;
  /** Leads whose feedback is overdue at the end of the period. */
  readonly overdueNow: number;
  /** CR: won / reserved (of the leads reserved in the period); null when none reserved. */
  readonly conversionRate: number | null;
  /** ADT: mean days reservation → won (of the leads won in the period); null when none won. */
  readonly averageDealDays: number | null;
  /** ADS: mean won amount in cents (of the leads won in the period with an amount); null when none. */
  readonly averageDealSizeCents: number | null;
  readonly wonAmountCents: number;
  /** Open pipeline value in cents by stage (reserved, contacted, meeting, proposal). */
  readonly pipelineCents: Readonly<Record<string, number>>;
  readonly lostReasons: Readonly<Record<string, number>>;
  readonly pointsEarned: number;
  // ---- added with the engine (additive)
  /** Reservations of the period that were won by the report's as-of time (the CR numerator). */
  readonly reservedWon: number;
  /** Of the reservations above: channel-manager assignments (no offer, no time to reserve). */
  readonly assigned: number;
  /** Feedback reports given in the period that answered a deadline, and how many of them were on time. */
  readonly feedbackDue: number;
  readonly feedbackOnTime: number;
  /** Leads that ended their last wave unclaimed in the period (escalated to a channel manager). */
  readonly escalated: number;
  /** Activity for the quadrant: reservations + feedback reports in the period. */
  readonly activity: number;
}

/** Where a partner sits in the activity vs conversion quadrant (split at the slice medians). */
export const quadrants = ['busy_strong', 'busy_weak', 'quiet_strong', 'quiet_weak'] as const;
export type Quadrant = (typeof quadrants)[number];

/** One row per partner in the slice: the numbers the quadrant and the CRM write-back use. */
export interface PartnerKpis {
  readonly partnerId: string;
  readonly partnerName: string;
  readonly externalId: string;
  readonly kpis: Kpis;
  /** Blocked from reserving now because feedback is overdue. */
  readonly blocked: boolean;
  // ---- added with the engine (additive)
  /** 'busy_weak' is the "busy but weak closer"; null without a CR, or with fewer than two partners to compare. */
  readonly quadrant: Quadrant | null;
  /** Leads of this partner whose feedback is overdue at the as-of time (away periods applied, as the gate does). */
  readonly overdueLeadIds: readonly string[];
}

export interface Report {
  readonly period: Period;
  readonly slice: Slice;
  readonly sliceLabel: string;
  /** The as-of time: "now" for overdue, blocked and the CR numerator (wins up to this instant). */
  readonly generatedAt: Date;
  readonly kpis: Kpis;
  /** The same KPIs for the previous period of the same length (week-on-week trends). */
  readonly previous: Kpis;
  readonly partners: readonly PartnerKpis[];
  /** Offered in the period, never reserved, and escalated (expired/assigned to a channel manager). */
  readonly escalatedWithoutTaker: readonly { leadId: string; company: string | null; since: Date }[];
  /** Weekly series over the last weeks up to the period's end (trend chart). */
  readonly trend: readonly TrendPoint[];
  // ---- added with the engine (additive)
  /** The previous period of equal length (the `previous` KPIs). */
  readonly previousPeriod: Period;
  /** The medians the quadrant splits at (over partners with a CR in the period); null with fewer than two. */
  readonly quadrantSplit: { readonly activity: number; readonly conversionRate: number } | null;
}

export interface TrendPoint {
  readonly label: string;
  readonly reserved: number;
  readonly won: number;
  readonly conversionRate: number | null;
  // ---- added with the engine (additive)
  readonly from: Date;
  readonly to: Date;
  readonly offered: number;
  readonly wonAmountCents: number;
}
