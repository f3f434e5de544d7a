// The mail outbox and digest items (see domain/mail.ts for the sending protocol: no loss, one Message-ID).
import { z } from 'zod';
import { noticeKinds } from '../domain/ports.ts';
import type { DeadlineNotice } from '../domain/ports.ts';
import type { DigestItem, MailRepository, MailStatus, StoredMail } from '../domain/mail.ts';
import { mailKinds, mailStatuses } from '../domain/mail.ts';
import type { LeadEvent } from '../domain/offer.ts';
import { isoDate, json, leadEventTypes, parseRows, record, toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const attachmentsSchema = z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() }));

const mailRow = z.object({
  id: z.number().int(), dedupe_key: z.string(), kind: z.enum(mailKinds), user_id: z.string().nullable(), lead_id: z.string().nullable(),
  to_address: z.string(), subject: z.string(), html: z.string(), text: z.string(), created_at: isoDate, status: z.enum(mailStatuses),
  attempts: z.number().int(), next_attempt_at: isoDate, sent_at: isoDate.nullable(), message_id: z.string().nullable(), last_error: z.string().nullable(),
  attachments: json(attachmentsSchema).nullable().optional(),
  resends: z.number().int(), smtp_response: z.string().nullable(),
}).transform((r): StoredMail => ({
  id: r.id, dedupeKey: r.dedupe_key, kind: r.kind, userId: r.user_id, leadId: r.lead_id, to: r.to_address, subject: r.subject,
  html: r.html, text: r.text, createdAt: r.created_at, notBefore: r.next_attempt_at, status: r.status, attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at, sentAt: r.sent_at, messageId: r.message_id, lastError: r.last_error,
  ...(r.attachments === null || r.attachments === undefined ? {} : { attachments: r.attachments }),
  resends: r.resends, smtpResponse: r.smtp_response,
}));

const digestRow = z.object({ user_id: z.string(), lead_id: z.string(), offer_id: z.string(), created_at: isoDate })
  .transform((r): DigestItem => ({ userId: r.user_id, leadId: r.lead_id, offerId: r.offer_id, createdAt: r.created_at }));

const eventRow = z.object({
  id: z.number().int(), lead_id: z.string(), at: isoDate, type: z.enum(leadEventTypes), actor: z.string(), partner_id: z.string().nullable(), data: json(record),
}).transform((r): { id: number; event: LeadEvent } => ({
  id: r.id, event: { leadId: r.lead_id, at: r.at, type: r.type, actor: r.actor, partnerId: r.partner_id, data: r.data },
}));

const noticeRow = z.object({ lead_id: z.string(), partner_id: z.string(), due_at: isoDate, kind: z.enum(noticeKinds), at: isoDate })
  .transform((r): DeadlineNotice => ({ leadId: r.lead_id, partnerId: r.partner_id, dueAt: r.due_at, kind: r.kind, at: r.at }));

const MAIL_COLUMNS = 12;

export function mailRepository(s: Session): MailRepository {
  return {
    async enqueue(mails) {
      if (mails.length === 0) return 0;
      const rows = mails.map((m) => ({
        dedupe_key: m.dedupeKey, kind: m.kind, user_id: m.userId, lead_id: m.leadId, to_address: m.to, subject: m.subject,
        html: m.html, text: m.text, created_at: toIso(m.createdAt), status: 'pending', attempts: 0, next_attempt_at: toIso(m.notBefore),
        attachments: m.attachments === undefined || m.attachments.length === 0 ? null : JSON.stringify(m.attachments),
      }));
      return s.atomic(async (db) => {
        let n = 0;
        for (const chunk of chunksFor(rows, MAIL_COLUMNS + 1, s.maxParams)) {
          const r = await db.insertInto('mail_outbox').values(chunk).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').execute();
          n += r.length;
        }
        return n;
      });
    },

    /**
     * The conditional UPDATE (status still 'pending') … RETURNING decides: two senders (two processes) never
     * claim the same mail. On PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so a second sender
     * takes the next mails instead of waiting for (and then colliding with) the first. The Message-ID is written
     * in the same transaction, before any SMTP exchange: every attempt sends it.
     */
    async claimDue(now, limit, messageIdOf) {
      return s.atomic(async (db) => {
        const due = db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending')
          .where('next_attempt_at', '<=', toIso(now)).orderBy('next_attempt_at').orderBy('id').limit(limit);
        const ids = (await (s.engine.dialect === 'postgres' ? due.forUpdate().skipLocked() : due).execute()).map((r) => r.id);
        if (ids.length === 0) return [];
        const rows = await db.updateTable('mail_outbox')
          .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), claimed_at: toIso(now) }))
          .where('id', 'in', ids).where('status', '=', 'pending').returningAll().execute();
        const claimed = parseRows(mailRow, rows, 'mail_outbox').sort((a, b) => a.id - b.id);
        const out: StoredMail[] = [];
        for (const m of claimed) {
          if (m.messageId !== null) {
            out.push(m);
            continue;
          }
          const messageId = messageIdOf(m);
          await db.updateTable('mail_outbox').set({ message_id: messageId }).where('id', '=', m.id).execute();
          out.push({ ...m, messageId });
        }
        return out;
      });
    },

    async markSent(id, response, at) {
      await s.db().updateTable('mail_outbox').set({ status: 'sent', smtp_response: response.slice(0, 500), sent_at: toIso(at), last_error: null })
        .where('id', '=', id).execute();
    },
    async retryLater(id, next, error) {
      await s.db().updateTable('mail_outbox').set({ status: 'pending', next_attempt_at: toIso(next), last_error: error.slice(0, 500), claimed_at: null })
        .where('id', '=', id).where('status', '=', 'sending').execute();
    },
    async resendLater(id, next, error) {
      await s.db().updateTable('mail_outbox')
        .set((eb) => ({ status: 'pending', next_attempt_at: toIso(next), last_error: error.slice(0, 500), claimed_at: null, resends: eb('resends', '+', 1) }))
        .where('id', '=', id).where('status', '=', 'sending').execute();
    },
    async fail(id, error, status) {
      await s.db().updateTable('mail_outbox').set({ status, last_error: error.slice(0, 500) }).where('id', '=', id).execute();
    },
    async reclaimStale(claimedBefore, maxAttempts) {
      return s.atomic(async (db) => {
        const cut = toIso(claimedBefore);
        const given = await db.updateTable('mail_outbox')
          .set({ status: 'uncertain', last_error: `the sender stopped during the SMTP exchange on attempt ${maxAttempts}; maybe delivered, not resent again` })
          .where('status', '=', 'sending').where('claimed_at', '<', cut).where('attempts', '>=', maxAttempts).executeTakeFirst();
        const back = await db.updateTable('mail_outbox')
          .set((eb) => ({ status: 'pending', claimed_at: null, resends: eb('resends', '+', 1), last_error: 'the sender stopped during the SMTP exchange; resent with the same Message-ID' }))
          .where('status', '=', 'sending').where('claimed_at', '<', cut).executeTakeFirst();
        return { resend: Number(back.numUpdatedRows), uncertain: Number(given.numUpdatedRows) };
      });
    },
    async counts() {
      const rows = await s.db().selectFrom('mail_outbox').select((eb) => ['status', eb.fn.countAll().as('n')]).groupBy('status').execute();
      const out = Object.fromEntries(mailStatuses.map((x) => [x, 0])) as Record<MailStatus, number>;
      for (const r of rows) if ((mailStatuses as readonly string[]).includes(r.status)) out[r.status as MailStatus] = Number(r.n);
      return out;
    },
    async list(f) {
      let q = s.db().selectFrom('mail_outbox').selectAll();
      if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
      if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
      return parseRows(mailRow, await q.orderBy('id', 'desc').limit(f.limit ?? 100).execute(), 'mail_outbox');
    },
    async purgeSentBodies(before) {
      const r = await s.db().updateTable('mail_outbox').set({ html: '', text: '', attachments: null })
        .where('status', '=', 'sent').where('sent_at', '<', toIso(before)).where('html', '!=', '').executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async addDigestItems(items) {
      if (items.length === 0) return;
      const rows = items.map((i) => ({ user_id: i.userId, lead_id: i.leadId, offer_id: i.offerId, created_at: toIso(i.createdAt), taken_by: null }));
      await s.atomic(async (db) => {
        for (const chunk of chunksFor(rows, 5, s.maxParams)) {
          await db.insertInto('mail_digest_items').values(chunk).onConflict((oc) => oc.columns(['user_id', 'lead_id']).doNothing()).execute();
        }
      });
    },
    async digestBacklog() {
      const rows = await s.db().selectFrom('mail_digest_items').select((eb) => ['user_id', eb.fn.min('created_at').as('oldest')])
        .where('taken_by', 'is', null).groupBy('user_id').execute();
      return rows.map((r) => ({ userId: r.user_id, oldest: new Date(String(r.oldest)) }));
    },
    async takeDigestItems(userId, mailKey) {
      const rows = await s.db().updateTable('mail_digest_items').set({ taken_by: mailKey })
        .where('user_id', '=', userId).where('taken_by', 'is', null).returning(['user_id', 'lead_id', 'offer_id', 'created_at']).execute();
      return parseRows(digestRow, rows, 'mail_digest_items').sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    async eventsAfter(afterId, limit) {
      const rows = await s.db().selectFrom('lead_events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
      return parseRows(eventRow, rows, 'lead_events');
    },
    async lastEventId() {
      const row = await s.db().selectFrom('lead_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      return Number(row?.id ?? 0);
    },
    async noticesSince(since, limit) {
      const rows = await s.db().selectFrom('deadline_notices').selectAll().where('at', '>=', toIso(since))
        .where('kind', 'in', ['overdue', 'revoked']).orderBy('at').limit(limit).execute();
      return parseRows(noticeRow, rows, 'deadline_notices');
    },
  };
}
