// The mail outbox (glossary: outbox): mails are rows written in the same transaction as the change that causes
// them and sent by a job after the commit. Each row has a dedupe key, so planning the same event twice (the
// web request that caused it, then the background planner) queues one mail.
//
// Sending is at most once: a row is claimed (`sending`) before the SMTP call and marked `sent` with the
// server's message id after it. A crash in between leaves the row `sending`; it is never retried on its own but
// turned `uncertain` (the mail may have gone out), because a duplicate feedback request is worse than asking a
// person to look. Errors that prove the message was not accepted (refused before or at DATA) are retried.
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
  readonly messageId: string | null;
  readonly lastError: string | null;
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
  /** Pending mails due now, oldest first, turned `sending` (attempts + 1) in one statement per mail. */
  claimDue(now: Date, limit: number): Promise<StoredMail[]>;
  markSent(id: number, messageId: string, at: Date): Promise<void>;
  /** Back to pending for a retry (the server refused it, so nothing was delivered). */
  retryLater(id: number, next: Date, error: string): Promise<void>;
  /** Give up: `failed` (refused for good) or `uncertain` (maybe delivered; never resent). */
  fail(id: number, error: string, status: 'failed' | 'uncertain'): Promise<void>;
  /** `sending` rows claimed before `claimedBefore`: a crash mid-send. They become `uncertain`, never resent. */
  markStaleUncertain(claimedBefore: Date): Promise<number>;
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
