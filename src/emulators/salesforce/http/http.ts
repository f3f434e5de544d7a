// Transport-neutral request/response shapes used by every handler (the node:http server adapts to them, and
// composite subrequests reuse them without a socket).
import type { IncomingHttpHeaders } from 'node:http';
import type { CallKind, FaultKind } from '../types.ts';
import { ApiError } from './errors.ts';

export interface Req {
  method: string;
  /** Decoded path without query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Res {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';
export const XML_TYPE = 'text/xml;charset=UTF-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Res {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function noContent(): Res {
  return { status: 204, headers: {}, body: '' };
}

export function xml(status: number, body: string): Res {
  return { status, headers: { 'Content-Type': XML_TYPE }, body };
}

export function errorRes(e: ApiError): Res {
  return json(e.status, e.body());
}

/** Parses a JSON request body; malformed JSON is a 400 JSON_PARSER_ERROR like the real API. */
export function parseJsonBody(req: Req): unknown {
  if (req.body.trim() === '') return undefined;
  try {
    return JSON.parse(req.body) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ApiError(400, 'JSON_PARSER_ERROR', `Unexpected character: ${msg} at [line:1, column:1]`);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const VERSION_RE = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/;

/** Splits /services/data/v60.0/sobjects/Lead into version '60.0' and segments ['sobjects', 'Lead']. */
export function splitDataPath(path: string): { version: string; segments: string[] } | undefined {
  const m = VERSION_RE.exec(path);
  if (!m) return undefined;
  const segments = (m[2] ?? '').split('/').filter((s) => s !== '').map(decodeSegment);
  return { version: m[1] ?? '60.0', segments };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Which call-stats/fault kind a request is (see CallStats). */
export function classify(method: string, path: string, query: URLSearchParams): FaultKind {
  if (path.startsWith('/services/oauth2/') || path.startsWith('/id/')) return 'auth';
  if (path.startsWith('/services/Soap/m/')) return 'metadata';
  if (path.startsWith('/services/Soap/')) return 'soap';
  const data = splitDataPath(path);
  if (!data) return 'other';
  const [a, b, c] = data.segments;
  let kind: CallKind = 'other';
  if (a === 'query' || a === 'queryAll') {
    if (b !== undefined) kind = 'queryMore';
    else kind = a;
    if (b === undefined && !query.has('q') && query.has('explain')) kind = 'other';
  } else if (a === 'sobjects') {
    if (b === undefined || c === 'describe' || (c === undefined && method === 'GET')) kind = 'describe';
    else kind = 'sobject';
  } else if (a === 'composite') {
    kind = b === 'sobjects' ? 'collections' : 'composite';
  } else if (a === 'limits') {
    kind = 'limits';
  }
  return kind;
}
