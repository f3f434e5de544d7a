// Single-record CRUD, the paged list and merges under /crm/v3/objects/{type}.
// List pages are keyset cursors over the record id (`paging.next.after` is the id the next page starts at), at most
// 100 per page; reads of a merged id answer the record it was merged into; DELETE archives (204 even when gone).
// https://developers.hubspot.com/docs/guides/api/crm/objects/contacts
import { applyCreateAssociations, parseCreateAssociations } from '../data/assoc-ops.ts';
import { mergeInto } from '../data/merge.ts';
import type { Rec } from '../data/store.ts';
import { associationsToWire, recordToWire } from '../data/wire.ts';
import { archiveRecord, createRecord, updateRecord } from '../data/writes.ts';
import { HubSpotError, objectNotFound, validation } from '../http/errors.ts';
import { boolParam, json, listParam, noContent, str } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { objectType } from '../schema/object-types.ts';
import type { ObjectType } from '../types.ts';
import { bodyObject, propertiesOf } from './context.ts';
import type { Ctx } from './context.ts';

export function readOptions(ctx: Ctx): { properties: string[]; associations: ObjectType[]; archived: boolean } {
  const q = ctx.req.query;
  const associations = listParam(q, 'associations').map((a) => objectType(a)).filter((a): a is ObjectType => a !== undefined);
  return { properties: listParam(q, 'properties'), associations, archived: boolParam(q, 'archived') };
}

export function toWireWithAssociations(ctx: Ctx, rec: Rec, properties: string[] | undefined, assocTypes: ObjectType[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...recordToWire(rec, { properties }, ctx.acct) };
  const assoc = assocTypes.length > 0 ? associationsToWire(ctx.acct, rec, assocTypes) : undefined;
  if (assoc) out.associations = assoc;
  return out;
}

/** Finds a record by id or by a unique `idProperty` value (live records unless archived is asked for). */
export function findRecord(ctx: Ctx, type: ObjectType, id: string, idProperty: string | undefined, archived: boolean): Rec | undefined {
  const table = ctx.acct.table(type);
  let rec: Rec | undefined;
  if (idProperty && idProperty !== 'hs_object_id') {
    if (!ctx.acct.uniqueProps(type).includes(idProperty)) {
      throw validation(`${idProperty} is not a unique property of ${type}: idProperty must name a property with hasUniqueValue.`);
    }
    const found = table.lookupUnique(idProperty, id);
    rec = found === undefined ? undefined : table.byId(found);
  } else {
    rec = archived ? table.byId(id) : table.resolve(id);
  }
  if (!rec || rec.archived !== archived) return undefined;
  return rec;
}

export function getOne(ctx: Ctx, type: ObjectType, id: string): Res {
  const o = readOptions(ctx);
  const rec = findRecord(ctx, type, id, ctx.req.query.get('idProperty') ?? undefined, o.archived);
  if (!rec) throw notFoundFor(id);
  return json(200, toWireWithAssociations(ctx, rec, o.properties, o.associations));
}

function notFoundFor(id: string): HubSpotError {
  const e = objectNotFound();
  e.context = { id: [id] };
  return e;
}

export function list(ctx: Ctx, type: ObjectType): Res {
  const o = readOptions(ctx);
  const limitRaw = ctx.req.query.get('limit');
  const limit = limitRaw === null ? 10 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw validation(`limit must be an integer between 1 and 100, got ${limitRaw ?? ''}.`);
  }
  const after = ctx.req.query.get('after');
  const table = ctx.acct.table(type);
  const ids = table.sortedIds();
  let i = 0;
  if (after !== null && after !== '') {
    const floor = Number(after);
    if (!Number.isFinite(floor)) throw validation(`after must be the cursor from paging.next.after, got ${after}.`);
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number(ids[mid]) < floor) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  const results: Array<Record<string, unknown>> = [];
  let next: string | undefined;
  for (; i < ids.length; i++) {
    const rec = table.byId(ids[i] ?? '');
    if (!rec || rec.archived !== o.archived) continue;
    if (results.length === limit) {
      next = rec.id;
      break;
    }
    results.push(toWireWithAssociations(ctx, rec, o.properties, o.associations));
  }
  const body: Record<string, unknown> = { results };
  if (next !== undefined) {
    const qs = new URLSearchParams(ctx.req.query);
    qs.set('after', next);
    body.paging = { next: { after: next, link: `${ctx.base}/crm/v3/objects/${type}?${qs.toString()}` } };
  }
  return json(200, body);
}

export function create(ctx: Ctx, type: ObjectType): Res {
  const body = bodyObject(ctx);
  const assoc = parseCreateAssociations(ctx.acct, type, body.associations);
  if (assoc instanceof HubSpotError) throw assoc;
  const input = propertiesOf(body);
  const r = createRecord(ctx.acct, type, input, 'single');
  if ('error' in r) throw r.error;
  applyCreateAssociations(ctx.acct, r.rec, assoc);
  const rec = ctx.acct.table(type).byId(r.rec.id) ?? r.rec;
  // The create answer lists every property the new record has (defaults and calculated ones included).
  return json(201, recordToWire(rec, { all: true }, ctx.acct));
}

export function update(ctx: Ctx, type: ObjectType, id: string): Res {
  const body = bodyObject(ctx);
  const rec = findRecord(ctx, type, id, ctx.req.query.get('idProperty') ?? undefined, false);
  if (!rec) throw notFoundFor(id);
  const input = propertiesOf(body);
  const r = updateRecord(ctx.acct, rec, input, 'single');
  if ('error' in r) throw r.error;
  return json(200, recordToWire(r.rec, { properties: Object.keys(input) }, ctx.acct));
}

export function archive(ctx: Ctx, type: ObjectType, id: string): Res {
  const rec = ctx.acct.table(type).byId(id);
  if (rec && !rec.archived) archiveRecord(ctx.acct, rec, 'single');
  return noContent();
}

/** POST /crm/v3/objects/{type}/merge { primaryObjectId, objectIdToMerge } → the merged record. */
export function merge(ctx: Ctx, type: ObjectType): Res {
  const body = bodyObject(ctx);
  const primaryId = str(body.primaryObjectId);
  const otherId = str(body.objectIdToMerge);
  if (primaryId === '' || otherId === '') throw validation('primaryObjectId and objectIdToMerge are required.');
  if (primaryId === otherId) throw validation(`Cannot merge ${type} ${primaryId} into itself.`);
  const table = ctx.acct.table(type);
  const primary = table.byId(primaryId);
  const other = table.byId(otherId);
  if (!primary || primary.archived) throw notFoundFor(primaryId);
  if (!other || other.archived) throw notFoundFor(otherId);
  const winner = mergeInto(ctx.acct, type, primary, other);
  return json(200, recordToWire(winner, {}, ctx.acct));
}
