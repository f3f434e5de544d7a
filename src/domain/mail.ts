// The mail outbox (glossary: outbox): mails are rows written in the same transaction as the change that causes
// them and sent by a job after the commit. Each row has a dedupe key, so planning the same event twice (the
// web request that caused it, then the background planner) queues one mail.
//
// Sending: no mail is lost, and a notification never reaches its recipient as two different messages.
// - The Message-ID is fixed when a mail is first claimed (`sending`, committed before the SMTP exchange) and
//   every later attempt reuses it: retries and resends are the same message (RFC 5322 3.6.4), which mail
//   clients and Gmail show once.
// - The server's 250 reply is committed (`sent`) the moment it arrives.
// - A refusal (a 4xx/5xx reply, or no connection) is retried with backoff; the server has nothing, so no copy.
// - An unknown outcome is resent with the same Message-ID (`resends` + 1): a sender that died mid-exchange
//   (its `sending` claim outlived `mail.leaseSeconds`) or a connection that broke during or after DATA.
//   A second delivery of that Message-ID happens only when the final "." of DATA had reached the server and
//   the sender stopped before committing its 250 (RFC 1047: the server's processing time plus the commit);
//   a message cut off before its final "." is discarded by the server (RFC 5321 4.1.1.4). With two senders on
//   one database (serve and daemon), also a send still running after the lease (> 3 × the SMTP timeout).
// - After `mail.maxAttempts` attempts a mail is `failed` (refused) or `uncertain` (outcome unknown: maybe
//   delivered, kept for a person to check).
import type { LeadEvent } from './offer.ts';
import type { DeadlineNotice } from './ports.ts';

export const mailKinds = [
  'magic_link', 'offer', 'digest', 'reserved', 'feedback_request', 'reminder', 'blocked', 'revoked', 'escalated', 'report',
] as const;
export type MailKind = (typeof mailKinds)[number];

export const mailStatuses = ['pending', 'sending', 'sent', 'failed', 'uncertain'] as const;
export type MailStatus = (typeof mailStatuses)[number];

/** A text attachment (the report's CSV); kept small: it is stored with the mail until sent. */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

export interface OutgoingMail {
  readonly dedupeKey: string;
  readonly kind: MailKind;
  readonly userId: string | null;
  readonly leadId: string | null;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly createdAt: Date;
  /** Not before this instant (quiet hours). */
  readonly notBefore: Date;
  /** Report mails only (the CSV); absent for every other kind. */
  readonly attachments?: readonly MailAttachment[];
}

export interface StoredMail extends OutgoingMail {
  readonly id: number;
  readonly status: MailStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly sentAt: Date | null;
  /** Fixed at the first claim; every attempt sends this Message-ID. */
  readonly messageId: string | null;
  readonly lastError: string | null;
  /** Times the mail was sent again after an unknown outcome (each a possible second delivery of messageId). */
  readonly resends: number;
  /** The server's reply to the final "." (250 … queued as …), once sent. */
  readonly smtpResponse: string | null;
}

export interface DigestItem {
  readonly userId: string;
  readonly leadId: string;
  readonly offerId: string;
  readonly createdAt: Date;
}

export interface MailRepository {
  /** Insert unless the dedupe key exists; returns how many were queued now. */
  enqueue(mails: readonly OutgoingMail[]): Promise<number>;
  /**
   * Pending mails due now, oldest first, turned `sending` (attempts + 1) in one statement; a mail claimed for
   * the first time gets its Message-ID from `messageIdOf` in the same transaction.
   */
  claimDue(now: Date, limit: number, messageIdOf: (m: StoredMail) => string): Promise<StoredMail[]>;
  /** The server accepted the message: `response` is its 250 reply. */
  markSent(id: number, response: string, at: Date): Promise<void>;
  /** Back to pending for a retry (the server refused it, so nothing was delivered). */
  retryLater(id: number, next: Date, error: string): Promise<void>;
  /** Back to pending after an unknown outcome (maybe delivered): resent later with the same Message-ID. */
  resendLater(id: number, next: Date, error: string): Promise<void>;
  /** Give up: `failed` (refused for good) or `uncertain` (maybe delivered; not resent again). */
  fail(id: number, error: string, status: 'failed' | 'uncertain'): Promise<void>;
  /**
   * `sending` rows claimed before `claimedBefore` belong to a sender that died mid-exchange: back to pending
   * (resent with their Message-ID), or `uncertain` once they had `maxAttempts` attempts. Returns both counts.
   */
  reclaimStale(claimedBefore: Date, maxAttempts: number): Promise<{ resend: number; uncertain: number }>;
  counts(): Promise<Record<MailStatus, number>>;
  /** Newest first; for tests, `status` and the admin page. */
  list(filter: { readonly userId?: string; readonly kind?: MailKind; readonly limit?: number }): Promise<StoredMail[]>;
  /** Blank the bodies of mails sent before `before` (they may carry contact data); returns rows purged. */
  purgeSentBodies(before: Date): Promise<number>;

  addDigestItems(items: readonly DigestItem[]): Promise<void>;
  /** Users with untaken digest items, with the oldest item's time. */
  digestBacklog(): Promise<Array<{ userId: string; oldest: Date }>>;
  /** The user's untaken items, marked taken by `mailKey` in the same statement. */
  takeDigestItems(userId: string, mailKey: string): Promise<DigestItem[]>;

  /** The lead history after an event id, oldest first: the planner's input. */
  eventsAfter(afterId: number, limit: number): Promise<Array<{ id: number; event: LeadEvent }>>;
  lastEventId(): Promise<number>;
  /** Overdue and revoked deadline notices recorded at or after `since` (the block notice's input). */
  noticesSince(since: Date, limit: number): Promise<DeadlineNotice[]>;
}
