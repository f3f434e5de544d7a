// sObject resources: describe, single-record CRUD, upsert by external id, and the replication endpoints
// (updated / deleted). https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
import type { SaveResult } from '../data/dml.ts';
import { rowToWire, formatDateTime, parseDateTime } from '../data/values.ts';
import { ApiError, methodNotAllowed, notFound } from '../http/errors.ts';
import type { ErrorItem } from '../http/errors.ts';
import { isObject, json, noContent, parseJsonBody } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { basicInfo, describeGlobal, describeSObject } from '../schema/describe.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import { DELETED_AT } from '../data/store.ts';
import { injectedRecordErrors } from './context.ts';
import type { ApiCtx } from './context.ts';

const DAY = 86_400_000;

function bodyObject(ctx: ApiCtx): Record<string, unknown> {
  const body = parseJsonBody(ctx.req);
  if (!isObject(body)) throw new ApiError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of sObject from START_ARRAY value at [line:1, column:1]');
  return body;
}

/** Single-record failures answer 400 with every error (404 when the record is gone). */
function failure(r: Extract<SaveResult, { success: false }>): ApiError {
  if (r.missing === 'missing' || r.missing === 'malformed' || r.missing === 'wrongType') return notFound();
  return ApiError.fromItems(r.missing === 'deleted' ? 404 : 400, r.errors);
}

function injected(ctx: ApiCtx, body: Record<string, unknown>): ErrorItem | undefined {
  return injectedRecordErrors(ctx, [body]).get(0);
}

function recordJson(ctx: ApiCtx, s: SObjectSchema, id: string, fieldsParam: string | null): Record<string, unknown> {
  const row = ctx.org.store.table(s).rows.get(id);
  if (!row || row.IsDeleted === true) throw notFound();
  let fields = s.fields;
  if (fieldsParam) {
    fields = fieldsParam.split(',').map((n) => n.trim()).filter((n) => n !== '').map((n) => {
      const f = s.field(n);
      if (!f) throw new ApiError(400, 'INVALID_FIELD', `No such column '${n}' on entity '${s.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
      return f;
    });
  }
  return { attributes: { type: s.name, url: `${ctx.org.dataPath(ctx.version)}/sobjects/${s.name}/${id}` }, ...rowToWire(fields, row) };
}

function replicationWindow(ctx: ApiCtx): { start: number; end: number } {
  const startRaw = ctx.req.query.get('start');
  const endRaw = ctx.req.query.get('end');
  if (!startRaw || !endRaw) throw new ApiError(400, 'MISSING_ARGUMENT', `${startRaw ? 'end' : 'start'} date must be specified`);
  const start = parseDateTime(startRaw);
  const end = parseDateTime(endRaw);
  if (start === undefined || end === undefined) throw new ApiError(400, 'INVALID_REPLICATION_DATE', 'invalid date format');
  if (end < start) throw new ApiError(400, 'INVALID_REPLICATION_DATE', 'EndDate can not be before StartDate');
  // The replication API rounds to whole minutes and only looks 30 days back.
  // https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated.htm
  if (ctx.org.nowMs() - start > 30 * DAY) throw new ApiError(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
  const floorMin = (ms: number): number => Math.floor(ms / 60_000) * 60_000;
  return { start: floorMin(start), end: floorMin(Math.min(end, ctx.org.nowMs())) };
}

function updated(ctx: ApiCtx, s: SObjectSchema): Res {
  const { start, end } = replicationWindow(ctx);
  const ids: string[] = [];
  for (const row of ctx.org.store.table(s).rows.values()) {
    const stamp = Number(row.SystemModstamp);
    if (row.IsDeleted !== true && stamp >= start && stamp < end) ids.push(String(row.Id));
  }
  return json(200, { ids, latestDateCovered: formatDateTime(end) });
}

function deleted(ctx: ApiCtx, s: SObjectSchema, startedAt: number): Res {
  const { start, end } = replicationWindow(ctx);
  const deletedRecords: Array<{ id: string; deletedDate: string }> = [];
  for (const row of ctx.org.store.table(s).rows.values()) {
    const at = row[DELETED_AT];
    if (row.IsDeleted === true && typeof at === 'number' && at >= start && at < end) {
      deletedRecords.push({ id: String(row.Id), deletedDate: formatDateTime(at) });
    }
  }
  return json(200, { deletedRecords, earliestDateAvailable: formatDateTime(Math.floor(startedAt / 60_000) * 60_000),
    latestDateCovered: formatDateTime(end) });
}

function byExternalId(ctx: ApiCtx, s: SObjectSchema, fieldName: string, value: string): Res {
  const f = s.field(fieldName);
  if (!f || !(f.externalId === true || f.type === 'id' || f.unique === true)) {
    throw new ApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`);
  }
  const method = ctx.req.method;
  // Several records share a non-unique External ID value: 300 Multiple Choices with their URLs.
  const multiple = (ids: string[]): Res => json(300, ids.map((id) => `${ctx.org.dataPath(ctx.version)}/sobjects/${s.name}/${id}`));
  if (method === 'PATCH') {
    const body = bodyObject(ctx);
    const r = ctx.dml.upsert(s, f, value, body, { userId: ctx.session.userId, injected: injected(ctx, body) });
    if (!r.success && r.multiple) return multiple(r.multiple);
    if (!r.success) throw failure(r);
    return json(r.created ? 201 : 200, { id: r.id, success: true, errors: [], created: r.created });
  }
  const matches = f.type === 'id' ? [value] : ctx.org.store.table(s).lookupAll(f.name, value);
  if (matches.length > 1) return multiple(matches);
  const id = matches[0];
  if (id === undefined) throw notFound();
  if (method === 'GET') return json(200, recordJson(ctx, s, id, ctx.req.query.get('fields')));
  if (method === 'DELETE') {
    const r = ctx.dml.remove(s, id, { userId: ctx.session.userId });
    if (!r.success) throw failure(r);
    return noContent();
  }
  throw methodNotAllowed(method, ['GET', 'PATCH', 'DELETE']);
}

export function sobjects(ctx: ApiCtx, segs: string[], startedAt: number): Res {
  const base = ctx.org.dataPath(ctx.version);
  const method = ctx.req.method;
  const [type, second, third] = segs;
  if (type === undefined) {
    if (method !== 'GET') throw methodNotAllowed(method, ['GET', 'HEAD']);
    return json(200, describeGlobal(ctx.org.schema, base));
  }
  const s = ctx.org.schema.object(type);
  if (!s) throw notFound();
  if (second === undefined) {
    if (method === 'GET') return json(200, basicInfo(s, base));
    if (method !== 'POST') throw methodNotAllowed(method, ['GET', 'POST']);
    const body = bodyObject(ctx);
    const r = ctx.dml.create(s, body, { userId: ctx.session.userId, injected: injected(ctx, body) });
    if (!r.success) throw ApiError.fromItems(400, r.errors);
    return json(201, { id: r.id, success: true, errors: [] });
  }
  if (third === undefined) {
    if (second === 'describe' && method === 'GET') return json(200, describeSObject(ctx.org.schema, s, base));
    if (second === 'updated' && method === 'GET') return updated(ctx, s);
    if (second === 'deleted' && method === 'GET') return deleted(ctx, s, startedAt);
    const found = ctx.dml.locate(s, second);
    if ('success' in found) {
      if (found.missing === 'deleted' && method !== 'GET') throw failure(found);
      throw notFound();
    }
    if (method === 'GET') return json(200, recordJson(ctx, s, found.id, ctx.req.query.get('fields')));
    if (method === 'PATCH') {
      const body = bodyObject(ctx);
      const r = ctx.dml.update(s, found.id, body, { userId: ctx.session.userId, injected: injected(ctx, body) });
      if (!r.success) throw failure(r);
      return noContent();
    }
    if (method === 'DELETE') {
      const r = ctx.dml.remove(s, found.id, { userId: ctx.session.userId, injected: injected(ctx, {}) });
      if (!r.success) throw failure(r);
      return noContent();
    }
    throw methodNotAllowed(method, ['GET', 'PATCH', 'DELETE', 'HEAD']);
  }
  if (segs.length === 3) return byExternalId(ctx, s, second, third);
  throw notFound();
}
