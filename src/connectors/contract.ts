// The one contract every CRM adapter implements (faros "one shape per connector", Nango syncs).
// Nothing outside src/connectors/<crm>/ knows which CRM is in use; services only see canonical records.
import type { CrmKind, LeadData } from '../domain/lead.ts';
import type { PartnerData } from '../domain/partner.ts';
import type { Cursor, QuarantineReason } from '../domain/ports.ts';
import type { WriteBack } from '../domain/write-back.ts';

/** One CRM record after the mapping: a canonical lead, a deletion/merge, or a quarantined failure. */
export type PulledLead =
  | {
      readonly kind: 'lead';
      readonly externalId: string;
      readonly stamp: string;
      readonly data: LeadData;
      readonly converted: boolean;
      readonly opportunityId: string | null;
    }
  | { readonly kind: 'deleted'; readonly externalId: string; readonly stamp: string; readonly mergedInto: string | null }
  | { readonly kind: 'quarantined'; readonly externalId: string; readonly stamp: string; readonly reason: QuarantineReason; readonly raw: unknown };

export type PulledPartner =
  | { readonly kind: 'partner'; readonly externalId: string; readonly data: PartnerData }
  | { readonly kind: 'user'; readonly externalId: string; readonly partnerExternalId: string; readonly email: string; readonly name: string | null }
  | { readonly kind: 'quarantined'; readonly externalId: string; readonly reason: QuarantineReason; readonly raw: unknown };

/** A page is checkpointed by the caller right after it is stored: a crash resumes from `cursor`. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor: Cursor;
}

export interface PullOptions {
  readonly signal: AbortSignal;
  /** Where the last run stopped; null = full initial load. */
  readonly from: Cursor | null;
}

export type WriteOutcome =
  | { readonly status: 'ok'; readonly crmId: string | null }
  /** Will succeed later (lock, throttle, outage): retry with backoff. */
  | { readonly status: 'retry'; readonly code: string; readonly message: string; readonly retryAfterMs: number | null }
  /** Will never succeed as it is (validation, unknown field, bad picklist value): quarantine. */
  | { readonly status: 'failed'; readonly reason: QuarantineReason }
  /** The CRM record is gone or converted: nothing to write any more; the lead must learn it. */
  | { readonly status: 'gone'; readonly code: string; readonly message: string; readonly convertedOpportunityId?: string | null };

export interface ApiUsage {
  /** Calls this process made, by stage (pull-leads, pull-partners, write-lead, write-opportunity, describe, auth...). */
  readonly callsByStage: Readonly<Record<string, number>>;
  /** Calls by the class of answer: '2xx', '4xx', '429', '5xx', 'network'. */
  readonly callsByOutcome?: Readonly<Record<string, number>>;
  readonly total: number;
  /** Last quota figure the CRM reported (Sforce-Limit-Info, X-HubSpot-RateLimit-Daily-*). */
  readonly quota: { readonly used: number; readonly limit: number; readonly at: string } | null;
  /** Set when the CRM said the daily quota is gone; work pauses until then. */
  readonly pausedUntil: string | null;
}

export interface MappingCheckIssue {
  readonly file: string;
  readonly line: number | null;
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

export interface SetupChange {
  readonly object: string;
  readonly field: string;
  readonly action: 'create-field' | 'add-picklist-values' | 'create-pipeline' | 'add-stage' | 'create-group';
  readonly detail: string;
}

export interface SetupReport {
  readonly planned: readonly SetupChange[];
  readonly applied: readonly SetupChange[];
  readonly errors: readonly string[];
}

/**
 * Records a near-real-time source says changed (a change event, a webhook): re-read them by id, or — when the source
 * lost track (gap overflow, replay position gone) — run a polling catch-up. `checkpoint` is the source's position to
 * persist once these are ingested (a replay id); null when there is nothing to persist.
 */
export interface ChangeBatch {
  readonly ids: readonly string[];
  readonly catchUp: boolean;
  readonly checkpoint: string | null;
  readonly reason: string;
}

export interface ChangeStream {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** The persisted checkpoint to resume after; null = only changes from now on (the pull covers the past). */
  readonly from: string | null;
  /** The CRM's channel name (Salesforce: `/data/LeadChangeEvent`). */
  readonly channel: string;
  /** Called in order; the returned promise resolves once the batch is ingested (the stream then resumes from it). */
  readonly onChange: (batch: ChangeBatch) => Promise<void>;
  readonly signal: AbortSignal;
}

export interface CrmConnector {
  readonly crm: CrmKind;
  /** Records per write call (Salesforce sObject Collections 200, HubSpot batch 100): the outbox flushes this many at a time. */
  readonly writeBatchSize: number;
  /** Connect and authenticate (and persist a rotated refresh token through the injected token store). */
  connect(signal: AbortSignal): Promise<void>;
  /** MQL leads changed since `from`, oldest first, deletions and merges included, page by page. */
  pullLeads(opts: PullOptions): AsyncGenerator<Page<PulledLead>>;
  /** Partner organisations and their users, page by page. */
  pullPartners(opts: PullOptions): AsyncGenerator<Page<PulledPartner>>;
  /**
   * Apply write-backs in as few calls as the CRM allows (Salesforce collections of 200, HubSpot batches of 100).
   * Returns one outcome per input, in order. Throws only when nothing could be sent at all (auth, outage after
   * retries, quota gone): the caller keeps everything pending.
   */
  write(batch: readonly WriteBack[], signal: AbortSignal): Promise<WriteOutcome[]>;
  /**
   * For write-backs a crashed flush sent without learning the outcome: does the CRM already show exactly this
   * snapshot? One read per batch; `false` when unsure (the snapshot is then sent again, which is harmless).
   */
  verify(batch: readonly WriteBack[], signal: AbortSignal): Promise<boolean[]>;
  /** Compare the mapping with the CRM's schema (describe / properties). */
  checkMapping(signal: AbortSignal): Promise<MappingCheckIssue[]>;
  /** Create missing fields, picklist values, pipelines; `plan` only reports. */
  setup(opts: { plan: boolean; signal: AbortSignal; exportDir?: string }): Promise<SetupReport>;
  usage(): ApiUsage;
  close(): Promise<void>;
  /** Current state of these leads by CRM id, mapped like the pull (gone ones as `deleted`, non-MQL ones left out). */
  readLeads?(ids: readonly string[], signal: AbortSignal): Promise<PulledLead[]>;
  /** Push-style change notifications the connector subscribes to itself (Salesforce CDC); absent for webhook CRMs. */
  subscribeLeadChanges?(opts: SubscribeOptions): Promise<ChangeStream>;
}
