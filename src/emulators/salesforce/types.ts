// Public types of the Salesforce emulator. Other modules (connector tests, the demo) code against these, so keep
// them stable and additive.
import type { CometdOptions, StreamingControl } from './cometd.ts';

/** Field data types as `describe` reports them (DescribeFieldResult.type). */
export type FieldType =
  | 'id' | 'string' | 'email' | 'phone' | 'url' | 'textarea'
  | 'picklist' | 'multipicklist'
  | 'double' | 'currency' | 'percent' | 'int'
  | 'boolean' | 'date' | 'datetime' | 'reference';

export interface PicklistValueDef {
  value: string;
  label?: string;
  active?: boolean;
  defaultValue?: boolean;
  /** Extra attributes of standard value sets (LeadStatus.converted, OpportunityStage.closed/won/probability). */
  converted?: boolean;
  closed?: boolean;
  won?: boolean;
  probability?: number;
  forecastCategory?: string;
}

export interface FieldDef {
  name: string;
  label?: string;
  type: FieldType;
  /** Max characters for text types (string, email, phone, url, textarea, picklist). */
  length?: number;
  /** Total digits / digits right of the decimal point for double, currency, percent, int. */
  precision?: number;
  scale?: number;
  /** false → the field is required on create unless `defaultedOnCreate`. Default true. */
  nillable?: boolean;
  createable?: boolean;
  updateable?: boolean;
  defaultedOnCreate?: boolean;
  custom?: boolean;
  externalId?: boolean;
  unique?: boolean;
  /** Formula / system maintained: never writable. */
  calculated?: boolean;
  picklistValues?: PicklistValueDef[];
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  /** Name of the child relationship seen from the parent (e.g. Contact.AccountId → 'Contacts'). */
  childRelationshipName?: string;
  /** Static default applied on create when the field is omitted (checkbox defaults, picklist default is separate). */
  defaultValue?: string | number | boolean | null;
  /** Number of visible lines (LongTextArea, MultiselectPicklist), kept for the Metadata API round trip. */
  visibleLines?: number;
  /** Name of a standard value set backing this picklist (LeadStatus, OpportunityStage ...). */
  valueSetName?: string;
  description?: string;
  inlineHelpText?: string;
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom?: boolean;
  fields: FieldDef[];
}

export type CallKind =
  | 'query' | 'queryMore' | 'queryAll' | 'sobject' | 'collections' | 'composite'
  | 'describe' | 'metadata' | 'soap' | 'limits' | 'other';

/** Fault rules can also target the OAuth token endpoint. */
export type FaultKind = CallKind | 'auth';

export interface CallStats {
  /** API calls that counted against the daily limit (what Sforce-Limit-Info reports, since the last reset). */
  total: number;
  byKind: Record<CallKind, number>;
  /** Requests to /services/oauth2/token (never counted against the API limit). */
  auth: number;
  /** API requests answered without being counted: 401 session errors, 403 limit errors, outage-style faults. */
  rejected: number;
}

export type WriteOp = 'create' | 'update' | 'upsert' | 'delete' | 'convert';

export interface WriteLogEntry {
  /** ISO timestamp (second precision, like SystemModstamp). */
  at: string;
  op: WriteOp;
  sobject: string;
  id: string;
  /** Fields as written by the client (canonical names, wire values); for convert the Converted* fields. */
  fields: Record<string, unknown>;
  /** For upserts: whether the record was inserted. */
  created?: boolean;
}

export interface ValidationRule {
  name: string;
  message: string;
  /** Fields the error is attached to (error.fields); empty → a top-of-page error. */
  fields?: string[];
  /** Returns true when the record is INVALID (same polarity as a Salesforce validation rule formula). */
  when: (rec: Record<string, unknown>) => boolean;
}

export interface RecordErrorSpec {
  /** Zero-based positions in the request's records array. */
  index?: number | number[];
  predicate?: (record: Record<string, unknown>, index: number) => boolean;
  statusCode: string;
  message: string;
  fields?: string[];
}

export interface FaultMatch {
  kind?: FaultKind | FaultKind[];
  method?: string;
  /** Regular expression tested against the request path (without query string); a string is compiled. */
  path?: RegExp | string;
  /** Skip this many matching calls before firing (e.g. fail the 3rd page: after 2). Default 0. */
  after?: number;
  /** Fire on this many matching calls, then retire. Default 1, or unlimited when `probability` is set. */
  times?: number;
  /** Fire with this probability per matching call, using a PRNG seeded with `seed` (default 1). */
  probability?: number;
  seed?: number;
  /** Override whether the faulted call counts against the API limit (defaults depend on the action). */
  countsAsApiCall?: boolean;
}

export interface FaultStatusResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is (text/html when it looks like HTML), anything else as JSON. */
  body?: unknown;
}

export type FaultAction =
  | (FaultStatusResponse & { delayMs?: number })
  | { reset: true; delayMs?: number }
  | { delayMs: number }
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

export interface SalesforceEmulatorOptions {
  /** 0 = a random free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default '60.0'; any /services/data/vXX.X path is served regardless. */
  apiVersion?: string;
  /** Default 15000 (Developer Edition); counts every REST/SOAP call except OAuth. */
  dailyApiLimit?: number;
  /** Injectable clock; default real time. */
  now?: () => Date;
  /** Default [{ username: 'integration@leadrelay.test', password: 'pass' }]. `securityToken` may be appended to the password. */
  users?: Array<{ username: string; password: string; securityToken?: string }>;
  /** Defaults 'leadrelay-client' / 'leadrelay-secret'. */
  clientId?: string;
  clientSecret?: string;
  /** Verifies RS256 JWT-bearer assertions when set (without it the JWT grant answers invalid_grant). */
  jwtPublicKeyPem?: string;
  /** The refresh grant returns a new refresh_token and invalidates the old one. */
  rotateRefreshTokens?: boolean;
  /** CometD endpoint settings (connect hold time, replay retention). */
  streaming?: CometdOptions;
}

export interface SalesforceEmulator {
  /** e.g. http://127.0.0.1:41234 — both loginUrl and instanceUrl. */
  readonly url: string;
  close(): Promise<void>;
  /** Inserts records (no validation beyond field names and types); returns their Ids. */
  seed(sobject: string, records: Array<Record<string, unknown>>): string[];
  /** Edits a record as a user would (bumps LastModifiedDate/SystemModstamp). */
  update(sobject: string, id: string, fields: Record<string, unknown>): void;
  /** Soft-deletes a record (IsDeleted = true, MasterRecordId when merged). */
  remove(sobject: string, id: string, opts?: { mergedInto?: string }): void;
  /** A record in REST wire format, deleted ones included. */
  get(sobject: string, id: string): Record<string, unknown> | undefined;
  all(sobject: string, opts?: { includeDeleted?: boolean }): Array<Record<string, unknown>>;
  addField(sobject: string, field: FieldDef): void;
  addValidationRule(sobject: string, rule: ValidationRule): void;
  calls(): CallStats;
  resetCalls(): void;
  writeLog(): WriteLogEntry[];
  readonly faults: FaultControl;
  /** The Streaming API (CometD, Change Data Capture on Lead): fault switches and inspection. */
  readonly streaming: StreamingControl;
  expireSessions(): void;
  setApiUsage(used: number, limit?: number): void;
  setClock(now: () => Date): void;
}
