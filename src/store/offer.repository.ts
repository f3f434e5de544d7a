// Offers: one per (lead, partner), ever. Re-running a wave is idempotent; reservation closes a lead's offers
// in one statement.
import { z } from 'zod';
import { offerStatuses } from '../domain/offer.ts';
import type { Offer } from '../domain/offer.ts';
import type { NewOffer, OfferRepository } from '../domain/ports.ts';
import { isoDate, json, parseRow, parseRows, record, toIso, toJson } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const offerRow = z
  .object({
    id: z.string(),
    lead_id: z.string(),
    partner_id: z.string(),
    wave: z.number().int(),
    status: z.enum(offerStatuses),
    score: z.number(),
    rank: z.number().int(),
    offered_at: isoDate,
    expires_at: isoDate,
    closed_at: isoDate.nullable(),
    decline_reason: z.string().nullable(),
  })
  .transform((r): Offer => ({
    id: r.id, leadId: r.lead_id, partnerId: r.partner_id, wave: r.wave, status: r.status, score: r.score, rank: r.rank,
    offeredAt: r.offered_at, expiresAt: r.expires_at, closedAt: r.closed_at, declineReason: r.decline_reason,
  }));

/** Every column but the explanation, which only `explanation()` reads (it can be large). */
const OFFER_COLUMNS = [
  'id', 'lead_id', 'partner_id', 'wave', 'status', 'score', 'rank', 'offered_at', 'expires_at', 'closed_at', 'decline_reason',
] as const;
const OFFER_COLUMN_COUNT = 12;

export function offerRepository(s: Session): OfferRepository {
  const select = () => s.db().selectFrom('offers').select(OFFER_COLUMNS);
  return {
    /**
     * `INSERT … ON CONFLICT (lead_id, partner_id) DO NOTHING RETURNING`: an existing pair — from an earlier
     * run, a crash-and-retry or the same batch — is left as it is. Returns only the created offers, in input order.
     */
    async createMany(offers: readonly NewOffer[], newId) {
      if (offers.length === 0) return [];
      return s.atomic(async (db) => {
        const created: Offer[] = [];
        const rows = offers.map((o) => ({
          id: newId(), lead_id: o.leadId, partner_id: o.partnerId, wave: o.wave, status: 'open', score: o.score,
          rank: o.rank, offered_at: toIso(o.offeredAt), expires_at: toIso(o.expiresAt), closed_at: null,
          decline_reason: null, explanation: toJson(o.explanation),
        }));
        for (const chunk of chunksFor(rows, OFFER_COLUMN_COUNT, s.maxParams)) {
          const inserted = await db.insertInto('offers').values(chunk)
            .onConflict((oc) => oc.columns(['lead_id', 'partner_id']).doNothing())
            .returning(OFFER_COLUMNS).execute();
          created.push(...parseRows(offerRow, inserted, 'offers'));
        }
        // RETURNING order is not guaranteed by SQL; give them back in the caller's order.
        const order = new Map(rows.map((r, i) => [r.id, i]));
        return created.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      });
    },

    async listByLead(leadId) {
      const rows = await select().where('lead_id', '=', leadId).orderBy('wave').orderBy('rank').orderBy('id').execute();
      return parseRows(offerRow, rows, 'offers');
    },

    /** Status `open` only; expiry is applied by the job that reads `listExpiring`, not by this query. */
    async listOpenForPartners(partnerIds, limit) {
      if (partnerIds.length === 0 || limit <= 0) return [];
      const out: Offer[] = [];
      for (const chunk of chunksFor(partnerIds, 1, s.maxParams - 8)) {
        const rows = await select().where('status', '=', 'open').where('partner_id', 'in', chunk)
          .orderBy('offered_at', 'desc').orderBy('id').limit(limit).execute();
        out.push(...parseRows(offerRow, rows, 'offers'));
      }
      out.sort((a, b) => b.offeredAt.getTime() - a.offeredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return out.slice(0, limit);
    },

    async get(id) {
      const row = await select().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : parseRow(offerRow, row, 'offers');
    },

    /**
     * One UPDATE: every open offer of the lead becomes `closeAs`, the winner's becomes `reserved`, all stamped
     * closed_at = now. The winner's offer is also claimed when it had already expired: the lifecycle lets an
     * expired lead be reserved late, and the stats need that offer to count. Returns the number of offers closed.
     */
    async closeForLead(leadId, closeAs, now, winnerPartnerId) {
      const r = await s.db().updateTable('offers')
        .set((eb) => ({
          status: winnerPartnerId === undefined
            ? closeAs
            : eb.case().when('partner_id', '=', winnerPartnerId).then('reserved').else(closeAs).end(),
          closed_at: toIso(now),
        }))
        .where('lead_id', '=', leadId)
        .where((eb) => (winnerPartnerId === undefined
          ? eb('status', '=', 'open')
          : eb.or([eb('status', '=', 'open'), eb.and([eb('partner_id', '=', winnerPartnerId), eb('status', '=', 'expired')])])))
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Only an open offer can be declined; false when there is none for this pair (or it is closed). */
    async decline(leadId, partnerId, reason, now) {
      const r = await s.db().updateTable('offers')
        .set({ status: 'declined', decline_reason: reason, closed_at: toIso(now) })
        .where('lead_id', '=', leadId).where('partner_id', '=', partnerId).where('status', '=', 'open')
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    /** Open offers with expires_at <= now, earliest deadline first. */
    async listExpiring(now, limit) {
      const rows = await select().where('status', '=', 'open').where('expires_at', '<=', toIso(now))
        .orderBy('expires_at').orderBy('id').limit(limit).execute();
      return parseRows(offerRow, rows, 'offers');
    },

    async explanation(offerId) {
      const row = await s.db().selectFrom('offers').select('explanation').where('id', '=', offerId).executeTakeFirst();
      return row === undefined ? null : parseRow(json(record), row.explanation, 'offers.explanation');
    },

    async countByStatus() {
      const rows = await s.db().selectFrom('offers').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}
