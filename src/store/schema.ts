// Table shapes as kysely sees them. These are the *raw* column types (what the driver returns); rows are turned
// into domain objects by the zod codecs in rows.ts, never cast.
//
// Portable storage choices, so a PostgreSQL adapter can reuse the repositories unchanged:
// - timestamps are ISO-8601 UTC text with milliseconds (`Date#toISOString()`): sortable as text, exact round trip;
// - booleans are integers 0/1 (better-sqlite3 cannot bind JS booleans; PG `smallint` behaves the same);
// - JSON is TEXT, parsed with zod on read (no JSON1 / jsonb functions in queries).
import type { Generated } from 'kysely';
import type { ClusterTables } from './cluster-schema.ts';
import type { WebTables } from './web-schema.ts';

type Iso = string;
type Flag = number;
type JsonText = string;

export interface LeadsTable {
  id: string;
  crm: string;
  external_id: string;
  status: string;
  status_changed_at: Iso;
  temperature: string;
  data: JsonText;
  content_hash: string;
  qualification: JsonText | null;
  wave: number;
  partner_id: string | null;
  reserved_at: Iso | null;
  reserved_by_user_id: string | null;
  feedback_due_at: Iso | null;
  last_feedback_at: Iso | null;
  crm_stamp: string;
  crm_converted: Flag;
  crm_opportunity_id: string | null;
  received_at: Iso;
  updated_at: Iso;
  version: number;
}

export interface PartnersTable {
  id: string;
  crm: string;
  external_id: string;
  /** Copied out of data so parent resolution is plain SQL (no JSON functions). */
  parent_external_id: string | null;
  parent_id: string | null;
  kind: string;
  data: JsonText;
  content_hash: string;
  active: Flag;
  level: string | null;
  created_at: Iso;
  updated_at: Iso;
}

export interface UsersTable {
  id: string;
  email: string;
  /** Lower-cased email: sign-in looks users up case-insensitively without dialect functions. */
  email_key: string;
  name: string | null;
  org_id: string;
  roles: JsonText;
  active: Flag;
  external_id: string | null;
}

export interface OffersTable {
  id: string;
  lead_id: string;
  partner_id: string;
  wave: number;
  status: string;
  score: number;
  rank: number;
  offered_at: Iso;
  expires_at: Iso;
  closed_at: Iso | null;
  decline_reason: string | null;
  explanation: JsonText;
}

export interface FeedbackTable {
  /** Insertion order: `last()` must be exact even when two reports share a millisecond. */
  seq: Generated<number>;
  id: string;
  lead_id: string;
  partner_id: string;
  user_id: string | null;
  status: string;
  amount: number | null;
  close_date: string | null;
  lost_reason: string | null;
  comment: string | null;
  at: Iso;
}

export interface LeadEventsTable {
  id: Generated<number>;
  lead_id: string;
  at: Iso;
  type: string;
  actor: string;
  partner_id: string | null;
  data: JsonText;
}

export interface OutboxTable {
  id: Generated<number>;
  key: string;
  target: string;
  payload: JsonText;
  revision: number;
  status: 'pending' | 'done' | 'quarantined';
  attempts: number;
  next_attempt_at: Iso;
  last_error: string | null;
  quarantine_reason: JsonText | null;
  sent_revision: number | null;
  created_at: Iso;
  updated_at: Iso;
}

export interface QuarantineTable {
  id: Generated<number>;
  kind: 'record' | 'write-back';
  crm: string;
  object: string;
  external_id: string;
  /** For kind 'write-back': the quarantined outbox row (deleted with it). */
  outbox_id: number | null;
  reason: JsonText;
  payload: JsonText;
  attempts: number;
  created_at: Iso;
  updated_at: Iso;
}

export interface SyncCursorsTable {
  crm: string;
  object: string;
  stamp: string;
  last_id: string | null;
  updated_at: Iso;
}

export interface RunsTable {
  id: Generated<number>;
  kind: string;
  started_at: Iso;
  finished_at: Iso | null;
  ok: Flag | null;
  summary: JsonText;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: Iso;
}

export interface LeadKeysTable {
  key: string;
  lead_id: string;
  received_at: Iso;
}

// ---- marketplace (migration 0004)

export interface DeadlineNoticesTable {
  lead_id: string;
  due_at: Iso;
  kind: string;
  partner_id: string;
  at: Iso;
}

export interface PartnerAwayTable {
  id: Generated<number>;
  partner_id: string;
  from_at: Iso;
  to_at: Iso;
  reason: string | null;
  created_at: Iso;
  created_by: string;
}

export interface PointsLedgerTable {
  id: Generated<number>;
  key: string;
  partner_id: string;
  lead_id: string | null;
  rule: string;
  points: number;
  at: Iso;
}

export interface OpportunityPlansTable {
  lead_id: string;
  plan: JsonText;
  version: number;
  updated_at: Iso;
  updated_by: string;
}

export interface WebhookInboxTable {
  crm: string;
  event_id: string;
  object_id: string;
  kind: string;
  occurred_at: Iso;
  received_at: Iso;
  processed_at: Iso | null;
}

export interface Database extends WebTables, ClusterTables {
  leads: LeadsTable;
  lead_keys: LeadKeysTable;
  partners: PartnersTable;
  users: UsersTable;
  offers: OffersTable;
  feedback: FeedbackTable;
  lead_events: LeadEventsTable;
  outbox: OutboxTable;
  quarantine: QuarantineTable;
  sync_cursors: SyncCursorsTable;
  runs: RunsTable;
  kv: KvTable;
  deadline_notices: DeadlineNoticesTable;
  partner_away: PartnerAwayTable;
  points_ledger: PointsLedgerTable;
  opportunity_plans: OpportunityPlansTable;
  webhook_inbox: WebhookInboxTable;
}
