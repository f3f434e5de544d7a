// The mail sender: claims due mails from the outbox and hands them to SMTP (the protocol is described in
// domain/mail.ts): no mail lost, one Message-ID per mail whatever happens, the 250 committed the moment it
// arrives. Runs after commits (the web layer kicks it) and on a timer.
import { createHash } from 'node:crypto';
import type { Store } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { MailConfig } from './config-schema.ts';
import type { MailTransport } from './transport.ts';
import { classifySendError } from './transport.ts';

export interface SendSummary {
  sent: number;
  /** Refused by the server (nothing delivered): scheduled again with backoff. */
  retried: number;
  failed: number;
  /** Outcome unknown (connection broken mid-exchange): resent later with the same Message-ID. */
  resent: number;
  /** Claimed by a sender that died mid-exchange (lease over): resent with the same Message-ID. */
  reclaimed: number;
  /** Outcome unknown on the last allowed attempt: maybe delivered, not resent again. */
  uncertain: number;
}

const MINUTE = 60_000;

/** A stable Message-ID per outbox row, fixed at its first claim (RFC 5322 3.6.4: same id, same message). */
export function messageIdFor(id: number, dedupeKey: string, publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'leadrelay.invalid';
  return `<lr.${id}.${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 16)}@${host}>`;
}

const backoff = (attempts: number): number => Math.min(60, 2 ** (attempts - 1)) * MINUTE;

export async function sendDueMails(
  store: Store, transport: MailTransport, cfg: MailConfig, publicUrl: string, now: () => Date, logger: Logger, signal?: AbortSignal,
): Promise<SendSummary> {
  const sum: SendSummary = { sent: 0, retried: 0, failed: 0, resent: 0, reclaimed: 0, uncertain: 0 };
  // A row still `sending` after the lease belongs to a sender that died mid-exchange: resend it (same id).
  const stale = await store.mail.reclaimStale(new Date(now().getTime() - cfg.leaseSeconds * 1000), cfg.maxAttempts);
  sum.reclaimed += stale.resend;
  sum.uncertain += stale.uncertain;
  if (stale.resend + stale.uncertain > 0) logger.warn('mails of a stopped sender reclaimed', { resend: stale.resend, uncertain: stale.uncertain });
  // One claim per mail, just before its exchange: a sender that dies strands only the mail in flight (the rest
  // stay pending for the next sender instead of waiting out the lease), and `resends` counts exactly the
  // exchanges that were cut off.
  for (let i = 0; i < cfg.batchSize; i++) {
    if (signal?.aborted === true) break;
    const [m] = await store.mail.claimDue(now(), 1, (x) => messageIdFor(x.id, x.dedupeKey, publicUrl));
    if (m === undefined) break;
    const messageId = m.messageId ?? messageIdFor(m.id, m.dedupeKey, publicUrl);
    let response: string;
    try {
      response = (await transport.send({
        from: cfg.from, ...(cfg.replyTo === null ? {} : { replyTo: cfg.replyTo }), to: m.to, subject: m.subject, html: m.html, text: m.text,
        ...(m.attachments === undefined ? {} : { attachments: m.attachments }),
        messageId,
        // Auto-Submitted keeps out-of-office replies away (RFC 3834).
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'OOF, AutoReply', 'X-LeadRelay-Kind': m.kind },
      })).response;
    } catch (e) {
      const f = classifySendError(e);
      const code = (e as { code?: unknown }).code;
      const reason = `${typeof code === 'string' ? code : 'error'}: ${(e as Error).message ?? String(e)}`.slice(0, 300);
      const last = m.attempts >= cfg.maxAttempts;
      if (f.kind === 'unknown') {
        if (last) {
          await store.mail.fail(m.id, reason, 'uncertain');
          sum.uncertain++;
        } else {
          await store.mail.resendLater(m.id, new Date(now().getTime() + backoff(m.attempts)), reason);
          sum.resent++;
        }
      } else if (f.permanent || last) {
        await store.mail.fail(m.id, reason, 'failed');
        sum.failed++;
      } else {
        await store.mail.retryLater(m.id, new Date(now().getTime() + backoff(m.attempts)), reason);
        sum.retried++;
      }
      logger.warn('mail not sent', { mailId: m.id, kind: m.kind, outcome: f.kind === 'unknown' ? 'unknown' : 'refused', error: reason });
      continue;
    }
    // The 250 is committed at once. A process dying between the two is one of the two ways to a second delivery
    // of this Message-ID; the other is a connection that breaks after the final "." before the 250 arrives.
    await store.mail.markSent(m.id, response, now());
    sum.sent++;
  }
  if (cfg.keepBodiesDays > 0) await store.mail.purgeSentBodies(new Date(now().getTime() - cfg.keepBodiesDays * 1440 * MINUTE));
  return sum;
}
