// POST /composite: up to 25 subrequests in one API call, later ones referencing earlier results with
// @{referenceId.path}; allOrNone rolls back the lot and reports PROCESSING_HALTED.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
import { ApiError } from '../http/errors.ts';
import { classify, isObject, json, parseJsonBody, splitDataPath } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { JsonParserError, scalarText } from '../data/values.ts';
import type { ApiCtx } from './context.ts';
import { routeRest } from './rest.ts';

const MAX_SUBREQUESTS = 25;
const HALTED = [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }];

interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

/** Follows a reference path like `id`, `records[0].Id` or `compositeResponse.body.id` into a result body. */
function lookup(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    if (m[1]) cur = isObject(cur) ? cur[m[1]] : undefined;
    for (const idx of (m[2] ?? '').match(/\d+/g) ?? []) cur = Array.isArray(cur) ? cur[Number(idx)] : undefined;
  }
  return cur;
}

class RefError extends Error {}

function resolveRefs(text: string, results: Map<string, SubResult>): string {
  return text.replace(/@\{([A-Za-z0-9_]+)\.([^}]+)\}/g, (_m, ref: string, path: string) => {
    const r = results.get(ref);
    const v = r && r.httpStatusCode < 400 ? lookup(r.body, path) : undefined;
    if (v === undefined || v === null || typeof v === 'object') {
      throw new RefError(`Invalid reference specified. No value for ${ref}.${path} found in ${ref}. Provided referenceId ('${ref}') might be invalid or the referenced subrequest failed.`);
    }
    return scalarText(v);
  });
}

export function composite(ctx: ApiCtx, startedAt: number): Res {
  if (ctx.req.method !== 'POST') throw new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.req.method}' not allowed. Allowed are POST`);
  const body = parseJsonBody(ctx.req);
  if (!isObject(body) || !Array.isArray(body.compositeRequest)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'compositeRequest is required');
  }
  if (body.compositeRequest.length > MAX_SUBREQUESTS) {
    throw new ApiError(400, 'LIMIT_EXCEEDED', `Received ${body.compositeRequest.length} subrequests, but the limit is ${MAX_SUBREQUESTS}`);
  }
  const allOrNone = body.allOrNone === true;
  const store = ctx.org.store;
  const sp = store.begin();
  const results = new Map<string, SubResult>();
  const out: SubResult[] = [];
  let failed = false;
  for (const raw of body.compositeRequest) {
    const sub = isObject(raw) ? raw : {};
    const referenceId = typeof sub.referenceId === 'string' ? sub.referenceId : `ref${out.length}`;
    if (failed && allOrNone) {
      out.push({ body: HALTED, httpHeaders: {}, httpStatusCode: 400, referenceId });
      continue;
    }
    const r = runSub(ctx, sub, referenceId, results, startedAt);
    results.set(referenceId, r);
    out.push(r);
    if (r.httpStatusCode >= 400) failed = true;
  }
  if (allOrNone && failed) {
    store.rollback(sp);
    for (const r of out) if (r.httpStatusCode < 400) Object.assign(r, { body: HALTED, httpHeaders: {}, httpStatusCode: 400 });
  } else {
    store.commit(sp);
  }
  return json(200, { compositeResponse: out });
}

function runSub(ctx: ApiCtx, sub: Record<string, unknown>, referenceId: string, results: Map<string, SubResult>,
  startedAt: number): SubResult {
  try {
    const method = typeof sub.method === 'string' ? sub.method.toUpperCase() : 'GET';
    const url = resolveRefs(typeof sub.url === 'string' ? sub.url : '', results);
    const bodyText = sub.body === undefined ? '' : resolveRefs(JSON.stringify(sub.body), results);
    const parsed = new URL(url, 'http://composite.invalid');
    const data = splitDataPath(parsed.pathname);
    if (!data) throw new ApiError(400, 'INVALID_API_INPUT', `Invalid URL: ${url}`);
    const headers = { ...ctx.req.headers };
    if (isObject(sub.httpHeaders)) for (const [k, v] of Object.entries(sub.httpHeaders)) headers[k.toLowerCase()] = String(v);
    const req = { method, path: parsed.pathname, query: parsed.searchParams, headers, body: bodyText };
    const res = routeRest({ ...ctx, req, version: data.version, kind: classify(method, parsed.pathname, parsed.searchParams) },
      data.segments, startedAt);
    const resBody: unknown = res.body === '' ? null : JSON.parse(res.body);
    const httpHeaders: Record<string, string> = {};
    if (res.status === 201 && isObject(resBody) && typeof resBody.id === 'string') {
      httpHeaders.Location = `${parsed.pathname.replace(/\/$/, '')}/${resBody.id}`;
    }
    return { body: resBody, httpHeaders, httpStatusCode: res.status, referenceId };
  } catch (e) {
    if (e instanceof RefError) {
      return { body: [{ errorCode: 'PROCESSING_HALTED', message: e.message }], httpHeaders: {}, httpStatusCode: 400, referenceId };
    }
    if (e instanceof JsonParserError) {
      return { body: [{ errorCode: 'JSON_PARSER_ERROR', message: e.message }], httpHeaders: {}, httpStatusCode: 400, referenceId };
    }
    if (e instanceof ApiError) return { body: e.body(), httpHeaders: {}, httpStatusCode: e.status, referenceId };
    throw e;
  }
}
