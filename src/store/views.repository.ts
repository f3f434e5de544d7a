// Slice-restricted read models (domain/views.ts): the partner ids a user may see are part of every WHERE.
// Leads are read with the lead codec (lead.repository's toLead), offers with the offer columns only.
import { sql } from 'kysely';
import type { SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import type { Offer } from '../domain/offer.ts';
import { offerStatuses } from '../domain/offer.ts';
import type { OfferedLead, SliceFilter, ViewRepository } from '../domain/views.ts';
import { isoDate, parseRow } from './codecs.ts';
import { toLead } from './lead.repository.ts';
import type { Database } from './schema.ts';
import type { Session } from './session.ts';

const offerPart = z.object({
  o_id: z.string(), o_lead_id: z.string(), o_partner_id: z.string(), o_wave: z.number().int(), o_status: z.enum(offerStatuses),
  o_score: z.number(), o_rank: z.number().int(), o_offered_at: isoDate, o_expires_at: isoDate, o_closed_at: isoDate.nullable(),
  o_decline_reason: z.string().nullable(),
}).transform((r): Offer => ({
  id: r.o_id, leadId: r.o_lead_id, partnerId: r.o_partner_id, wave: r.o_wave, status: r.o_status, score: r.o_score, rank: r.o_rank,
  offeredAt: r.o_offered_at, expiresAt: r.o_expires_at, closedAt: r.o_closed_at, declineReason: r.o_decline_reason,
}));

const QUEUE = ['needs_qualification', 'returned'] as const;

type LeadQuery = SelectQueryBuilder<Database, 'leads', object>;

/** Restrict a leads query to the slice: held by one of its partners (and, for a sales rep, given to them). */
function inSlice<Q extends LeadQuery>(q: Q, f: SliceFilter): Q | null {
  if (f.partnerIds !== 'all' && f.partnerIds.length === 0) return null;
  let out = (f.partnerIds === 'all' ? q.where('leads.partner_id', 'is not', null) : q.where('leads.partner_id', 'in', f.partnerIds)) as Q;
  if (f.repUserId !== undefined) {
    const me = f.repUserId;
    // The rep a partner manager assigned decides; without an assignment, whoever reserved it.
    out = out.where((eb) => eb.or([
      eb('leads.id', 'in', eb.selectFrom('lead_reps').select('lead_reps.lead_id').where('lead_reps.user_id', '=', me)),
      eb.and([
        eb('leads.reserved_by_user_id', '=', me),
        eb('leads.id', 'not in', eb.selectFrom('lead_reps').select('lead_reps.lead_id')),
      ]),
    ])) as Q;
  }
  return out;
}

export function viewRepository(s: Session): ViewRepository {
  const offeredLeads = (partnerIds: readonly string[]) => s.db().selectFrom('offers')
    .innerJoin('leads', 'leads.id', 'offers.lead_id')
    .selectAll('leads')
    .select([
      'offers.id as o_id', 'offers.lead_id as o_lead_id', 'offers.partner_id as o_partner_id', 'offers.wave as o_wave',
      'offers.status as o_status', 'offers.score as o_score', 'offers.rank as o_rank', 'offers.offered_at as o_offered_at',
      'offers.expires_at as o_expires_at', 'offers.closed_at as o_closed_at', 'offers.decline_reason as o_decline_reason',
    ])
    .where('offers.status', '=', 'open').where('leads.status', '=', 'offered')
    .where('offers.partner_id', 'in', partnerIds);
  const toOffered = (row: Record<string, unknown>): OfferedLead => ({ offer: parseRow(offerPart, row, 'offers'), lead: toLead(row) });

  return {
    async pickList(partnerIds, limit) {
      if (partnerIds.length === 0 || limit <= 0) return [];
      const rows = await offeredLeads(partnerIds).orderBy('offers.offered_at', 'desc').orderBy('offers.id').limit(limit).execute();
      return rows.map((r) => toOffered(r as Record<string, unknown>));
    },

    async openOffer(leadId, partnerIds) {
      if (partnerIds.length === 0) return null;
      const row = await offeredLeads(partnerIds).where('offers.lead_id', '=', leadId).orderBy('offers.id').executeTakeFirst();
      return row === undefined ? null : toOffered(row);
    },

    async heldLeads(f, q) {
      if (q.statuses.length === 0) return [];
      const base = inSlice(s.db().selectFrom('leads').selectAll('leads').where('leads.status', 'in', q.statuses), f);
      if (base === null) return [];
      // Overdue first: the earliest feedback deadline on top, leads owing nothing (closed) last, newest first.
      // NULLs are placed explicitly: SQLite sorts them first ascending, PostgreSQL last (and the reverse when
      // descending), so `x is null` keeps the order the same on both engines.
      const rows = await base.orderBy(sql`leads.feedback_due_at is null`).orderBy('leads.feedback_due_at')
        .orderBy(sql`leads.reserved_at is null`).orderBy('leads.reserved_at', 'desc').orderBy('leads.id')
        .limit(q.limit).offset(q.offset ?? 0).execute();
      return rows.map(toLead);
    },

    async heldLead(leadId, f) {
      const base = inSlice(s.db().selectFrom('leads').selectAll('leads').where('leads.id', '=', leadId), f);
      if (base === null) return null;
      const row = await base.executeTakeFirst();
      return row === undefined ? null : toLead(row);
    },

    async queue(limit, offset = 0) {
      const rows = await s.db().selectFrom('leads').selectAll().where('status', 'in', QUEUE)
        .orderBy('status_changed_at').orderBy('id').limit(limit).offset(offset).execute();
      return rows.map(toLead);
    },

    async queueLead(leadId) {
      const row = await s.db().selectFrom('leads').selectAll().where('id', '=', leadId).where('status', 'in', QUEUE).executeTakeFirst();
      return row === undefined ? null : toLead(row);
    },

    async escalated(limit) {
      const rows = await s.db().selectFrom('leads').selectAll().where('status', '=', 'expired')
        .orderBy('status_changed_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(toLead);
    },

    async escalatedLead(leadId) {
      const row = await s.db().selectFrom('leads').selectAll().where('id', '=', leadId).where('status', '=', 'expired').executeTakeFirst();
      return row === undefined ? null : toLead(row);
    },
  };
}
