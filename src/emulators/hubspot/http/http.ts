// Transport-neutral request/response shapes used by every handler; the node:http server adapts to them.
import type { IncomingHttpHeaders } from 'node:http';
import { HubSpotError } from './errors.ts';

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

// HubSpot answers `application/json;charset=utf-8`; the client picks its parser from this header.
export const JSON_TYPE = 'application/json;charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Res {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function noContent(): Res {
  return { status: 204, headers: {}, body: '' };
}

export function errorRes(e: HubSpotError): Res {
  return json(e.status, e.body());
}

/** Parses a JSON request body; malformed JSON is a 400 like the real API's Jackson error. */
export function parseJsonBody(req: Req): unknown {
  if (req.body.trim() === '') return undefined;
  try {
    return JSON.parse(req.body) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new HubSpotError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1, column 1: ${msg}`);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Query parameters that may repeat or be comma separated (`properties=a,b&properties=c`). */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.toLowerCase() === 'true';
}

/** A scalar JSON value as a string ('' for null, objects and arrays): ids and names arrive as strings or numbers. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : '';
}
