// The raw facts a KPI report is computed from (src/reports/kpis.ts), as the store returns them
// (src/store/report.repository.ts). Times are epoch milliseconds (UTC) and money is integer cents: the
// computation is pure arithmetic, exact to the cent and the millisecond, the same on every database engine.
import type { Temperature } from './lead.ts';

export interface ReportQuery {
  /** Records from this instant on are fetched (the earliest period the report looks at: trend, previous). */
  readonly from: Date;
  /**
   * History before `from` is read only for leads with a fact since this instant or held now (default `from`):
   * the trend weeks before the compared periods need no reservation history (their wins count from feedback).
   */
  readonly historyFrom?: Date;
  /** Nothing after this instant counts (usually now): wins up to here count toward a period's CR. */
  readonly asOf: Date;
  /**
   * Only leads touching these partners (an offer, a claim, feedback, an event); null = every lead. The
   * computation still filters exactly; this only narrows what is read.
   */
  readonly partnerIds: readonly string[] | null;
}

export interface ReportPartner {
  readonly id: string;
  readonly name: string;
  readonly externalId: string;
  readonly parentId: string | null;
  readonly kind: string;
  readonly active: boolean;
}

/** The lead fields the slices, the pipeline and the escalation list need. */
export interface ReportLead {
  readonly id: string;
  /** Current status and holder (for "overdue now" and "escalated without a taker"). */
  readonly status: string;
  readonly partnerId: string | null;
  readonly feedbackDueAtMs: number | null;
  readonly temperature: Temperature;
  readonly company: string | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly products: readonly string[];
  readonly source: string | null;
  readonly campaign: string | null;
  /** The lead's budget in cents: the pipeline value of a reserved lead until feedback names an amount. */
  readonly budgetCents: number | null;
}

export interface ReportOffer {
  readonly leadId: string;
  readonly partnerId: string;
  readonly status: string;
  readonly offeredAtMs: number;
  readonly closedAtMs: number | null;
}

/** Lead events of the types reports read: reserved, assigned, revoked, withdrawn, escalated, feedback, returned. */
export interface ReportEvent {
  readonly leadId: string;
  readonly type: string;
  readonly atMs: number;
  readonly partnerId: string | null;
  /** feedback / returned: the deadline the report answered (null when none was set or not recorded). */
  readonly dueAtMs: number | null;
}

export interface ReportFeedback {
  readonly leadId: string;
  readonly partnerId: string;
  readonly status: string;
  readonly amountCents: number | null;
  readonly lostReason: string | null;
  readonly atMs: number;
}

export interface ReportPoints {
  readonly partnerId: string;
  readonly leadId: string | null;
  readonly points: number;
  readonly atMs: number;
}

export interface ReportAway {
  readonly partnerId: string;
  readonly from: Date;
  readonly to: Date;
}

export interface ReportData {
  readonly partners: readonly ReportPartner[];
  readonly leads: readonly ReportLead[];
  readonly offers: readonly ReportOffer[];
  /** Ordered by time, then recording order. */
  readonly events: readonly ReportEvent[];
  /** Ordered by time, then recording order. */
  readonly feedback: readonly ReportFeedback[];
  readonly points: readonly ReportPoints[];
  readonly away: readonly ReportAway[];
}

export interface ReportRepository {
  /**
   * Every fact a report over [query.from, query.asOf] needs: the offers, events and feedback of the leads active
   * since `from` (with their whole history, so a reservation made before `from` is known), the leads held now,
   * points since `from`, all partners and away periods.
   */
  reportData(query: ReportQuery): Promise<ReportData>;
}
