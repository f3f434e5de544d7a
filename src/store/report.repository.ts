// The facts KPI reports are computed from. Portable kysely only (SQLite today, PostgreSQL next): plain
// comparisons on ISO text timestamps, IN lists chunked under the parameter limit, no date or JSON functions in
// SQL. Everything dialect-specific (durations, JSON fields, money in cents) is done here in TypeScript.
//
// Which leads: those with an offer, an event or feedback since `from`, plus the leads held now (a reservation
// made before `from` can still be open, or be won, in the period). Of those leads the whole history is read, so
// a win in the period finds its reservation even when that was months earlier.
import { z } from 'zod';
import type { ReportData, ReportEvent, ReportLead, ReportQuery, ReportRepository } from '../domain/report-data.ts';
import { temperatures, workingStatuses } from '../domain/lead.ts';
import { toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Db, Session } from './session.ts';

/** Event types a report reads; the others (viewed, reminder, updated …) are never fetched. */
const EVENT_TYPES = ['reserved', 'assigned', 'revoked', 'withdrawn', 'escalated', 'feedback', 'returned'] as const;

const num = z.number().finite().nullable().catch(null);
const str = z.string().nullable().catch(null);
// Lead data is JSON text: only the fields a report needs, each tolerant (a malformed field is "unknown", it
// does not fail the report).
const leadFacts = z.object({
  company: str.default(null), country: str.default(null), region: str.default(null),
  productInterest: z.array(z.string()).catch([]).default([]), source: str.default(null), campaign: str.default(null),
  budget: num.default(null),
});
const partnerFacts = z.object({ name: z.string().catch(''), kind: z.string().catch('reseller') });
const eventDue = z.object({ dueAt: z.string().nullable().optional().catch(null) }).catch({});
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
  const partnerChunks: Array<readonly string[] | null> = q.partnerIds === null ? [null] : chunksFor([...new Set(q.partnerIds)], 1, maxParams - 64);
  const ids = new Set<string>();
  for (const chunk of partnerChunks) {
    if (chunk !== null && chunk.length === 0) continue;
    const rows = await db.selectFrom('offers').select('lead_id as id').where('offered_at', '>=', from)
      .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk)))
      .union(db.selectFrom('lead_events').select('lead_id as id').where('at', '>=', from).where('type', 'in', [...EVENT_TYPES])
        .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))))
      .union(db.selectFrom('feedback').select('lead_id as id').where('at', '>=', from)
        .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))))
      .union(db.selectFrom('leads').select('id').where('status', 'in', working).where('partner_id', 'is not', null)
        .$call((qb) => (chunk === null ? qb : qb.where('partner_id', 'in', chunk))))
      .execute();
    for (const r of rows) ids.add(r.id);
  }
  const leadIds = [...ids].sort();
  const chunks = chunksFor(leadIds, 1, maxParams - 64);

  const leads: ReportLead[] = [];
  const offers: ReportData['offers'][number][] = [];
  const events: ReportEvent[] = [];
  const feedback: ReportData['feedback'][number][] = [];
  const eventOrder: number[] = [];
  const feedbackOrder: number[] = [];
  for (const chunk of chunks) {
    const lr = await db.selectFrom('leads')
      .select(['id', 'status', 'partner_id', 'feedback_due_at', 'temperature', 'data']).where('id', 'in', chunk).execute();
    for (const r of lr) {
      const d = leadFacts.safeParse(safeJson(r.data));
      const f = d.success ? d.data : leadFacts.parse({});
      leads.push({
        id: r.id, status: r.status, partnerId: r.partner_id, feedbackDueAtMs: r.feedback_due_at === null ? null : ms(r.feedback_due_at),
        temperature: temperature.parse(r.temperature), company: f.company, country: f.country, region: f.region,
        products: f.productInterest, source: f.source, campaign: f.campaign, budgetCents: f.budget === null ? null : toCents(f.budget),
      });
    }
    const or = await db.selectFrom('offers').select(['lead_id', 'partner_id', 'status', 'offered_at', 'closed_at'])
      .where('lead_id', 'in', chunk).where('offered_at', '<=', asOf).execute();
    for (const r of or) {
      offers.push({ leadId: r.lead_id, partnerId: r.partner_id, status: r.status, offeredAtMs: ms(r.offered_at), closedAtMs: r.closed_at === null ? null : ms(r.closed_at) });
    }
    const er = await db.selectFrom('lead_events').select(['id', 'lead_id', 'type', 'at', 'partner_id', 'data'])
      .where('lead_id', 'in', chunk).where('type', 'in', [...EVENT_TYPES]).where('at', '<=', asOf).execute();
    for (const r of er) {
      // Only feedback events carry a deadline worth parsing; skip JSON for the rest.
      const due = r.type === 'feedback' || r.type === 'returned' ? eventDue.parse(safeJson(r.data)).dueAt ?? null : null;
      events.push({ leadId: r.lead_id, type: r.type, atMs: ms(r.at), partnerId: r.partner_id, dueAtMs: due === null ? null : ms(due) });
      eventOrder.push(r.id);
    }
    const fr = await db.selectFrom('feedback').select(['seq', 'lead_id', 'partner_id', 'status', 'amount', 'lost_reason', 'at'])
      .where('lead_id', 'in', chunk).where('at', '<=', asOf).execute();
    for (const r of fr) {
      feedback.push({ leadId: r.lead_id, partnerId: r.partner_id, status: r.status, amountCents: r.amount === null ? null : toCents(r.amount), lostReason: r.lost_reason, atMs: ms(r.at) });
      feedbackOrder.push(r.seq);
    }
  }

  const points = (await db.selectFrom('points_ledger').select(['partner_id', 'lead_id', 'points', 'at'])
    .where('at', '>=', from).where('at', '<=', asOf).execute())
    .map((r) => ({ partnerId: r.partner_id, leadId: r.lead_id, points: r.points, atMs: ms(r.at) }));
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
