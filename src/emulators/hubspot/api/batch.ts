// Batch endpoints /crm/v3/objects/{type}/batch/{read|create|update|upsert|archive}: at most 100 inputs; all ok → 200
// (create → 201, archive → 204); some failed → 207 {"status":"COMPLETE","results","numErrors","errors"}. Batch create
// reports per-record failures only when every input carries an objectWriteTraceId; otherwise one bad input fails the
// whole request (400/409) and nothing is created.
// https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors
// https://developers.hubspot.com/changelog/simplifying-batch-update-response-codes-for-crm-v3-apis
import { applyCreateAssociations, parseCreateAssociations } from '../data/assoc-ops.ts';
import type { Rec } from '../data/store.ts';
import { recordToWire } from '../data/wire.ts';
import { archiveRecord, createRecord, dryCreate, updateRecord } from '../data/writes.ts';
import type { WriteResult } from '../data/writes.ts';
import { recordErrorIndexes } from '../faults.ts';
import { HubSpotError, validation } from '../http/errors.ts';
import { boolParam, json, noContent, str } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { SINGULAR } from '../schema/object-types.ts';
import type { ObjectType, RecordErrorSpec } from '../types.ts';
import { batchInputs, bodyObject, propertiesOf } from './context.ts';
import type { Ctx } from './context.ts';
import { findRecord } from './objects.ts';

type StdError = Record<string, unknown>;

function stdError(e: HubSpotError, context: Record<string, string[]>): StdError {
  const out: StdError = { status: 'error', category: e.category, message: e.message, context: { ...context, ...(e.context ?? {}) } };
  if (e.subCategory !== undefined) out.subCategory = e.subCategory;
  if (e.errors !== undefined) out.errors = e.errors;
  return out;
}

function injected(spec: RecordErrorSpec, context: Record<string, string[]>): StdError {
  return { status: 'error', category: spec.category ?? 'VALIDATION_ERROR', message: spec.message, context: spec.context ?? context };
}

function respond(ctx: Ctx, okStatus: number, results: unknown[], errors: StdError[], startedAt: string): Res {
  const completedAt = new Date(ctx.acct.now()).toISOString();
  if (errors.length === 0) return json(okStatus, { status: 'COMPLETE', results, startedAt, completedAt });
  return json(207, { status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt, completedAt });
}

/** The recordError fault for this request, if one fires: which input positions fail and how. */
function recordFaults(ctx: Ctx, inputs: Array<Record<string, unknown>>): { spec: RecordErrorSpec; failing: Set<number> } | undefined {
  const fired = ctx.faults.match({ kind: ctx.kind, method: ctx.req.method, path: ctx.req.path }, 'records');
  if (!fired || !('recordError' in fired.rule)) return undefined;
  return { spec: fired.rule.recordError, failing: recordErrorIndexes(fired.rule.recordError, inputs) };
}

function duplicateIds(ids: string[]): void {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  if (dup.size > 0) throw validation(`Duplicate IDs found in batch input: [${[...dup].join(', ')}]. IDs must be unique`);
}

export function batchRead(ctx: Ctx, type: ObjectType): Res {
  const startedAt = new Date(ctx.acct.now()).toISOString();
  const inputs = batchInputs(ctx);
  const body = bodyObject(ctx);
  const props = Array.isArray(body.properties) ? body.properties.filter((p): p is string => typeof p === 'string') : [];
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
  const archived = boolParam(ctx.req.query, 'archived');
  const results: unknown[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const id = str(input.id);
    const rec = findRecord(ctx, type, id, idProperty, archived);
    if (!rec) missing.push(id);
    else if (!seen.has(rec.id)) {
      seen.add(rec.id);
      results.push(recordToWire(rec, { properties: props }, ctx.acct));
    }
  }
  const errors = missing.length === 0 ? [] : [{
    status: 'error', category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids: missing },
  }];
  return respond(ctx, 200, results, errors, startedAt);
}

export function batchCreate(ctx: Ctx, type: ObjectType): Res {
  const startedAt = new Date(ctx.acct.now()).toISOString();
  const inputs = batchInputs(ctx);
  const traced = inputs.length > 0 && inputs.every((i) => typeof i.objectWriteTraceId === 'string' && i.objectWriteTraceId !== '');
  const faults = recordFaults(ctx, inputs);
  const contextOf = (i: number): Record<string, string[]> => (traced ? { objectWriteTraceId: [String(inputs[i]?.objectWriteTraceId)] } : {});
  // Without trace ids HubSpot validates the whole batch first: one bad input and nothing is written.
  if (!traced) {
    const probe = new Map<string, string>();
    for (const input of inputs) {
      const err = wholeBatchCheck(ctx, type, input, probe);
      if (err) throw err;
    }
  }
  const results: unknown[] = [];
  const errors: StdError[] = [];
  inputs.forEach((input, i) => {
    if (faults?.failing.has(i)) {
      errors.push(injected(faults.spec, contextOf(i)));
      return;
    }
    const assoc = parseCreateAssociations(ctx.acct, type, input.associations);
    const r: WriteResult = assoc instanceof HubSpotError ? { error: assoc } : createRecord(ctx.acct, type, propertiesOf(input), 'batch');
    if ('error' in r) {
      errors.push(stdError(r.error, contextOf(i)));
      return;
    }
    if (!(assoc instanceof HubSpotError)) applyCreateAssociations(ctx.acct, r.rec, assoc);
    const rec = ctx.acct.table(type).byId(r.rec.id) ?? r.rec;
    const wire: Record<string, unknown> = { ...recordToWire(rec, { all: true }, ctx.acct) };
    if (traced) wire.objectWriteTraceId = input.objectWriteTraceId;
    results.push(wire);
  });
  return respond(ctx, 201, results, errors, startedAt);
}

/** Dry-run validation of one create input for the all-or-nothing path (also catches duplicates inside the batch). */
function wholeBatchCheck(ctx: Ctx, type: ObjectType, input: Record<string, unknown>, probe: Map<string, string>): HubSpotError | undefined {
  const assoc = parseCreateAssociations(ctx.acct, type, input.associations);
  if (assoc instanceof HubSpotError) return assoc;
  const email = type === 'contacts' ? propertiesOf(input).email : undefined;
  if (typeof email === 'string' && email !== '') {
    const key = email.toLowerCase();
    if (probe.has(key)) return new HubSpotError(409, 'CONFLICT', `Duplicate email in batch input: ${email}`);
    probe.set(key, email);
  }
  return dryCreate(ctx.acct, type, propertiesOf(input));
}

export function batchUpdate(ctx: Ctx, type: ObjectType, upsert: boolean): Res {
  const startedAt = new Date(ctx.acct.now()).toISOString();
  const inputs = batchInputs(ctx);
  const faults = recordFaults(ctx, inputs);
  duplicateIds(inputs.map((i) => str(i.id)));
  const results: unknown[] = [];
  const errors: StdError[] = [];
  const notFound: string[] = [];
  inputs.forEach((input, i) => {
    const id = str(input.id);
    const idProperty = typeof input.idProperty === 'string' && input.idProperty !== '' ? input.idProperty : undefined;
    if (faults?.failing.has(i)) {
      errors.push(injected(faults.spec, { ids: [id] }));
      return;
    }
    const rec: Rec | undefined = findRecord(ctx, type, id, idProperty, false);
    const props = propertiesOf(input);
    let r: WriteResult;
    if (rec) r = updateRecord(ctx.acct, rec, props, 'batch', upsert ? 'upsert' : 'update');
    else if (upsert && idProperty !== undefined && idProperty !== 'hs_object_id') r = createRecord(ctx.acct, type, { ...props, [idProperty]: id }, 'batch', 'upsert');
    else {
      notFound.push(id);
      return;
    }
    if ('error' in r) {
      errors.push(stdError(r.error, { ids: [id] }));
      return;
    }
    const wire: Record<string, unknown> = { ...recordToWire(r.rec, { properties: Object.keys(props) }, ctx.acct) };
    if (upsert) wire.new = r.created;
    if (typeof input.objectWriteTraceId === 'string') wire.objectWriteTraceId = input.objectWriteTraceId;
    results.push(wire);
  });
  if (notFound.length > 0) {
    errors.push({ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not find some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`, context: { ids: notFound } });
  }
  return respond(ctx, 200, results, errors, startedAt);
}

export function batchArchive(ctx: Ctx, type: ObjectType): Res {
  const inputs = batchInputs(ctx);
  const table = ctx.acct.table(type);
  for (const input of inputs) {
    const rec = table.byId(str(input.id));
    if (rec && !rec.archived) archiveRecord(ctx.acct, rec, 'batch');
  }
  return noContent();
}
