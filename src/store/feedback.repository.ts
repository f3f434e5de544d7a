// Feedback reports on reserved leads, in the order they were recorded.
import { z } from 'zod';
import { feedbackStatuses } from '../domain/offer.ts';
import type { Feedback } from '../domain/offer.ts';
import type { FeedbackRepository } from '../domain/ports.ts';
import { isoDate, parseRow, parseRows, toIso } from './codecs.ts';
import type { Session } from './session.ts';

const feedbackRow = z
  .object({
    id: z.string(),
    lead_id: z.string(),
    partner_id: z.string(),
    user_id: z.string().nullable(),
    status: z.enum(feedbackStatuses),
    amount: z.number().nullable(),
    close_date: z.string().nullable(),
    lost_reason: z.string().nullable(),
    comment: z.string().nullable(),
    at: isoDate,
  })
  .transform((r): Feedback => ({
    id: r.id, leadId: r.lead_id, partnerId: r.partner_id, userId: r.user_id, status: r.status, amount: r.amount,
    closeDate: r.close_date, lostReason: r.lost_reason, comment: r.comment, at: r.at,
  }));

const COLUMNS = ['id', 'lead_id', 'partner_id', 'user_id', 'status', 'amount', 'close_date', 'lost_reason', 'comment', 'at'] as const;

export function feedbackRepository(s: Session): FeedbackRepository {
  return {
    /** A second report with the same id is a bug (ids come from the IdGenerator) and throws. */
    async add(f) {
      await s.db().insertInto('feedback').values({
        id: f.id, lead_id: f.leadId, partner_id: f.partnerId, user_id: f.userId, status: f.status, amount: f.amount,
        close_date: f.closeDate, lost_reason: f.lostReason, comment: f.comment, at: toIso(f.at),
      }).execute();
    },

    /** Oldest first by `at`, ties in recording order. */
    async listByLead(leadId) {
      const rows = await s.db().selectFrom('feedback').select(COLUMNS).where('lead_id', '=', leadId)
        .orderBy('at').orderBy('seq').execute();
      return parseRows(feedbackRow, rows, 'feedback');
    },

    /** Latest by `at`; of two at the same instant, the one recorded last. */
    async last(leadId) {
      const row = await s.db().selectFrom('feedback').select(COLUMNS).where('lead_id', '=', leadId)
        .orderBy('at', 'desc').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? null : parseRow(feedbackRow, row, 'feedback');
    },
  };
}
