// Deadline notices: what `tick` did about a feedback deadline (reminded, marked overdue, revoked), once per
// (lead, deadline, kind). `INSERT … ON CONFLICT DO NOTHING` makes the record-or-skip one statement, so two
// ticks (or a tick re-run after a crash) can never remind or revoke twice.
import { z } from 'zod';
import { noticeKinds } from '../domain/ports.ts';
import type { DeadlineNotice, NoticeRepository } from '../domain/ports.ts';
import { isoDate, parseRows, toIso } from './codecs.ts';
import type { Session } from './session.ts';

const noticeRow = z
  .object({ lead_id: z.string(), partner_id: z.string(), due_at: isoDate, kind: z.enum(noticeKinds), at: isoDate })
  .transform((r): DeadlineNotice => ({ leadId: r.lead_id, partnerId: r.partner_id, dueAt: r.due_at, kind: r.kind, at: r.at }));

export function noticeRepository(s: Session): NoticeRepository {
  return {
    async record(n) {
      const r = await s.db().insertInto('deadline_notices')
        .values({ lead_id: n.leadId, partner_id: n.partnerId, due_at: toIso(n.dueAt), kind: n.kind, at: toIso(n.at) })
        .onConflict((oc) => oc.columns(['lead_id', 'due_at', 'kind']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async has(leadId, dueAt, kind) {
      const row = await s.db().selectFrom('deadline_notices').select('kind')
        .where('lead_id', '=', leadId).where('due_at', '=', toIso(dueAt)).where('kind', '=', kind).executeTakeFirst();
      return row !== undefined;
    },

    /** In the order they happened. */
    async listByLead(leadId) {
      const rows = await s.db().selectFrom('deadline_notices').select(['lead_id', 'partner_id', 'due_at', 'kind', 'at'])
        .where('lead_id', '=', leadId).orderBy('at').orderBy('due_at').execute();
      return parseRows(noticeRow, rows, 'deadline_notices');
    },

    async revokedPartners(leadId) {
      const rows = await s.db().selectFrom('deadline_notices').select('partner_id').distinct()
        .where('lead_id', '=', leadId).where('kind', '=', 'revoked').orderBy('partner_id').execute();
      return rows.map((r) => r.partner_id);
    },
  };
}
