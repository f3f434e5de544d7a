// The facts KPI reports are computed from. Portable kysely only (SQLite today, PostgreSQL next): plain
// comparisons on ISO text timestamps, IN lists chunked under the parameter limit, no date or JSON functions in
// SQL. Everything dialect-specific (durations, JSON fields, money in cents) is done here in TypeScript.
//
// What is read: every offer, event and feedback of the window [from, asOf] by time range (cheap: the time
// indexes, and rows are appended in time order), the leads held now, and, for leads received before the
// window, the claims, feedback and offers before it: so a win in the period finds its reservation even when
// that was months earlier, and a reservation open at the window's start knows its partner, stage and amount.
import { z } from 'zod';
import type { ReportData, ReportEvent, ReportFeedback, ReportLead, ReportOffer, ReportPoints, ReportQuery, ReportRepository } from '../domain/report-data.ts';
import { temperatures, workingStatuses } from '../domain/lead.ts';
import { toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Db, Session } from './session.ts';

/** Event types a report reads; the others (viewed, reminder, updated …) are never fetched. */
const EVENT_TYPES = ['reserved', 'assigned', 'revoked', 'withdrawn', 'escalated', 'feedback', 'returned'] as const;

// Lead data is JSON text written through leadDataSchema. A report picks the few fields it needs, each checked
// and tolerant (a malformed field is "unknown", it does not fail the report). Plain typeof checks, not a zod
// schema: this runs for every lead of a year-long report.
interface LeadFacts { company: string | null; country: string | null; region: string | null; productInterest: string[]; source: string | null; campaign: string | null; budget: number | null }
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
function leadFactsOf(json: string): LeadFacts {
  const d = safeJson(json);
  const o = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
  const products = Array.isArray(o['productInterest']) ? o['productInterest'].filter((x): x is string => typeof x === 'string') : [];
  const budget = typeof o['budget'] === 'number' && Number.isFinite(o['budget']) ? o['budget'] : null;
  return {
    company: text(o['company']), country: text(o['country']), region: text(o['region']), productInterest: products,
    source: text(o['source']), campaign: text(o['campaign']), budget,
  };
}
const partnerFacts = z.object({ name: z.string().catch(''), kind: z.string().catch('reseller') });
/** The deadline a feedback event answered (data.dueAt); null when absent or not a timestamp. */
function dueAtOf(json: string): string | null {
  const d = safeJson(json);
  const v = typeof d === 'object' && d !== null ? (d as Record<string, unknown>)['dueAt'] : null;
  return typeof v === 'string' && Number.isFinite(Date.parse(v)) ? v : null;
}
const temperature = z.enum(temperatures).catch('warm');

/** Currency units (REAL, as feedback stores them) to integer cents: round half away from zero at the cent. */
export function toCents(amount: number): number {
  return Math.sign(amount) * Math.round(Math.abs(amount) * 100 + 1e-7);
}

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new Error(`report: unreadable timestamp ${JSON.stringify(iso)} in the store`);
  return t;
};

export function reportRepository(s: Session): ReportRepository {
  return {
    async reportData(q: ReportQuery): Promise<ReportData> {
      // One transaction: every query sees the same snapshot.
      return s.atomic((db) => read(db, s.maxParams, q));
    },
  };
}

async function read(db: Db, maxParams: number, q: ReportQuery): Promise<ReportData> {
  const from = toIso(q.from);
  const asOf = toIso(q.asOf);
  const working = [...workingStatuses];
  const types = [...EVENT_TYPES];
  const partnerChunks: Array<readonly string[] | null> = q.partnerIds === null ? [null] : chunksFor([...new Set(q.partnerIds)], 1, maxParams - 64);
  const offers: ReportOffer[] = [];
  const events: ReportEvent[] = [];
  const feedback: ReportFeedback[] = [];
  const eventOrder: number[] = [];
  const feedbackOrder: number[] = [];
  const leadIds = new Set<string>();
  // Leads whose history before the window matters: a fact since historyFrom, or held now.
  const historyFromMs = (q.historyFrom ?? q.from).getTime();
  const needHistory = new Set<string>();
  const touch = (leadId: string, atMs: number): void => {
    leadIds.add(leadId);
    if (atMs >= historyFromMs) needHistory.add(leadId);
  };
  const points: ReportPoints[] = [];
  const offerSeen = new Set<string>();
  const addOffer = (r: OfferRow): void => {
    if (offerSeen.has(r.id)) return;
    offerSeen.add(r.id);
    const o: ReportOffer = { leadId: r.lead_id, partnerId: r.partner_id, status: r.status, offeredAtMs: ms(r.offered_at), closedAtMs: r.closed_at === null ? null : ms(r.closed_at) };
    touch(r.lead_id, Math.max(o.offeredAtMs, o.closedAtMs ?? 0));
    offers.push(o);
  };
  const eventSeen = new Set<number>(); // an escalation can come through two partner chunks
  const addEvent = (r: EventRow): void => {
    if (eventSeen.has(r.id)) return;
    eventSeen.add(r.id);
    const atMs = ms(r.at);
    touch(r.lead_id, atMs);
    // Only feedback events carry a deadline worth parsing; skip JSON for the rest.
    const due = r.type === 'feedback' || r.type === 'returned' ? dueAtOf(r.data) : null;
    events.push({ leadId: r.lead_id, type: r.type, atMs, partnerId: r.partner_id, dueAtMs: due === null ? null : ms(due) });
    eventOrder.push(r.id);
  };
  const addFeedback = (r: FeedbackRow): void => {
    const atMs = ms(r.at);
    touch(r.lead_id, atMs);
    feedback.push({ leadId: r.lead_id, partnerId: r.partner_id, status: r.status, amountCents: r.amount === null ? null : toCents(r.amount), lostReason: r.lost_reason, atMs });
    feedbackOrder.push(r.seq);
  };

  // 1. The window [from, asOf]: range scans on the time indexes (migration 0020), narrowed to the partners.
  for (const chunk of partnerChunks) {
    if (chunk !== null && chunk.length === 0) continue;
    const offerCols = ['id', 'lead_id', 'partner_id', 'status', 'offered_at', 'closed_at'] as const;
    (await db.selectFrom('offers').select(offerCols).where('offered_at', '>=', from).where('offered_at', '<=', asOf)
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))).execute()).forEach(addOffer);
    // Offers made before the window that were declined, expired or claimed in it.
    (await db.selectFrom('offers').select(offerCols).where('closed_at', '>=', from).where('closed_at', '<=', asOf).where('offered_at', '<', from)
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))).execute()).forEach(addOffer);
    (await db.selectFrom('lead_events').select(['id', 'lead_id', 'type', 'at', 'partner_id', 'data'])
      .where('at', '>=', from).where('at', '<=', asOf).where('type', 'in', chunk === null ? types : types.filter((t) => t !== 'escalated'))
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))).execute()).forEach(addEvent);
    (await db.selectFrom('feedback').select(['seq', 'lead_id', 'partner_id', 'status', 'amount', 'lost_reason', 'at'])
      .where('at', '>=', from).where('at', '<=', asOf)
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))).execute()).forEach(addFeedback);
    // Leads held now: open reservations may have started long before the window.
    (await db.selectFrom('leads').select('id').where('status', 'in', working).where('partner_id', 'is not', null)
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))).execute()).forEach((r) => touch(r.id, Number.POSITIVE_INFINITY));
    if (chunk !== null) {
      // Escalations have no partner: those of leads offered to the slice's partners.
      (await db.selectFrom('lead_events').select(['id', 'lead_id', 'type', 'at', 'partner_id', 'data'])
        .where('at', '>=', from).where('at', '<=', asOf).where('type', '=', 'escalated')
        .where('lead_id', 'in', db.selectFrom('offers').select('lead_id').where('partner_id', 'in', chunk)).execute()).forEach(addEvent);
    }
    (await db.selectFrom('points_ledger').select(['partner_id', 'lead_id', 'points', 'at']).where('at', '>=', from).where('at', '<=', asOf)
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))).execute())
      .forEach((r) => points.push({ partnerId: r.partner_id, leadId: r.lead_id, points: r.points, atMs: ms(r.at) }));
  }

  // 2. The leads: those received in the window by range, older ones by id.
  const leads: ReportLead[] = [];
  const leadCols = ['id', 'status', 'partner_id', 'feedback_due_at', 'temperature', 'data', 'received_at'] as const;
  const addLead = (r: LeadRow): void => {
    const f = leadFactsOf(r.data);
    leads.push({
      id: r.id, status: r.status, partnerId: r.partner_id, feedbackDueAtMs: r.feedback_due_at === null ? null : ms(r.feedback_due_at),
      temperature: temperature.parse(r.temperature), company: f.company, country: f.country, region: f.region,
      products: f.productInterest, source: f.source, campaign: f.campaign, budgetCents: f.budget === null ? null : toCents(f.budget),
    });
  };
  const fresh = new Set<string>();
  // The whole channel touches most leads of the window: one range scan beats an id lookup each. A partner
  // slice touches few: look those up by id (step 3 reads them; their earlier history is then read too).
  if (q.partnerIds === null) {
    for (const r of await db.selectFrom('leads').select(leadCols).where('received_at', '>=', from).where('received_at', '<=', asOf).execute()) {
      if (!leadIds.has(r.id)) continue;
      fresh.add(r.id);
      addLead(r);
    }
  }
  const older = [...leadIds].filter((id) => !fresh.has(id)).sort();
  const withHistory = older.filter((id) => needHistory.has(id));

  // 3. History before the window, only for leads received before it (and with a fact since historyFrom): the claims and feedback a reservation
  //    still open at the window's start needs (partner, start, stage, amount), and earlier offers (who was
  //    offered an escalated lead; time to reserve of a late claim).
  for (const chunk of chunksFor(older, 1, maxParams - 64)) {
    (await db.selectFrom('leads').select(leadCols).where('id', 'in', chunk).execute()).forEach(addLead);
  }
  for (const chunk of chunksFor(withHistory, 1, maxParams - 64)) {
    (await db.selectFrom('offers').select(['id', 'lead_id', 'partner_id', 'status', 'offered_at', 'closed_at'])
      .where('lead_id', 'in', chunk).where('offered_at', '<', from).execute()).forEach(addOffer);
    (await db.selectFrom('lead_events').select(['id', 'lead_id', 'type', 'at', 'partner_id', 'data'])
      .where('lead_id', 'in', chunk).where('at', '<', from).where('type', 'in', ['reserved', 'assigned', 'revoked', 'withdrawn']).execute()).forEach(addEvent);
    (await db.selectFrom('feedback').select(['seq', 'lead_id', 'partner_id', 'status', 'amount', 'lost_reason', 'at'])
      .where('lead_id', 'in', chunk).where('at', '<', from).execute()).forEach(addFeedback);
  }

  const partners = (await db.selectFrom('partners').select(['id', 'external_id', 'parent_id', 'active', 'data']).orderBy('id').execute())
    .map((r) => {
      const d = partnerFacts.safeParse(safeJson(r.data));
      return { id: r.id, externalId: r.external_id, parentId: r.parent_id, active: r.active === 1, name: d.success ? d.data.name : '', kind: d.success ? d.data.kind : 'reseller' };
    });
  const away = (await db.selectFrom('partner_away').select(['partner_id', 'from_at', 'to_at']).where('to_at', '>', from).execute())
    .map((r) => ({ partnerId: r.partner_id, from: new Date(ms(r.from_at)), to: new Date(ms(r.to_at)) }));

  return {
    partners, leads, offers, points, away,
    events: sortBy(events, eventOrder, (e) => e.atMs),
    feedback: sortBy(feedback, feedbackOrder, (f) => f.atMs),
  };
}

interface OfferRow { id: string; lead_id: string; partner_id: string; status: string; offered_at: string; closed_at: string | null }
interface EventRow { id: number; lead_id: string; type: string; at: string; partner_id: string | null; data: string }
interface FeedbackRow { seq: number; lead_id: string; partner_id: string; status: string; amount: number | null; lost_reason: string | null; at: string }
interface LeadRow { id: string; status: string; partner_id: string | null; feedback_due_at: string | null; temperature: string; data: string }

/** Time order, ties in recording order (chunks arrive in id order, not time order). */
function sortBy<T>(rows: T[], order: number[], at: (r: T) => number): T[] {
  const idx = rows.map((_, i) => i);
  idx.sort((a, b) => at(rows[a]!) - at(rows[b]!) || order[a]! - order[b]!);
  return idx.map((i) => rows[i]!);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
