// sObject Collections: up to 200 records per create/update/upsert/delete, one result per record in request
// order; failures carry no id; allOrNone=true rolls everything back and marks the otherwise-good records
// ALL_OR_NONE_OPERATION_ROLLED_BACK.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
import { bindBody } from '../data/dml.ts';
import type { SaveResult } from '../data/dml.ts';
import { rowToWire, scalarText } from '../data/values.ts';
import { ApiError, methodNotAllowed, notFound } from '../http/errors.ts';
import type { ErrorItem } from '../http/errors.ts';
import { isObject, json, parseJsonBody } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import { normalizeId } from '../ids.ts';
import { injectedRecordErrors } from './context.ts';
import type { ApiCtx } from './context.ts';

const MAX_RECORDS = 200;
const ROLLED_BACK: ErrorItem = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

const tooMany = (): ApiError =>
  new ApiError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`);

function readBody(ctx: ApiCtx): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const body = parseJsonBody(ctx.req);
  if (!isObject(body) || !Array.isArray(body.records)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of SObjectCollectionRequest: records are required');
  }
  if (body.records.length > MAX_RECORDS) throw tooMany();
  const records = body.records.map((r) => {
    if (!isObject(r)) throw new ApiError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of sObject from VALUE_STRING');
    return r;
  });
  return { allOrNone: body.allOrNone === true, records };
}

function typeOf(ctx: ApiCtx, rec: Record<string, unknown>, fallback?: SObjectSchema): SObjectSchema {
  const attrs = rec.attributes;
  const name = isObject(attrs) && typeof attrs.type === 'string' ? attrs.type : undefined;
  if (name === undefined) {
    if (fallback) return fallback;
    throw new ApiError(400, 'INVALID_TYPE', 'When using the sObject Collections API, every record must specify attributes.type');
  }
  const s = ctx.org.schema.object(name);
  if (!s) throw new ApiError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`);
  return s;
}

type Op = (rec: Record<string, unknown>, s: SObjectSchema, injected: ErrorItem | undefined, index: number) => SaveResult;

/** Runs one operation per record inside a transaction and shapes the results. */
function runAll(ctx: ApiCtx, records: Array<Record<string, unknown>>, allOrNone: boolean, schemas: SObjectSchema[],
  op: Op, withCreated: boolean): Res {
  const injected = injectedRecordErrors(ctx, records);
  const store = ctx.org.store;
  const tx = store.begin();
  let results: SaveResult[];
  try {
    results = records.map((rec, i) => op(rec, schemas[i] as SObjectSchema, injected.get(i), i));
  } catch (e) {
    store.rollback(tx);
    throw e;
  }
  const anyFailed = results.some((r) => !r.success);
  if (allOrNone && anyFailed) {
    store.rollback(tx);
    results = results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
  } else {
    store.commit(tx);
  }
  return json(200, results.map((r) => (r.success
    ? { id: r.id, success: true, errors: [], ...(withCreated ? { created: r.created } : {}) }
    : { success: false, errors: r.errors })));
}

function create(ctx: ApiCtx): Res {
  const { allOrNone, records } = readBody(ctx);
  const schemas = records.map((r) => typeOf(ctx, r));
  records.forEach((r, i) => bindBody(schemas[i] as SObjectSchema, r)); // JSON_PARSER_ERROR fails the whole call first
  return runAll(ctx, records, allOrNone, schemas, (rec, s, injected) =>
    ctx.dml.create(s, rec, { userId: ctx.session.userId, injected }), false);
}

function update(ctx: ApiCtx): Res {
  const { allOrNone, records } = readBody(ctx);
  const schemas = records.map((r) => typeOf(ctx, r));
  records.forEach((r, i) => bindBody(schemas[i] as SObjectSchema, r, ['Id']));
  return runAll(ctx, records, allOrNone, schemas, (rec, s, injected) => {
    const id = rec.id ?? rec.Id;
    if (typeof id !== 'string' || id === '') {
      return { success: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }] };
    }
    return ctx.dml.update(s, id, rec, { userId: ctx.session.userId, injected });
  }, false);
}

function upsert(ctx: ApiCtx, s: SObjectSchema, extName: string): Res {
  const f = s.field(extName);
  if (!f || !(f.externalId === true || f.type === 'id')) {
    throw new ApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${extName}`);
  }
  const { allOrNone, records } = readBody(ctx);
  const schemas = records.map((r) => typeOf(ctx, r, s));
  records.forEach((r, i) => bindBody(schemas[i] as SObjectSchema, r));
  const valueOf = (rec: Record<string, unknown>): unknown =>
    Object.entries(rec).find(([k]) => k.toLowerCase() === f.name.toLowerCase())?.[1];
  const counts = new Map<string, number>();
  for (const r of records) {
    const v = valueOf(r);
    if (v !== undefined && v !== null) counts.set(scalarText(v).toLowerCase(), (counts.get(scalarText(v).toLowerCase()) ?? 0) + 1);
  }
  return runAll(ctx, records, allOrNone, schemas, (rec, rs, injected) => {
    const v = valueOf(rec);
    if (v !== undefined && v !== null && (counts.get(scalarText(v).toLowerCase()) ?? 0) > 1) {
      return { success: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${scalarText(v)}`, fields: [f.name] }] };
    }
    return ctx.dml.upsert(rs, f, v, rec, { userId: ctx.session.userId, injected });
  }, true);
}

function destroy(ctx: ApiCtx): Res {
  const ids = (ctx.req.query.get('ids') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  if (ids.length > MAX_RECORDS) throw tooMany();
  const allOrNone = ctx.req.query.get('allOrNone') === 'true';
  const records = ids.map((id) => ({ id }));
  const schemas = ids.map((id) => {
    const norm = normalizeId(id);
    return (norm ? ctx.org.schema.objectByKeyPrefix(norm.slice(0, 3)) : undefined) ?? ctx.org.schema.list()[0] as SObjectSchema;
  });
  return runAll(ctx, records, allOrNone, schemas, (rec, s, injected) =>
    ctx.dml.remove(s, String(rec.id), { userId: ctx.session.userId, injected }), false);
}

function retrieve(ctx: ApiCtx, s: SObjectSchema): Res {
  let ids: string[];
  let fieldNames: string[];
  if (ctx.req.method === 'POST') {
    const body = parseJsonBody(ctx.req);
    if (!isObject(body) || !Array.isArray(body.ids) || !Array.isArray(body.fields)) {
      throw new ApiError(400, 'MISSING_ARGUMENT', 'ids and fields are required');
    }
    ids = body.ids.map(String);
    fieldNames = body.fields.map(String);
  } else {
    ids = (ctx.req.query.get('ids') ?? '').split(',').filter((x) => x !== '');
    fieldNames = (ctx.req.query.get('fields') ?? '').split(',').filter((x) => x !== '');
  }
  if (fieldNames.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'fields parameter is required');
  if (ids.length > 2000) throw tooMany();
  const fields = fieldNames.map((n) => {
    const f = s.field(n.trim());
    if (!f) throw new ApiError(400, 'INVALID_FIELD', `No such column '${n}' on entity '${s.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
    return f;
  });
  const table = ctx.org.store.table(s);
  const base = ctx.org.dataPath(ctx.version);
  return json(200, ids.map((raw) => {
    const id = normalizeId(raw.trim());
    const row = id ? table.rows.get(id) : undefined;
    if (!row || row.IsDeleted === true) return null;
    return { attributes: { type: s.name, url: `${base}/sobjects/${s.name}/${String(row.Id)}` }, ...rowToWire(fields, row) };
  }));
}

export function collections(ctx: ApiCtx, segs: string[]): Res {
  const method = ctx.req.method;
  const [type, ext] = segs;
  if (type === undefined) {
    if (method === 'POST') return create(ctx);
    if (method === 'PATCH') return update(ctx);
    if (method === 'DELETE') return destroy(ctx);
    throw methodNotAllowed(method, ['POST', 'PATCH', 'DELETE']);
  }
  const s = ctx.org.schema.object(type);
  if (!s) throw notFound();
  if (ext === undefined) {
    if (method === 'GET' || method === 'POST') return retrieve(ctx, s);
    throw methodNotAllowed(method, ['GET', 'POST']);
  }
  if (method === 'PATCH' && segs.length === 2) return upsert(ctx, s, ext);
  throw methodNotAllowed(method, ['PATCH']);
}
