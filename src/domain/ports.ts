// Ports: what the services need from the outside world. The store (src/store) implements them for SQLite now
// and PostgreSQL later (scale-out issue); one contract test suite runs against every implementation.
// All methods are async so a networked database fits the same shape.
import type { ReportRepository } from './report-data.ts';
import type { Feedback, LeadEvent, Offer, OfferStatus } from './offer.ts';
import type { CrmKind, Lead, LeadData, LeadStatus } from './lead.ts';
import type { Partner, PartnerData, PartnerStats, User } from './partner.ts';
import type { WriteBack } from './write-back.ts';
import type { AwayPeriod } from './availability.ts';
import type { StoredPlan } from './opportunity-plan.ts';
import type { PointsBalance, PointsEntry } from './points.ts';
import type { IdentityRepository } from './identity.ts';
import type { MailRepository } from './mail.ts';
import type { ViewRepository } from './views.ts';

export interface Clock { now(): Date }
export interface IdGenerator { next(): string }

// ---------- leads ----------
export interface IncomingLead {
  readonly crm: CrmKind;
  readonly externalId: string;
  readonly data: LeadData;
  readonly contentHash: string;
  readonly crmStamp: string;
  readonly crmConverted: boolean;
  readonly crmOpportunityId: string | null;
}

export type UpsertOutcome =
  | { readonly kind: 'created'; readonly lead: Lead }
  | { readonly kind: 'changed'; readonly lead: Lead; readonly previous: Lead }
  | { readonly kind: 'unchanged'; readonly lead: Lead };

export interface LeadQuery {
  readonly status?: readonly LeadStatus[];
  readonly partnerId?: string;
  readonly partnerIds?: readonly string[];
  readonly feedbackDueBefore?: Date;
  readonly limit?: number;
  readonly offset?: number;
}

export interface LeadRepository {
  get(id: string): Promise<Lead | null>;
  getByExternalId(crm: CrmKind, externalId: string): Promise<Lead | null>;
  /**
   * Insert new leads and update changed ones (by content hash) in one go; unchanged ones only get their
   * crmStamp refreshed. New leads start as status `new`, version 1.
   */
  upsertIncoming(batch: readonly IncomingLead[], now: Date, newId: () => string): Promise<UpsertOutcome[]>;
  /** Optimistic write: fails (returns false) when the stored version is not `lead.version - 1`. */
  save(lead: Lead): Promise<boolean>;
  list(q: LeadQuery): Promise<Lead[]>;
  countByStatus(): Promise<Record<string, number>>;
  /** Remember a lead's identity keys (hashed by the caller) for duplicate detection. Idempotent. */
  indexKeys(leadId: string, keys: readonly string[], receivedAt: Date): Promise<void>;
  /** Leads received at or after `since` that share any of these keys, most recent first. */
  findByKeys(keys: readonly string[], since: Date): Promise<Lead[]>;
}

// ---------- partners and users ----------
export interface IncomingPartner {
  readonly crm: CrmKind | 'local';
  readonly externalId: string;
  readonly data: PartnerData;
  readonly contentHash: string;
}

export interface PartnerRepository {
  get(id: string): Promise<Partner | null>;
  getByExternalId(externalId: string): Promise<Partner | null>;
  /** Upsert by (crm, externalId); resolves parentId from data.parentExternalId once all are stored. */
  upsertMany(batch: readonly IncomingPartner[], now: Date, newId: () => string): Promise<{ created: number; changed: number; unchanged: number }>;
  listActive(): Promise<Partner[]>;
  list(): Promise<Partner[]>;
  /** Direct children and all descendants (distributor → resellers). */
  descendants(id: string): Promise<Partner[]>;
  stats(partnerIds: readonly string[] | 'all', now: Date, recentWindowDays: number): Promise<Map<string, PartnerStats>>;
}

export interface UserRepository {
  get(id: string): Promise<User | null>;
  getByEmail(email: string): Promise<User | null>;
  upsert(user: User): Promise<void>;
  listByOrg(orgId: string): Promise<User[]>;
}

// ---------- offers, feedback, history ----------
export interface NewOffer {
  readonly leadId: string;
  readonly partnerId: string;
  readonly wave: number;
  readonly score: number;
  readonly rank: number;
  readonly offeredAt: Date;
  readonly expiresAt: Date;
  /** The match explanation for this candidate (criterion → contribution), stored for `explain`. */
  readonly explanation: Readonly<Record<string, unknown>>;
}

export interface OfferRepository {
  /** Creates offers; an existing (leadId, partnerId) pair is left as it is (idempotent re-run). Returns created ones. */
  createMany(offers: readonly NewOffer[], newId: () => string): Promise<Offer[]>;
  listByLead(leadId: string): Promise<Offer[]>;
  /** Open offers visible to these partners (pick list), newest first. */
  listOpenForPartners(partnerIds: readonly string[], limit: number): Promise<Offer[]>;
  get(id: string): Promise<Offer | null>;
  /** Close every open offer of a lead: `winnerPartnerId`'s becomes `reserved`, the rest `closeAs`. */
  closeForLead(leadId: string, closeAs: Exclude<OfferStatus, 'open' | 'reserved'>, now: Date, winnerPartnerId?: string): Promise<number>;
  decline(leadId: string, partnerId: string, reason: string, now: Date): Promise<boolean>;
  /** Open offers whose deadline has passed. */
  listExpiring(now: Date, limit: number): Promise<Offer[]>;
  explanation(offerId: string): Promise<Readonly<Record<string, unknown>> | null>;
  /** Offers by status (metrics, reports). */
  countByStatus(): Promise<Record<string, number>>;
}

export interface FeedbackRepository {
  add(f: Feedback): Promise<void>;
  listByLead(leadId: string): Promise<Feedback[]>;
  last(leadId: string): Promise<Feedback | null>;
}

export interface EventRepository {
  append(events: readonly LeadEvent[]): Promise<void>;
  listByLead(leadId: string): Promise<LeadEvent[]>;
}

// ---------- sync: outbox, quarantine, cursors, runs ----------
export interface OutboxItem {
  readonly id: number;
  readonly key: string;
  readonly writeBack: WriteBack;
  /** Bumped whenever a newer snapshot is coalesced into this pending item. */
  readonly revision: number;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  /** The revision a flush sent without learning the outcome; equal to `revision` = maybe already applied. */
  readonly sentRevision: number | null;
}

export interface OutboxRepository {
  /** Coalesce: replaces the pending item with the same key (bumping its revision) or inserts a new one. */
  enqueue(items: readonly WriteBack[], now: Date): Promise<void>;
  /** Pending items due now, oldest first. */
  due(now: Date, limit: number, targets?: readonly WriteBack['target'][]): Promise<OutboxItem[]>;
  /** Record, before the CRM call, which revision is being sent (so a crash leaves a trace of it). */
  markSent(sent: ReadonlyArray<{ id: number; revision: number }>): Promise<void>;
  /** Mark done only if the revision is still the one sent (a newer snapshot stays pending). */
  complete(done: ReadonlyArray<{ id: number; revision: number }>, now: Date): Promise<number>;
  /** Schedule a retry with the error recorded (codes and messages only). */
  retryLater(id: number, revision: number, nextAttemptAt: Date, error: string): Promise<void>;
  /** Move to quarantine (kept until retried or dropped). */
  quarantine(id: number, revision: number, reason: QuarantineReason, now: Date): Promise<void>;
  backlog(): Promise<{ pending: number; oldest: Date | null; quarantined: number }>;
  /** Put quarantined write-backs back in the queue (after a mapping fix). */
  requeueQuarantined(ids: readonly number[] | 'all', now: Date): Promise<number>;
}

export interface QuarantineReason {
  readonly code: string;
  readonly message: string;
  /** The mapping file and line that produced the failing value, when known. */
  readonly source?: string;
  readonly fields?: readonly string[];
}

export interface QuarantinedRecord {
  readonly id: number;
  readonly kind: 'record' | 'write-back';
  readonly crm: CrmKind;
  readonly object: string;
  readonly externalId: string;
  readonly reason: QuarantineReason;
  readonly payload: unknown;
  readonly createdAt: Date;
  readonly attempts: number;
}

export interface QuarantineRepository {
  /** Records that failed the mapping: one row per (crm, object, externalId), replaced on a later failure. */
  putRecord(r: Omit<QuarantinedRecord, 'id' | 'kind' | 'createdAt' | 'attempts'>, now: Date): Promise<void>;
  /** A later good version of the record lifts its quarantine. */
  release(crm: CrmKind, object: string, externalIds: readonly string[]): Promise<number>;
  list(kind?: 'record' | 'write-back', limit?: number): Promise<QuarantinedRecord[]>;
  drop(ids: readonly number[]): Promise<number>;
  count(): Promise<{ record: number; writeBack: number }>;
}

export interface Cursor {
  /** Last fully read change stamp (ISO, CRM precision) and the id of the last record at that stamp. */
  readonly stamp: string;
  readonly lastId: string | null;
}

export interface CursorRepository {
  get(crm: CrmKind, object: string): Promise<Cursor | null>;
  set(crm: CrmKind, object: string, cursor: Cursor, now: Date): Promise<void>;
  list(): Promise<Array<{ crm: CrmKind; object: string; cursor: Cursor; updatedAt: Date }>>;
}

export interface RunRepository {
  start(kind: string, now: Date): Promise<number>;
  finish(id: number, now: Date, summary: Readonly<Record<string, unknown>>, ok: boolean): Promise<void>;
  last(kind: string, limit: number): Promise<Array<{ id: number; kind: string; startedAt: Date; finishedAt: Date | null; ok: boolean | null; summary: Record<string, unknown> }>>;
}

/** Small durable settings: rotated refresh tokens, API usage snapshots. */
export interface KeyValueRepository {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, now: Date): Promise<void>;
}

// ---------- marketplace: deadline notices, away periods, points, opportunity plans ----------
export const noticeKinds = ['reminder', 'overdue', 'revoked'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** Something `tick` did about one feedback deadline of one lead; recorded at most once per (lead, dueAt, kind). */
export interface DeadlineNotice {
  readonly leadId: string;
  readonly partnerId: string;
  /** The lead's feedbackDueAt the notice is about (the stored deadline, before away periods are applied). */
  readonly dueAt: Date;
  readonly kind: NoticeKind;
  readonly at: Date;
}

export interface NoticeRepository {
  /** Insert unless (leadId, dueAt, kind) is there; true when recorded now. The idempotency of `tick`. */
  record(n: DeadlineNotice): Promise<boolean>;
  has(leadId: string, dueAt: Date, kind: NoticeKind): Promise<boolean>;
  listByLead(leadId: string): Promise<DeadlineNotice[]>;
  /** Partners whose hold on this lead was revoked: a re-offer never goes back to them. */
  revokedPartners(leadId: string): Promise<string[]>;
}

export interface AvailabilityRepository {
  add(p: Omit<AwayPeriod, 'id'>): Promise<AwayPeriod>;
  remove(id: number): Promise<boolean>;
  /** Periods of these partners (or all) that end after `endingAfter`, earliest start first. */
  list(partnerIds: readonly string[] | 'all', endingAfter: Date): Promise<AwayPeriod[]>;
}

export interface PointsRange {
  readonly from?: Date;
  readonly to?: Date;
  readonly partnerId?: string;
}

export interface PointsRepository {
  /** Book entries; one whose key is already booked is skipped. Returns the number booked now. */
  add(entries: readonly PointsEntry[]): Promise<number>;
  /** Sum per partner over [from, to), highest first (ties by partner id). */
  balances(range: PointsRange): Promise<PointsBalance[]>;
  /** Entries over [from, to), oldest first. */
  entries(range: PointsRange): Promise<PointsEntry[]>;
}

export interface PlanRepository {
  get(leadId: string): Promise<StoredPlan | null>;
  /** Optimistic like leads.save: writes when the stored version is `plan.version - 1` (0 = none yet). */
  put(plan: StoredPlan): Promise<boolean>;
}

// ---------- several instances: job leases and shared rate-limit counters (issue #9) ----------
/** One held lease: `token` grows by one on every acquisition of the job, so a stale holder can be fenced off. */
export interface JobLease {
  readonly job: string;
  readonly holder: string;
  readonly token: number;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

export interface LeaseRepository {
  /**
   * Take the job's lease for `ttlMs` from `now` if nobody holds it or it expired (one conditional INSERT … ON
   * CONFLICT DO UPDATE … WHERE). Returns the lease with a new token, or null while it is held (by anyone, this
   * holder included: a lease is a mutex).
   */
  acquire(job: string, holder: string, now: Date, ttlMs: number): Promise<JobLease | null>;
  /** Extend our lease (same holder and token) to now + ttlMs; false when it was taken over (lost leadership). */
  renew(job: string, holder: string, token: number, now: Date, ttlMs: number): Promise<boolean>;
  /** Let the lease go at `now` (it expires at once); the token is kept so the next one is larger. False if not ours. */
  release(job: string, holder: string, token: number, now: Date): Promise<boolean>;
  /** Every job's last lease (held or expired), for status and probes. */
  list(): Promise<JobLease[]>;
}

export interface RateLimitRepository {
  /**
   * Count one hit on `bucket` in the fixed window of `windowMs` that holds `now` (windows start at multiples of
   * windowMs since the epoch) and return the count so far, this hit included. One atomic upsert: every instance
   * sharing the database counts into the same row.
   */
  hit(bucket: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: Date }>;
  /** Delete windows that ended before `before`. */
  purge(before: Date): Promise<number>;
}

// ---------- near-real-time ingestion: the webhook inbox ----------
export interface InboxEvent {
  readonly eventId: string;
  readonly objectId: string;
  /** The CRM's event type (contact.propertyChange, contact.deletion ...). */
  readonly kind: string;
  readonly occurredAt: Date;
}

export interface WebhookInboxRepository {
  /** Store events not seen before (by crm + eventId); returns those that were new. */
  accept(crm: CrmKind, events: readonly InboxEvent[], now: Date): Promise<InboxEvent[]>;
  /** Unprocessed events, oldest first. */
  pending(crm: CrmKind, limit: number): Promise<InboxEvent[]>;
  markProcessed(crm: CrmKind, eventIds: readonly string[], now: Date): Promise<void>;
  /** Delete processed events received before `before` (their ids no longer need deduplicating). */
  purge(before: Date): Promise<number>;
}

export interface Store {
  readonly leads: LeadRepository;
  readonly partners: PartnerRepository;
  readonly users: UserRepository;
  readonly offers: OfferRepository;
  readonly feedback: FeedbackRepository;
  readonly events: EventRepository;
  readonly outbox: OutboxRepository;
  readonly quarantine: QuarantineRepository;
  readonly cursors: CursorRepository;
  readonly runs: RunRepository;
  readonly kv: KeyValueRepository;
  readonly notices: NoticeRepository;
  readonly availability: AvailabilityRepository;
  readonly points: PointsRepository;
  readonly plans: PlanRepository;
  /** Web client: sessions, tokens, links, portfolios, preferences (src/web). */
  readonly identity: IdentityRepository;
  /** The mail outbox and digest items (src/notify). */
  readonly mail: MailRepository;
  /** Slice-restricted read models for pages and the API (src/web). */
  readonly views: ViewRepository;
  /** The facts KPI reports are computed from (src/reports). */
  readonly reports: ReportRepository;
  /** Job leases: which instance runs which scheduled job (src/scheduler). */
  readonly leases: LeaseRepository;
  /** Fixed-window counters shared by every web instance (src/web rate limits). */
  readonly rateLimits: RateLimitRepository;
  /** Webhook events received and not yet (or already) ingested (src/sync/realtime-inbox.ts). */
  readonly inbox: WebhookInboxRepository;
  /**
   * Run `fn` in one database transaction: every repository on `tx` writes inside it, and it commits only when
   * `fn` resolves. It behaves as if no other transaction interleaved (SQLite: BEGIN IMMEDIATE; PostgreSQL:
   * SERIALIZABLE).
   *
   * A transaction callback may run more than once: PostgreSQL aborts a transaction that conflicts with a
   * concurrent one (40001/40P01) and the store runs `fn` again from the start on a fresh transaction. So `fn`
   * does store work only and returns what happened; the caller applies it after the promise resolves. No effect
   * inside `fn` may outlive a rollback: no counters, maps or arrays declared outside it, no metrics, no logs that
   * claim success, no mails or CRM/HTTP calls (the outboxes exist for those).
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
