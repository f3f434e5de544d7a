// Partner performance figures for matching and the feedback gate. Five grouped queries per chunk of partner
// ids (one chunk up to ~32k ids), never one query per partner: 2,000 partners cost the same four round trips.
//
// Definitions (PartnerStats in domain/partner.ts):
// - offered / declined / recentOffers: offers to the partner (all statuses / declined / offered_at in the window).
// - reserved: distinct leads the partner won a claim on: offers that became `reserved`, plus leads it holds or
//   held without an offer (a channel manager's assignment bypasses the waves). A revoked lead still counts.
// - won / lost / open / overdue: the partner's leads now. open = working (reserved … proposal); overdue = open
//   with feedback_due_at < now.
// - points: the points ledger's all-time balance; absent for partners without bookings.
// - medianMinutesToReserve: offered_at → closed_at of its reserved offers (closeForLead stamps closed_at at the
//   reservation). Computed in TS from a narrow query: date arithmetic differs in every SQL dialect.
import type { ExpressionBuilder } from 'kysely';
import { workingStatuses } from '../domain/lead.ts';
import { emptyStats } from '../domain/partner.ts';
import type { PartnerStats } from '../domain/partner.ts';
import { count, toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Database } from './schema.ts';
import type { Db, Session } from './session.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const DAY_MS = 86_400_000;

export async function partnerStats(
  s: Session, partnerIds: readonly string[] | 'all', now: Date, recentWindowDays: number,
): Promise<Map<string, PartnerStats>> {
  // One transaction: the four queries see the same snapshot.
  return s.atomic(async (db) => {
    const ids = partnerIds === 'all'
      ? (await db.selectFrom('partners').select('id').orderBy('id').execute()).map((r) => r.id)
      : [...new Set(partnerIds)];
    const acc = new Map<string, Mutable<PartnerStats>>(ids.map((id) => [id, { ...emptyStats(id) }]));
    if (ids.length === 0) return acc;
    const since = toIso(new Date(now.getTime() - recentWindowDays * DAY_MS));
    // 'all' needs no IN list at all; otherwise chunk it under the parameter limit.
    const chunks: Array<readonly string[] | null> = partnerIds === 'all' ? [null] : chunksFor(ids, 1, s.maxParams - 32);
    const minutes = new Map<string, number[]>();
    for (const chunk of chunks) await collect(db, chunk, toIso(now), since, acc, minutes);
    for (const [id, values] of minutes) {
      const st = acc.get(id);
      if (st !== undefined) st.medianMinutesToReserve = median(values);
    }
    return acc;
  });
}

async function collect(
  db: Db, chunk: readonly string[] | null, nowIso: string, since: string,
  acc: Map<string, Mutable<PartnerStats>>, minutes: Map<string, number[]>,
): Promise<void> {
  const get = (id: string | null): Mutable<PartnerStats> | undefined => (id === null ? undefined : acc.get(id));

  const offers = await db.selectFrom('offers')
    .select((eb) => [
      'offers.partner_id',
      eb.fn.countAll().as('offered'),
      eb.fn.sum(eb.case().when('offers.status', '=', 'declined').then(1).else(0).end()).as('declined'),
      eb.fn.sum(eb.case().when('offers.offered_at', '>=', since).then(1).else(0).end()).as('recent'),
    ])
    .$call((qb) => (chunk === null ? qb : qb.where('offers.partner_id', 'in', chunk)))
    .groupBy('offers.partner_id').execute();
  for (const r of offers) {
    const st = get(r.partner_id);
    if (st === undefined) continue;
    st.offered = count.parse(r.offered);
    st.declined = count.parse(r.declined);
    st.recentOffers = count.parse(r.recent);
  }

  const held = (eb: ExpressionBuilder<Database, 'leads'>) => eb('leads.partner_id', 'is not', null);
  const claims = db.selectFrom('offers').select(['offers.partner_id as pid', 'offers.lead_id as lid'])
    .where('offers.status', '=', 'reserved')
    .$call((qb) => (chunk === null ? qb : qb.where('offers.partner_id', 'in', chunk)))
    .union(db.selectFrom('leads').select(['leads.partner_id as pid', 'leads.id as lid']).where(held)
      .$call((qb) => (chunk === null ? qb : qb.where('leads.partner_id', 'in', chunk)))
      .$narrowType<{ pid: string }>());
  const reserved = await db.selectFrom(claims.as('c'))
    .select((eb) => ['c.pid', eb.fn.countAll().as('n')]).groupBy('c.pid').execute();
  for (const r of reserved) {
    const st = get(r.pid);
    if (st !== undefined) st.reserved = count.parse(r.n);
  }

  const working = [...workingStatuses];
  const leads = await db.selectFrom('leads')
    .select((eb) => [
      'leads.partner_id',
      eb.fn.sum(eb.case().when('leads.status', '=', 'won').then(1).else(0).end()).as('won'),
      eb.fn.sum(eb.case().when('leads.status', '=', 'lost').then(1).else(0).end()).as('lost'),
      eb.fn.sum(eb.case().when('leads.status', 'in', working).then(1).else(0).end()).as('open'),
      eb.fn.sum(eb.case()
        .when(eb.and([eb('leads.status', 'in', working), eb('leads.feedback_due_at', '<', nowIso)])).then(1)
        .else(0).end()).as('overdue'),
    ])
    .where(held)
    .$call((qb) => (chunk === null ? qb : qb.where('leads.partner_id', 'in', chunk)))
    .groupBy('leads.partner_id').execute();
  for (const r of leads) {
    const st = get(r.partner_id);
    if (st === undefined) continue;
    st.won = count.parse(r.won);
    st.lost = count.parse(r.lost);
    st.open = count.parse(r.open);
    st.overdue = count.parse(r.overdue);
  }

  // Points balance (all time), only for partners with bookings: `points` stays absent (= 0) otherwise.
  const points = await db.selectFrom('points_ledger')
    .select((eb) => ['points_ledger.partner_id', eb.fn.sum<number>('points_ledger.points').as('points')])
    .$call((qb) => (chunk === null ? qb : qb.where('points_ledger.partner_id', 'in', chunk)))
    .groupBy('points_ledger.partner_id').execute();
  for (const r of points) {
    const st = get(r.partner_id);
    if (st !== undefined) st.points = Number(r.points);
  }

  const times = await db.selectFrom('offers').select(['offers.partner_id', 'offers.offered_at', 'offers.closed_at'])
    .where('offers.status', '=', 'reserved').where('offers.closed_at', 'is not', null)
    .$call((qb) => (chunk === null ? qb : qb.where('offers.partner_id', 'in', chunk)))
    .execute();
  for (const t of times) {
    if (t.closed_at === null) continue;
    const m = (Date.parse(t.closed_at) - Date.parse(t.offered_at)) / 60_000;
    if (!Number.isFinite(m)) continue;
    const list = minutes.get(t.partner_id) ?? [];
    list.push(m);
    minutes.set(t.partner_id, list);
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}
