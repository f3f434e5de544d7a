// The mail sender: claims due mails from the outbox and hands them to SMTP, at most once each (the protocol is
// described in domain/mail.ts). Runs after commits (the web layer kicks it) and on a timer.
import { createHash } from 'node:crypto';
import type { Store } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { MailConfig } from './config-schema.ts';
import type { MailTransport } from './transport.ts';
import { classifySendError } from './transport.ts';

export interface SendSummary { sent: number; retried: number; failed: number; uncertain: number }

const MINUTE = 60_000;

/** A stable Message-ID per outbox row: a resend by hand can be recognised by the receiving side. */
export function messageIdFor(id: number, dedupeKey: string, publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'leadrelay.invalid';
  return `<lr.${id}.${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 16)}@${host}>`;
}

export async function sendDueMails(
  store: Store, transport: MailTransport, cfg: MailConfig, publicUrl: string, now: () => Date, logger: Logger, signal?: AbortSignal,
): Promise<SendSummary> {
  const sum: SendSummary = { sent: 0, retried: 0, failed: 0, uncertain: 0 };
  // A row still `sending` long after its claim belongs to a sender that died mid-exchange.
  const lease = (cfg.smtp.timeoutSeconds * 3 + 60) * 1000;
  sum.uncertain += await store.mail.markStaleUncertain(new Date(now().getTime() - lease));
  const batch = await store.mail.claimDue(now(), cfg.batchSize);
  for (const m of batch) {
    if (signal?.aborted === true) {
      // Claimed but not attempted: hand it back untouched.
      await store.mail.retryLater(m.id, now(), 'not attempted: the sender was stopping');
      continue;
    }
    try {
      const info = await transport.send({
        from: cfg.from, ...(cfg.replyTo === null ? {} : { replyTo: cfg.replyTo }), to: m.to, subject: m.subject, html: m.html, text: m.text,
        ...(m.attachments === undefined ? {} : { attachments: m.attachments }),
        messageId: messageIdFor(m.id, m.dedupeKey, publicUrl),
        // Auto-Submitted keeps out-of-office replies away (RFC 3834).
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'OOF, AutoReply', 'X-LeadRelay-Kind': m.kind },
      });
      await store.mail.markSent(m.id, info.messageId, now());
      sum.sent++;
    } catch (e) {
      const f = classifySendError(e);
      const code = (e as { code?: unknown }).code;
      const reason = `${typeof code === 'string' ? code : 'error'}: ${(e as Error).message ?? String(e)}`.slice(0, 300);
      if (f.kind === 'unknown') {
        await store.mail.fail(m.id, reason, 'uncertain');
        sum.uncertain++;
      } else if (f.permanent || m.attempts >= cfg.maxAttempts) {
        await store.mail.fail(m.id, reason, 'failed');
        sum.failed++;
      } else {
        await store.mail.retryLater(m.id, new Date(now().getTime() + Math.min(60, 2 ** (m.attempts - 1)) * MINUTE), reason);
        sum.retried++;
      }
      logger.warn('mail not sent', { mailId: m.id, kind: m.kind, outcome: f.kind === 'unknown' ? 'uncertain' : 'refused', error: reason });
    }
  }
  if (cfg.keepBodiesDays > 0) await store.mail.purgeSentBodies(new Date(now().getTime() - cfg.keepBodiesDays * 1440 * MINUTE));
  return sum;
}
