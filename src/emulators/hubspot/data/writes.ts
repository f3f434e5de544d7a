// Record writes shared by the single-record and batch endpoints: property validation (unknown properties,
// read-only values, enumeration options, deal pipeline/stage), unique values (409 CONFLICT, e.g. "Contact already
// exists. Existing ID: 123"), derived system properties, commit and the write log.
// https://developers.hubspot.com/docs/guides/api/crm/objects/contacts
import type { Account } from '../account.ts';
import { HubSpotError, validation } from '../http/errors.ts';
import type { ObjectType } from '../types.ts';
import type { Rec } from './store.ts';
import { invalidOptionMessage, isoMs, normalizeValue, propertyDoesntExist, propertyIssuesMessage, readOnlyValue } from './values.ts';
import type { PropertyIssue } from './values.ts';

/** System properties a client may set on create (HubSpot lets imports and integrations backdate createdate). */
const WRITABLE_ON_CREATE = new Set(['createdate']);

export type Prepared = { changes: Map<string, string> } | { error: HubSpotError };

export function propertyError(acct: Account, issues: Array<Omit<PropertyIssue, 'portalId'>>): HubSpotError {
  const full = issues.map((i) => ({ ...i, portalId: acct.config.portalId }));
  return validation(propertyIssuesMessage(full), {
    errors: full.map((i) => ({ message: i.message, code: i.error, context: { propertyName: [i.name] } })),
  });
}

/** Validates and normalises written properties. `system` (back door) may set read-only properties. */
export function prepare(acct: Account, type: ObjectType, input: Record<string, unknown>, existing: Rec | undefined, system = false): Prepared {
  const issues: Array<Omit<PropertyIssue, 'portalId'>> = [];
  const changes = new Map<string, string>();
  for (const [name, raw] of Object.entries(input)) {
    const def = acct.schema.get(type, name);
    if (!def) {
      const r = propertyDoesntExist(name);
      if ('issue' in r) issues.push(r.issue);
      continue;
    }
    if (def.readOnlyValue === true && !system && !(existing === undefined && WRITABLE_ON_CREATE.has(name))) {
      const r = readOnlyValue(name);
      if ('issue' in r) issues.push(r.issue);
      continue;
    }
    const n = normalizeValue(def, raw);
    if ('issue' in n) issues.push(n.issue);
    else changes.set(name, n.value);
  }
  if (type === 'deals' && issues.length === 0) checkDealStage(acct, changes, existing, issues);
  return issues.length > 0 ? { error: propertyError(acct, issues) } : { changes };
}

/** Deals must name an existing pipeline (default: `default`) and one of its stages. */
function checkDealStage(acct: Account, changes: Map<string, string>, existing: Rec | undefined, issues: Array<Omit<PropertyIssue, 'portalId'>>): void {
  const pipelineId = changes.get('pipeline') ?? existing?.props.get('pipeline') ?? 'default';
  const pipeline = acct.pipelines.get(pipelineId);
  const bad = (name: string, value: string, allowed: Array<{ label: string; value: string; displayOrder: number }>): void => {
    const message = invalidOptionMessage(value, allowed);
    issues.push({ isValid: false, message, error: 'INVALID_OPTION', name, localizedErrorMessage: message });
  };
  if (!pipeline) {
    bad('pipeline', pipelineId, acct.pipelines.list().map((p) => ({ label: p.label, value: p.id, displayOrder: p.displayOrder })));
    return;
  }
  if (existing === undefined && !changes.has('pipeline')) changes.set('pipeline', pipeline.id);
  const stageId = changes.get('dealstage') ?? existing?.props.get('dealstage');
  if (stageId !== undefined && stageId !== '' && !pipeline.stages.some((s) => s.id === stageId)) {
    bad('dealstage', stageId, pipeline.stages.map((s) => ({ label: s.label, value: s.id, displayOrder: s.displayOrder })));
  }
}

/** A unique value already held by another live record → 409 CONFLICT. */
export function uniqueConflict(acct: Account, type: ObjectType, changes: ReadonlyMap<string, string>, selfId: string | undefined): HubSpotError | undefined {
  for (const prop of acct.uniqueProps(type)) {
    const v = changes.get(prop);
    if (v === undefined || v === '') continue;
    const other = acct.table(type).lookupUnique(prop, v);
    if (other === undefined || other === selfId) continue;
    const err = type === 'contacts' && prop === 'email'
      ? new HubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${other}`)
      : new HubSpotError(409, 'CONFLICT', `A ${type.replace(/s$/, '').replace(/ie$/, 'y')} with ${prop}=${v} already exists. Existing ID: ${other}`);
    err.context = { existingId: [other], propertyName: [prop] };
    return err;
  }
  return undefined;
}

/** Builds the next version of a record: changes applied, system and derived properties set. */
export function nextVersion(acct: Account, type: ObjectType, prev: Rec | undefined, changes: ReadonlyMap<string, string>, stamps: { createdAt?: number; updatedAt?: number; id?: string } = {}): Rec {
  const now = acct.now();
  const id = prev?.id ?? stamps.id ?? acct.store.newId();
  const props = new Map(prev?.props ?? []);
  for (const [k, v] of changes) {
    if (v === '') props.delete(k);
    else props.set(k, v);
  }
  const createdAt = stamps.createdAt ?? prev?.createdAt ?? (changes.has('createdate') ? Date.parse(changes.get('createdate') ?? '') || now : now);
  const updatedAt = stamps.updatedAt ?? now;
  props.set('hs_object_id', id);
  props.set('createdate', isoMs(createdAt));
  props.set('hs_lastmodifieddate', isoMs(updatedAt));
  if (type === 'contacts') derivedContact(props, prev, isoMs(updatedAt));
  if (type === 'deals') derivedDeal(acct, props);
  const rec: Rec = { type, id, num: Number(id), props, createdAt, updatedAt, archived: false };
  return rec;
}

function derivedContact(props: Map<string, string>, prev: Rec | undefined, stamp: string): void {
  props.set('lastmodifieddate', stamp);
  const email = props.get('email');
  const domain = email?.includes('@') ? email.slice(email.lastIndexOf('@') + 1).toLowerCase() : undefined;
  if (domain) props.set('hs_email_domain', domain);
  else props.delete('hs_email_domain');
  // "Became a … date": set the first time the contact enters a lifecycle stage.
  const stage = props.get('lifecyclestage');
  if (stage && stage !== prev?.props.get('lifecyclestage') && !props.has(`hs_lifecyclestage_${stage}_date`)) {
    props.set(`hs_lifecyclestage_${stage}_date`, stamp);
  }
}

function derivedDeal(acct: Account, props: Map<string, string>): void {
  const stage = acct.pipelines.stage(props.get('pipeline') ?? 'default', props.get('dealstage') ?? '');
  if (!stage) return;
  const closed = stage.metadata.isClosed === 'true';
  const probability = stage.metadata.probability ?? '0';
  props.set('hs_is_closed', String(closed));
  props.set('hs_is_closed_won', String(closed && Number(probability) === 1));
  props.set('hs_deal_stage_probability', probability);
}

export type WriteResult = { rec: Rec; created: boolean } | { error: HubSpotError };

/** Creates a record from client input (validation, uniqueness, commit, log). */
export function createRecord(acct: Account, type: ObjectType, input: Record<string, unknown>, via: 'single' | 'batch', op: 'create' | 'upsert' = 'create'): WriteResult {
  const p = prepare(acct, type, input, undefined);
  if ('error' in p) return p;
  const conflict = uniqueConflict(acct, type, p.changes, undefined);
  if (conflict) return { error: conflict };
  const rec = nextVersion(acct, type, undefined, p.changes);
  acct.commit(rec);
  acct.log({ op, objectType: type, id: rec.id, properties: Object.fromEntries(p.changes), via, ...(op === 'upsert' ? { created: true } : {}) });
  return { rec, created: true };
}

/** Validation of a create without writing (the all-or-nothing batch create checks every input first). */
export function dryCreate(acct: Account, type: ObjectType, input: Record<string, unknown>): HubSpotError | undefined {
  const p = prepare(acct, type, input, undefined);
  if ('error' in p) return p.error;
  return uniqueConflict(acct, type, p.changes, undefined);
}

/** Updates a live record from client input. */
export function updateRecord(acct: Account, prev: Rec, input: Record<string, unknown>, via: 'single' | 'batch', op: 'update' | 'upsert' = 'update'): WriteResult {
  const p = prepare(acct, prev.type, input, prev);
  if ('error' in p) return p;
  const conflict = uniqueConflict(acct, prev.type, p.changes, prev.id);
  if (conflict) return { error: conflict };
  const rec = nextVersion(acct, prev.type, prev, p.changes);
  acct.commit(rec);
  acct.log({ op, objectType: prev.type, id: rec.id, properties: Object.fromEntries(p.changes), via, ...(op === 'upsert' ? { created: false } : {}) });
  return { rec, created: false };
}

/** Archives a record (soft delete); associations stay, as HubSpot restores them on restore. */
export function archiveRecord(acct: Account, prev: Rec, via: 'single' | 'batch', mergedInto?: string): Rec {
  const now = acct.now();
  const rec: Rec = { ...prev, archived: true, archivedAt: now, ...(mergedInto !== undefined ? { mergedInto } : {}) };
  acct.commit(rec);
  if (mergedInto === undefined) acct.log({ op: 'archive', objectType: prev.type, id: prev.id, properties: {}, via });
  return rec;
}

/** A system-side change (associatedcompanyid, merge bookkeeping): bumps the modification stamps like HubSpot does. */
export function systemUpdate(acct: Account, prev: Rec, changes: Record<string, string>): Rec {
  const rec = nextVersion(acct, prev.type, prev, new Map(Object.entries(changes)));
  acct.commit(rec);
  return rec;
}
