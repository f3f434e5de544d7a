// KPI definitions: the one place they are written down in code (README "Reports" repeats this text).
// Pure: (facts, period, slice scope, as-of time) -> numbers. No I/O, no clock; money in integer cents.
//
// DEFINITIONS
// A period is a half-open UTC range [from, to). Each fact counts in the period its own moment falls in:
// - offered   offers made in the period (one lead offered to 3 partners = 3 offers).
// - declined  offers declined in the period; expired: offers that ended unanswered in the period.
// - reserved  reservations made in the period, including channel-manager assignments (`assigned` says how
//             many). A lead revoked and reserved again is two reservations (by two partners).
// - won       reservations won in the period (the win's moment, not the reservation's: reserved in W47 and won
//             in W48 is reserved in W47 and won in W48). lost / returned: feedback of that status in the period.
//             A lead lost and later returned counts once as lost and once as returned.
// - revoked   reservations taken away in the period (feedback overdue past the grace period).
// - open      reservations still held at the end of the period (or at the as-of time if earlier): not won,
//             lost, returned, revoked or withdrawn by then. Returned leads are not open: they left the partner.
// - pipeline  the open reservations' value by stage at that moment: the stage is the last feedback stage
//             (contacted, meeting, proposal; `reserved` before any), the value the latest amount given in
//             feedback, else the lead's budget, else 0.
// - time to reserve  hours from an offer to its reservation, for reservations in the period made through an
//             offer (assignments have no offer). Median (mean of the middle two for an even count) and p90
//             (nearest rank: the ceil(0.9 n)-th smallest).
// - CR        conversion rate = reservedWon / reserved: of the reservations made in the period, the share won
//             by the as-of time, by the partner that reserved. It answers "of the leads we took in W47, how
//             many did we win?"; a recent period's CR still grows as deals close. null when nothing reserved.
// - ADT       average deal time: mean days from reservation to win, over the wins in the period.
// - ADS       average deal size: mean won amount in cents (rounded half up to the cent) over the wins in the
//             period; null without wins. wonAmountCents is their sum.
// - feedback compliance  feedbackOnTime / feedbackDue, where feedbackDue counts the feedback reports given in
//             the period that answered a deadline, plus the revocations in the period (a deadline missed for
//             good); on time = given at or before the deadline, moved by the partner's away periods as the
//             feedback gate does. null when nothing was due.
// - overdue now  leads held now whose feedback deadline (away periods applied) has passed at the as-of time;
//             a partner with any is blocked from reserving (the feedback gate). A now-figure: it is the same
//             in the previous period's KPIs, not a trend.
// - escalated leads whose last wave ended unclaimed in the period; "without a taker" lists those still
//             unclaimed at the as-of time.
// - points earned  the net sum of the partner's points ledger entries booked in the period.
//             In attribute slices only bookings on a matching lead count.
// - activity  reservations + feedback reports in the period (quadrant x-axis; CR is the y-axis).
// - quadrant  per partner with a CR: busy = activity at or above the slice's median, strong = CR strictly above
//             the median CR; busy but weak closer = busy and not strong. Needs two partners with a CR in the
//             slice (a partner's own report has none; compare in a wider slice).
// Partner slices count what the slice's partners did; escalations (no partner) count when the lead was offered
// to one of them or lies in the portfolio's territory. Attribute slices count everything on matching leads.
import { effectiveDeadlineMs } from '../domain/availability.ts';
import { workingStatuses } from '../domain/lead.ts';
import type { ReportAway, ReportData, ReportLead } from '../domain/report-data.ts';
import type { DurationStats, Kpis, PartnerKpis, Period, Quadrant, Report, Slice, TrendPoint } from './model.ts';
import { previousPeriod, trendWeeks } from './period.ts';
import type { SliceScope } from './slice.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
export const pipelineStages = ['reserved', 'contacted', 'meeting', 'proposal'] as const;
const stageFeedback = new Set<string>(['contacted', 'meeting', 'proposal']);
const working = new Set<string>(workingStatuses);

/** One partner's hold on one lead: from its reservation (or assignment) to the moment it ended. */
interface Episode {
  readonly leadId: string;
  readonly partnerId: string;
  readonly startMs: number;
  readonly assigned: boolean;
  /** The offer it came through (time to reserve); null for an assignment. */
  readonly offeredAtMs: number | null;
  endMs: number | null;
  outcome: 'won' | 'lost' | 'returned' | 'revoked' | 'withdrawn' | 'replaced' | null;
  wonCents: number;
  readonly stages: { atMs: number; stage: string }[];
  readonly amounts: { atMs: number; cents: number }[];
}

/** Facts indexed once per report; every period (main, previous, trend weeks) is a pass over them. */
export interface PreparedData {
  readonly data: ReportData;
  readonly leads: ReadonlyMap<string, ReportLead>;
  readonly episodes: readonly Episode[];
  readonly offeredTo: ReadonlyMap<string, ReadonlySet<string>>;
  readonly away: ReadonlyMap<string, readonly ReportAway[]>;
}

export function prepare(data: ReportData): PreparedData {
  const leads = new Map(data.leads.map((l) => [l.id, l]));
  const offeredTo = new Map<string, Set<string>>();
  const reservedOffer = new Map<string, number>();
  for (const o of data.offers) {
    let set = offeredTo.get(o.leadId);
    if (set === undefined) offeredTo.set(o.leadId, (set = new Set()));
    set.add(o.partnerId);
    if (o.status === 'reserved') reservedOffer.set(`${o.leadId}\u0000${o.partnerId}`, o.offeredAtMs);
  }
  const away = new Map<string, ReportAway[]>();
  for (const a of data.away) away.set(a.partnerId, [...(away.get(a.partnerId) ?? []), a]);

  // Merge each lead's claim events and feedback in time order; at the same instant a claim comes first and an
  // ending (revoked, withdrawn) last, so an episode never ends before it starts.
  type Step = { atMs: number; rank: number; kind: string; partnerId: string | null; status?: string; cents?: number | null };
  const steps = new Map<string, Step[]>();
  const push = (leadId: string, s: Step): void => {
    const list = steps.get(leadId);
    if (list === undefined) steps.set(leadId, [s]);
    else list.push(s);
  };
  for (const e of data.events) {
    if (e.type === 'reserved' || e.type === 'assigned') push(e.leadId, { atMs: e.atMs, rank: 0, kind: e.type, partnerId: e.partnerId });
    else if (e.type === 'revoked' || e.type === 'withdrawn') push(e.leadId, { atMs: e.atMs, rank: 2, kind: e.type, partnerId: e.partnerId });
  }
  for (const f of data.feedback) push(f.leadId, { atMs: f.atMs, rank: 1, kind: 'feedback', partnerId: f.partnerId, status: f.status, cents: f.amountCents });

  const episodes: Episode[] = [];
  for (const [leadId, list] of steps) {
    list.sort((a, b) => a.atMs - b.atMs || a.rank - b.rank); // stable: recording order within a rank
    let cur: Episode | null = null;
    const end = (atMs: number, outcome: NonNullable<Episode['outcome']>): void => {
      if (cur === null) return;
      cur.endMs = atMs;
      cur.outcome = outcome;
      cur = null;
    };
    for (const s of list) {
      if (s.kind === 'reserved' || s.kind === 'assigned') {
        if (s.partnerId === null) continue;
        end(s.atMs, 'replaced');
        cur = {
          leadId, partnerId: s.partnerId, startMs: s.atMs, assigned: s.kind === 'assigned',
          offeredAtMs: s.kind === 'assigned' ? null : (reservedOffer.get(`${leadId}\u0000${s.partnerId}`) ?? null),
          endMs: null, outcome: null, wonCents: 0, stages: [], amounts: [],
        };
        episodes.push(cur);
      } else if (s.kind === 'revoked' || s.kind === 'withdrawn') {
        end(s.atMs, s.kind);
      } else if (cur !== null && s.partnerId === cur.partnerId) {
        const ep: Episode = cur;
        if (s.cents !== null && s.cents !== undefined) ep.amounts.push({ atMs: s.atMs, cents: s.cents });
        if (stageFeedback.has(s.status!)) ep.stages.push({ atMs: s.atMs, stage: s.status! });
        if (s.status === 'won') {
          ep.wonCents = s.cents ?? 0;
          end(s.atMs, 'won');
        } else if (s.status === 'lost' || s.status === 'returned') end(s.atMs, s.status);
      }
    }
  }
  return { data, leads, episodes, offeredTo, away };
}

interface Acc {
  offered: number; reserved: number; assigned: number; declined: number; expired: number; revoked: number;
  returned: number; won: number; lost: number; open: number; escalated: number; feedbackGiven: number;
  feedbackDue: number; feedbackOnTime: number; overdueNow: number; reservedWon: number; wonAmountCents: number;
  dealMs: number; ttrMs: number[]; pipeline: Record<string, number>; lostReasons: Record<string, number>; points: number;
}

const newAcc = (): Acc => ({
  offered: 0, reserved: 0, assigned: 0, declined: 0, expired: 0, revoked: 0, returned: 0, won: 0, lost: 0, open: 0,
  escalated: 0, feedbackGiven: 0, feedbackDue: 0, feedbackOnTime: 0, overdueNow: 0, reservedWon: 0, wonAmountCents: 0,
  dealMs: 0, ttrMs: [], pipeline: Object.fromEntries(pipelineStages.map((s) => [s, 0])), lostReasons: {}, points: 0,
});

/** The filter a slice scope puts on one fact: its partner (if any) and its lead. */
export class Scope {
  constructor(private readonly p: PreparedData, private readonly scope: SliceScope) {}

  has(partnerId: string | null, leadId: string | null): boolean {
    const { partnerIds, lead } = this.scope;
    if (partnerIds !== null && (partnerId === null || !partnerIds.has(partnerId))) return false;
    if (lead !== null) {
      const l = leadId === null ? undefined : this.p.leads.get(leadId);
      if (l === undefined || !lead(l)) return false;
    }
    return true;
  }

  /** Facts without a partner (escalations): offered to one of the slice's partners, or in its territory. */
  hasLead(leadId: string): boolean {
    const { partnerIds, lead, territory } = this.scope;
    const l = this.p.leads.get(leadId);
    if (lead !== null && (l === undefined || !lead(l))) return false;
    if (partnerIds === null) return true;
    if (territory !== null && l !== undefined && territory(l)) return true;
    for (const pid of this.p.offeredTo.get(leadId) ?? []) if (partnerIds.has(pid)) return true;
    return false;
  }
}

/** Accumulate the KPIs of one period; per partner as well when `byPartner`. */
function accumulate(p: PreparedData, scope: Scope, period: Period, asOfMs: number, byPartner: boolean): { total: Acc; partners: Map<string, Acc> } {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const inP = (ms: number): boolean => ms >= from && ms < to && ms <= asOfMs;
  const total = newAcc();
  const partners = new Map<string, Acc>();
  const accs = (partnerId: string | null): Acc[] => {
    if (!byPartner || partnerId === null) return [total];
    let a = partners.get(partnerId);
    if (a === undefined) partners.set(partnerId, (a = newAcc()));
    return [total, a];
  };
  const heldTo = (partnerId: string | null, dueMs: number): number => effectiveDeadlineMs(dueMs, partnerId === null ? [] : (p.away.get(partnerId) ?? []));

  for (const o of p.data.offers) {
    if (!scope.has(o.partnerId, o.leadId)) continue;
    const offered = inP(o.offeredAtMs);
    const closed = o.closedAtMs !== null && inP(o.closedAtMs);
    if (!offered && !(closed && (o.status === 'declined' || o.status === 'expired'))) continue;
    for (const a of accs(o.partnerId)) {
      if (offered) a.offered++;
      if (closed && o.status === 'declined') a.declined++;
      if (closed && o.status === 'expired') a.expired++;
    }
  }

  const endOfPeriod = Math.min(to, asOfMs);
  for (const e of p.episodes) {
    if (!scope.has(e.partnerId, e.leadId)) continue;
    const started = inP(e.startMs);
    const wonIn = e.outcome === 'won' && e.endMs !== null && inP(e.endMs);
    const open = e.startMs < endOfPeriod && (e.endMs === null || e.endMs >= endOfPeriod) && e.startMs < to;
    if (!started && !wonIn && !open) continue;
    for (const a of accs(e.partnerId)) {
      if (started) {
        a.reserved++;
        if (e.assigned) a.assigned++;
        if (e.offeredAtMs !== null) a.ttrMs.push(e.startMs - e.offeredAtMs);
        if (e.outcome === 'won' && e.endMs !== null && e.endMs <= asOfMs) a.reservedWon++;
      }
      if (wonIn) {
        a.won++;
        a.wonAmountCents += e.wonCents;
        a.dealMs += e.endMs! - e.startMs;
      }
      if (open) {
        a.open++;
        const stage = lastBefore(e.stages, endOfPeriod)?.stage ?? 'reserved';
        const value = lastBefore(e.amounts, endOfPeriod)?.cents ?? p.leads.get(e.leadId)?.budgetCents ?? 0;
        a.pipeline[stage] = (a.pipeline[stage] ?? 0) + value;
      }
    }
  }

  for (const f of p.data.feedback) {
    if (!inP(f.atMs) || !scope.has(f.partnerId, f.leadId)) continue;
    for (const a of accs(f.partnerId)) {
      a.feedbackGiven++;
      if (f.status === 'lost') {
        a.lost++;
        const reason = f.lostReason?.trim() || '(none given)';
        a.lostReasons[reason] = (a.lostReasons[reason] ?? 0) + 1;
      }
      if (f.status === 'returned') a.returned++;
    }
  }

  for (const e of p.data.events) {
    if (!inP(e.atMs)) continue;
    if (e.type === 'escalated') {
      if (scope.hasLead(e.leadId)) total.escalated++;
      continue;
    }
    if (!scope.has(e.partnerId, e.leadId)) continue;
    if (e.type === 'revoked') {
      for (const a of accs(e.partnerId)) {
        a.revoked++;
        a.feedbackDue++;
      }
    } else if ((e.type === 'feedback' || e.type === 'returned') && e.dueAtMs !== null) {
      const onTime = e.atMs <= heldTo(e.partnerId, e.dueAtMs);
      for (const a of accs(e.partnerId)) {
        a.feedbackDue++;
        if (onTime) a.feedbackOnTime++;
      }
    }
  }

  for (const pt of p.data.points) {
    if (!inP(pt.atMs) || !scope.has(pt.partnerId, pt.leadId)) continue;
    for (const a of accs(pt.partnerId)) a.points += pt.points;
  }

  // Overdue now: the current state, whatever the period.
  for (const l of p.data.leads) {
    if (!working.has(l.status) || l.partnerId === null || l.feedbackDueAtMs === null || !scope.has(l.partnerId, l.id)) continue;
    if (heldTo(l.partnerId, l.feedbackDueAtMs) > asOfMs) continue;
    for (const a of accs(l.partnerId)) a.overdueNow++;
  }
  return { total, partners };
}

function lastBefore<T extends { atMs: number }>(list: readonly T[], ms: number): T | undefined {
  let found: T | undefined;
  for (const x of list) if (x.atMs < ms) found = x;
  return found;
}

/** Median (mean of the middle two) and nearest-rank p90 of durations, in hours. */
export function durationStats(valuesMs: readonly number[]): DurationStats {
  if (valuesMs.length === 0) return { samples: 0, medianHours: null, p90Hours: null };
  const s = [...valuesMs].sort((a, b) => a - b);
  const n = s.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const p90 = s[Math.ceil(0.9 * n) - 1]!;
  return { samples: n, medianHours: median / HOUR, p90Hours: p90 / HOUR };
}

function finish(a: Acc): Kpis {
  return {
    offered: a.offered, reserved: a.reserved, declined: a.declined, expired: a.expired, revoked: a.revoked,
    returned: a.returned, won: a.won, lost: a.lost, open: a.open,
    timeToReserve: durationStats(a.ttrMs),
    feedbackCompliance: a.feedbackDue === 0 ? null : a.feedbackOnTime / a.feedbackDue,
    overdueNow: a.overdueNow,
    conversionRate: a.reserved === 0 ? null : a.reservedWon / a.reserved,
    averageDealDays: a.won === 0 ? null : a.dealMs / a.won / DAY,
    // Integer cents, half up: the mean of 3 deals of 1.00 and 2 of 0.01 is 60.4 -> 60 cents.
    averageDealSizeCents: a.won === 0 ? null : Math.floor(a.wonAmountCents / a.won + 0.5),
    wonAmountCents: a.wonAmountCents,
    pipelineCents: a.pipeline,
    lostReasons: a.lostReasons,
    pointsEarned: a.points,
    reservedWon: a.reservedWon, assigned: a.assigned, feedbackDue: a.feedbackDue, feedbackOnTime: a.feedbackOnTime,
    escalated: a.escalated, activity: a.reserved + a.feedbackGiven,
  };
}

/** KPIs of one slice over one period (no partner rows): the trend and the previous period use this. */
export function computeKpis(p: PreparedData, scope: SliceScope, period: Period, asOf: Date): Kpis {
  return finish(accumulate(p, new Scope(p, scope), period, asOf.getTime(), false).total);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The activity vs conversion quadrant: split at the medians over the partners with a CR in the period. Busy = at
 * or above the median activity; strong = a CR strictly above the median CR. `busy_weak` is the "busy but weak
 * closer" (works many leads, wins few).
 */
export function quadrantsOf(rows: readonly { partnerId: string; kpis: Kpis }[]): { split: Report['quadrantSplit']; of: Map<string, Quadrant> } {
  const ranked = rows.filter((r) => r.kpis.conversionRate !== null);
  const of = new Map<string, Quadrant>();
  // A partner compared with itself only is no insight (a one-partner slice): no quadrant below two partners.
  if (ranked.length < 2) return { split: null, of };
  const split = { activity: median(ranked.map((r) => r.kpis.activity)), conversionRate: median(ranked.map((r) => r.kpis.conversionRate!)) };
  for (const r of ranked) {
    const busy = r.kpis.activity >= split.activity;
    // Strictly above: a partner at the median CR converts no better than half its peers.
    const strong = r.kpis.conversionRate! > split.conversionRate;
    of.set(r.partnerId, busy ? (strong ? 'busy_strong' : 'busy_weak') : (strong ? 'quiet_strong' : 'quiet_weak'));
  }
  return { split, of };
}

/**
 * The weekly trend in one pass over the facts (a full accumulate per week would cost 8 passes): offers made,
 * reservations (and of those won by the as-of time: CR), wins and won amount, each in the week of its moment,
 * by the same definitions as above.
 */
export function trendSeries(p: PreparedData, scope: Scope, weeks: readonly Period[], asOfMs: number): TrendPoint[] {
  const acc = weeks.map(() => ({ offered: 0, reserved: 0, reservedWon: 0, won: 0, wonAmountCents: 0 }));
  if (weeks.length === 0) return [];
  const start = weeks[0]!.from.getTime();
  const end = weeks.at(-1)!.to.getTime();
  const WEEK = 7 * DAY;
  const week = (ms: number): (typeof acc)[number] | undefined => (ms < start || ms >= end || ms > asOfMs ? undefined : acc[Math.floor((ms - start) / WEEK)]);
  for (const o of p.data.offers) {
    const w = week(o.offeredAtMs);
    if (w !== undefined && scope.has(o.partnerId, o.leadId)) w.offered++;
  }
  for (const e of p.episodes) {
    const ws = week(e.startMs);
    if (ws === undefined || !scope.has(e.partnerId, e.leadId)) continue;
    ws.reserved++;
    if (e.outcome === 'won' && e.endMs !== null && e.endMs <= asOfMs) ws.reservedWon++;
  }
  // Wins from the feedback itself: a win in an early trend week may belong to a reservation whose history the
  // store did not read (ReportQuery.historyFrom). A won report always ends its partner's reservation.
  for (const f of p.data.feedback) {
    if (f.status !== 'won') continue;
    const w = week(f.atMs);
    if (w === undefined || !scope.has(f.partnerId, f.leadId)) continue;
    w.won++;
    w.wonAmountCents += f.amountCents ?? 0;
  }
  return weeks.map((w, i) => {
    const a = acc[i]!;
    return { label: w.label, from: w.from, to: w.to, offered: a.offered, reserved: a.reserved, won: a.won, conversionRate: a.reserved === 0 ? null : a.reservedWon / a.reserved, wonAmountCents: a.wonAmountCents };
  });
}

export interface ComputeReportOptions {
  readonly period: Period;
  readonly slice: Slice;
  readonly sliceLabel: string;
  readonly scope: SliceScope;
  /** The as-of time ("now"): nothing after it counts; overdue and blocked are judged at it. */
  readonly asOf: Date;
  /** Weeks in the trend series (default 8). */
  readonly trendWeeks?: number;
}

/** The earliest instant a report over `period` reads facts from (previous period and trend weeks included). */
export function reportWindowStart(period: Period, weeks = 8): Date {
  // (the compared periods start at previousPeriod(period).from: history is needed from there only)
  const prev = previousPeriod(period);
  const first = trendWeeks(period, weeks)[0]!;
  return new Date(Math.min(prev.from.getTime(), first.from.getTime()));
}

export function computeReport(data: ReportData | PreparedData, opts: ComputeReportOptions): Report {
  const p = 'episodes' in data ? data : prepare(data);
  const scope = new Scope(p, opts.scope);
  const asOfMs = opts.asOf.getTime();
  const main = accumulate(p, scope, opts.period, asOfMs, true);
  const prevPeriod = previousPeriod(opts.period);
  const previous = finish(accumulate(p, scope, prevPeriod, asOfMs, false).total);
  const byId = new Map(p.data.partners.map((x) => [x.id, x]));

  // Rows: every partner of a partner slice (a quiet partner still gets its row); otherwise those with activity.
  const ids = opts.scope.partnerIds !== null ? [...opts.scope.partnerIds] : [...main.partners.keys()];
  const rows = ids.map((id) => ({ partnerId: id, kpis: finish(main.partners.get(id) ?? newAcc()) }));
  const { split, of } = quadrantsOf(rows);
  const overdue = new Map<string, string[]>();
  for (const l of p.data.leads) {
    if (!working.has(l.status) || l.partnerId === null || l.feedbackDueAtMs === null || !scope.has(l.partnerId, l.id)) continue;
    if (effectiveDeadlineMs(l.feedbackDueAtMs, p.away.get(l.partnerId) ?? []) > asOfMs) continue;
    overdue.set(l.partnerId, [...(overdue.get(l.partnerId) ?? []), l.id]);
  }
  const partners: PartnerKpis[] = rows.map((r) => {
    const info = byId.get(r.partnerId);
    const late = (overdue.get(r.partnerId) ?? []).sort();
    return {
      partnerId: r.partnerId, partnerName: info?.name ?? r.partnerId, externalId: info?.externalId ?? '', kpis: r.kpis,
      blocked: late.length > 0, quadrant: of.get(r.partnerId) ?? null, overdueLeadIds: late,
    };
  }).sort((a, b) => a.partnerName.localeCompare(b.partnerName, 'en') || (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0));

  // Escalated in the period and still without a taker now (the lead sits in `expired`).
  const from = opts.period.from.getTime();
  const to = opts.period.to.getTime();
  const escalated = new Map<string, number>();
  for (const e of p.data.events) {
    if (e.type !== 'escalated' || e.atMs < from || e.atMs >= to || e.atMs > asOfMs || !scope.hasLead(e.leadId)) continue;
    escalated.set(e.leadId, e.atMs);
  }
  const escalatedWithoutTaker = [...escalated]
    .filter(([leadId]) => p.leads.get(leadId)?.status === 'expired')
    .map(([leadId, since]) => ({ leadId, company: p.leads.get(leadId)?.company ?? null, since: new Date(since) }))
    .sort((a, b) => a.since.getTime() - b.since.getTime() || (a.leadId < b.leadId ? -1 : 1));

  const trend = trendSeries(p, scope, trendWeeks(opts.period, opts.trendWeeks ?? 8), asOfMs);

  return {
    period: opts.period, slice: opts.slice, sliceLabel: opts.sliceLabel, generatedAt: opts.asOf,
    kpis: finish(main.total), previous, partners, escalatedWithoutTaker, trend, previousPeriod: prevPeriod, quadrantSplit: split,
  };
}
