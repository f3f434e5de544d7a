// Public types of the HubSpot emulator. The HubSpot connector's tests, the contract suite and the demo code against
// these, so keep them stable and additive. The shape mirrors the Salesforce emulator (seed/get/all/update/remove,
// calls() by kind, writeLog(), fault rules, token expiry, clock) so tests treat both alike.
import type { WebhookControl } from './webhooks.ts';

/** The CRM objects the emulator serves (`/crm/v3/objects/{type}`). Singular names and type ids are accepted too. */
export type ObjectType = 'contacts' | 'companies' | 'deals';

/** An object type as the emulator's methods accept it: 'contacts' | 'companies' | 'deals', singular names, or 0-1/0-2/0-3. */
export type ObjectTypeName = string;

/** Property data types as `/crm/v3/properties/{type}` reports them. */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number';

/** How the property is edited in HubSpot (`fieldType`). */
export type FieldType =
  | 'text' | 'textarea' | 'html' | 'phonenumber' | 'number' | 'date' | 'file'
  | 'select' | 'radio' | 'checkbox' | 'booleancheckbox' | 'calculation_equation';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder?: number;
  hidden?: boolean;
  description?: string;
}

export interface PropertyDef {
  name: string;
  label?: string;
  type: PropertyType;
  fieldType: FieldType;
  /** Default 'contactinformation' / 'companyinformation' / 'dealinformation'. */
  groupName?: string;
  description?: string;
  /** Enumeration options; writes outside them are rejected with INVALID_OPTION. */
  options?: PropertyOption[];
  /** Unique values; usable as `idProperty` in batch upsert / reads. At most 10 per object in HubSpot. */
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
  displayOrder?: number;
  /** System maintained (hs_object_id, createdate ...): writes answer READ_ONLY_VALUE. */
  readOnlyValue?: boolean;
  /** Defined by HubSpot (false for properties created through the API). */
  hubspotDefined?: boolean;
  /** The definition (label, options, type) cannot be changed through the API (true for HubSpot-defined properties). */
  readOnlyDefinition?: boolean;
  calculated?: boolean;
  externalOptions?: boolean;
}

export interface PropertyGroupDef {
  name: string;
  label: string;
  displayOrder?: number;
}

export interface PipelineStageDef {
  id: string;
  label: string;
  displayOrder: number;
  /** Deal stages carry `probability` ("0.0".."1.0") and `isClosed` ("true"/"false") as strings, as HubSpot does. */
  metadata: Record<string, string>;
}

export interface PipelineDef {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStageDef[];
}

/** A record in v3 wire format: every property value is a string (or null). */
export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  /** ISO timestamps with milliseconds. */
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

/** Property values accepted by seed/update: strings as on the wire, numbers (dates as epoch ms), booleans, Dates. */
export type SeedValue = string | number | boolean | Date | null;

/**
 * Call kinds for accounting and fault matching. `object` is the single-record CRUD (`/objects/{type}/{id}` and
 * POST `/objects/{type}`), `list` the paged GET, `batchRead|Create|Update|Upsert|Archive` the batch endpoints.
 */
export type CallKind =
  | 'object' | 'list' | 'search' | 'batchRead' | 'batchCreate' | 'batchUpdate' | 'batchUpsert' | 'batchArchive'
  | 'merge' | 'properties' | 'pipelines' | 'associations' | 'other';

/** Fault rules can also target the OAuth token endpoint (`/oauth/v1/token`). */
export type FaultKind = CallKind | 'auth';

export interface CallStats {
  /** Requests that counted against the daily limit (what X-HubSpot-RateLimit-Daily-Remaining reports). */
  total: number;
  byKind: Record<CallKind, number>;
  /** Requests to /oauth/v1/token. */
  auth: number;
  /** API requests answered without being counted: 401s, 429s and outage-style faults. */
  rejected: number;
  /** Of the rejected: 429s from the emulated limits (ten-secondly, secondly search, daily), not injected faults. */
  throttled: number;
}

export type WriteOp = 'create' | 'update' | 'upsert' | 'archive' | 'merge' | 'associate' | 'unassociate';

export interface WriteLogEntry {
  /** ISO timestamp with milliseconds (the emulator clock). */
  at: string;
  op: WriteOp;
  objectType: ObjectType;
  id: string;
  /** Properties as written by the client (wire strings); for merge `{ mergedInto }`, for associations `{ toObjectType, toObjectId, associationTypeId }`. */
  properties: Record<string, string | null>;
  /** Which endpoint: a single-record call or a batch. */
  via: 'single' | 'batch';
  /** For upserts: whether the record was created. */
  created?: boolean;
}

export interface RecordErrorSpec {
  /** Zero-based positions in the request's `inputs` array. */
  index?: number | number[];
  predicate?: (input: Record<string, unknown>, index: number) => boolean;
  /** Default 'VALIDATION_ERROR'. */
  category?: string;
  message: string;
  /** Extra context; `ids` (or `properties`) is filled in from the failing input when omitted. */
  context?: Record<string, string[]>;
}

export interface FaultMatch {
  kind?: FaultKind | FaultKind[];
  method?: string;
  /** Regular expression tested against the request path (without query string); a string is compiled. */
  path?: RegExp | string;
  /** Skip this many matching calls before firing. Default 0. */
  after?: number;
  /** Fire on this many matching calls, then retire. Default 1, or unlimited when `probability` is set. */
  times?: number;
  /** Fire with this probability per matching call, using a PRNG seeded with `seed` (default 1). */
  probability?: number;
  seed?: number;
  /** Override whether the faulted call counts against the daily limit (defaults depend on the action). */
  countsAsApiCall?: boolean;
}

export interface FaultStatusResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is (text/html when it looks like HTML), anything else as JSON. */
  body?: unknown;
}

/** The real 429 body and headers of one of HubSpot's policies (`retryAfterSec` adds a Retry-After header). */
export interface ThrottleSpec {
  policy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';
  retryAfterSec?: number;
}

export type FaultAction =
  | (FaultStatusResponse & { delayMs?: number })
  | { reset: true; delayMs?: number }
  | { delayMs: number }
  | { throttle: ThrottleSpec }
  /** Expires every OAuth access token, then answers this request 401 EXPIRED_AUTHENTICATION. */
  | { expireTokens: true }
  | { recordError: RecordErrorSpec }
  | { afterApply: FaultStatusResponse | { reset: true } };

export type FaultRule = FaultMatch & FaultAction;

export interface FaultInfo {
  id: string;
  rule: FaultRule;
  fired: number;
  active: boolean;
}

export interface FaultControl {
  /** Adds a rule and returns its id. Rules are checked in insertion order; the first that fires wins. */
  add(rule: FaultRule): string;
  remove(id: string): void;
  clear(): void;
  /** How many times faults fired: all rules, or one rule by id. */
  injected(id?: string): number;
  list(): FaultInfo[];
}

export interface RateLimitSnapshot {
  burst: { max: number; remaining: number; intervalMs: number };
  secondly: { max: number; remaining: number };
  daily: { max: number; remaining: number; used: number };
}

export interface HubSpotEmulatorOptions {
  /** 0 = a random free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Hub id reported in token info and error contexts. Default 62515. */
  portalId?: number;
  /** Injectable clock; default real time. Everything time-based (token expiry, rolling windows, lag) uses it. */
  now?: () => Date;
  /** Static private-app tokens (never expire). Default ['pat-na1-leadrelay-emulator']. */
  privateAppTokens?: string[];
  /** OAuth app credentials. Defaults 'leadrelay-hubspot-client' / 'leadrelay-hubspot-secret'. */
  clientId?: string;
  clientSecret?: string;
  /** Refresh tokens valid from the start (as after an install). Default ['leadrelay-refresh-token']. */
  refreshTokens?: string[];
  /** OAuth access token lifetime. Default 1_800_000 (30 minutes). */
  accessTokenTtlMs?: number;
  /** The refresh grant returns a new refresh_token and invalidates the old one. Default false (HubSpot keeps it). */
  rotateRefreshTokens?: boolean;
  /** Requests per rolling burst window. Default 100 (Free/Starter); 190 for Professional/Enterprise. */
  burstLimit?: number;
  /** Default 10_000. */
  burstIntervalMs?: number;
  /** Requests per day. Default 250_000. */
  dailyLimit?: number;
  /** Search requests per second. Default 5. */
  searchPerSecond?: number;
  /** Delay before a write becomes visible to search. Default 2_000 ms. */
  searchLagMs?: number;
  /** Most results one search query can page through. Default 10_000. */
  searchMaxResults?: number;
}

export interface HubSpotEmulator {
  /** Webhook subscriptions of an app: contact events POSTed, signed (v3), retried, optionally shuffled. */
  readonly webhooks: WebhookControl;
  /** e.g. http://127.0.0.1:41234 — pass as `basePath` to `new Client({ accessToken, basePath })`. */
  readonly url: string;
  readonly portalId: number;
  /** The first configured private-app token. */
  readonly token: string;
  close(): Promise<void>;
  /**
   * Inserts records without business rules (unknown properties still throw). Values may be strings, numbers,
   * booleans or Dates; `createdate`, `hs_lastmodifieddate` (and `lastmodifieddate`) may be set explicitly (epoch ms,
   * ISO or Date) and may tie. Seeded records are searchable at once unless `opts.indexed` is false.
   */
  seed(type: ObjectTypeName, records: Array<Record<string, SeedValue>>, opts?: { indexed?: boolean }): string[];
  /** Edits a record as a user would: bumps hs_lastmodifieddate (or sets it when given), subject to search lag. */
  update(type: ObjectTypeName, id: string, properties: Record<string, SeedValue>): void;
  /** Archives a record; `mergedInto` makes it a merge loser (reads of its id then answer the winner). */
  remove(type: ObjectTypeName, id: string, opts?: { mergedInto?: string }): void;
  /** A record in wire format with every set property, archived ones included. */
  get(type: ObjectTypeName, id: string): HubSpotRecord | undefined;
  all(type: ObjectTypeName, opts?: { includeArchived?: boolean }): HubSpotRecord[];
  /** Creates the default association (both directions). */
  associate(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): void;
  /** Ids of the records associated with one record. */
  associations(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): string[];
  addProperty(type: ObjectTypeName, def: PropertyDef): void;
  property(type: ObjectTypeName, name: string): PropertyDef | undefined;
  pipelines(): PipelineDef[];
  calls(): CallStats;
  resetCalls(): void;
  writeLog(): WriteLogEntry[];
  readonly faults: FaultControl;
  /** Every OAuth access token issued so far answers 401 EXPIRED_AUTHENTICATION (private-app tokens are unaffected). */
  expireTokens(): void;
  /** Issues tokens as an app install would (no HTTP, not counted). */
  issueTokens(): { access_token: string; refresh_token: string; expires_in: number };
  /** A one-time code for the authorization_code grant. */
  authorizationCode(redirectUri?: string): string;
  /** Sets the daily usage (and limit), e.g. to exhaust the daily quota. */
  setDailyUsage(used: number, limit?: number): void;
  limits(): RateLimitSnapshot;
  /** Replaces the base clock (advance() offsets stay). */
  setClock(now: () => Date): void;
  /** Moves the emulator clock forward (rolling windows, token expiry and search lag follow). */
  advance(ms: number): void;
  /** The emulator clock, epoch ms. */
  now(): number;
}
