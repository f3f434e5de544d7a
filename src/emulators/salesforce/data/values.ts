// Field values: the in-memory form (datetimes as epoch milliseconds truncated to whole seconds, dates as
// 'YYYY-MM-DD', numbers, booleans, strings, null) and the wire form the REST API speaks.
// Datetimes on the wire look like 2024-05-20T20:49:32.000+0000 and carry second precision only:
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_valid_date_formats.htm
import type { FieldDef, FieldType } from '../types.ts';

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

const STRINGISH: ReadonlySet<FieldType> = new Set([
  'id', 'string', 'email', 'phone', 'url', 'textarea', 'picklist', 'multipicklist', 'reference',
]);
const NUMERIC: ReadonlySet<FieldType> = new Set(['double', 'currency', 'percent', 'int']);

export const isStringish = (t: FieldType): boolean => STRINGISH.has(t);
export const isNumeric = (t: FieldType): boolean => NUMERIC.has(t);

export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses the datetime spellings Salesforce accepts; returns epoch ms (not truncated) or undefined. */
export function parseDateTime(s: string): number | undefined {
  const m = DATETIME_RE.exec(s.trim());
  if (!m) {
    const d = DATE_RE.exec(s.trim());
    return d ? Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) : undefined;
  }
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0),
    frac ? Math.floor(Number(frac) * 1000) : 0);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses a date value (YYYY-MM-DD, or the date part of a datetime); returns 'YYYY-MM-DD' or undefined. */
export function parseDate(s: string): string | undefined {
  const t = s.trim();
  const d = DATE_RE.exec(t);
  if (d) {
    const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    return formatDate(ms) === t ? t : undefined;
  }
  const ms = parseDateTime(t);
  return ms === undefined ? undefined : formatDate(ms);
}

/** In-memory value → REST/JSON value. */
export function toWire(type: FieldType, v: Value | undefined): Value {
  if (v === undefined || v === null) return null;
  if (type === 'datetime' && typeof v === 'number') return formatDateTime(v);
  return v;
}

export function rowToWire(fields: readonly FieldDef[], row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.name] = toWire(f.type, row[f.name]);
  return out;
}

/** The deserializer's name for a field type in JSON_PARSER_ERROR messages. */
function jsonTypeName(t: FieldType): string {
  return t === 'datetime' ? 'dateTime' : t;
}

/** A value the REST JSON deserializer cannot bind: the whole request fails with 400 JSON_PARSER_ERROR. */
export class JsonParserError extends Error {
  constructor(field: FieldDef, value: unknown) {
    const token = Array.isArray(value) ? 'START_ARRAY' : typeof value === 'object' && value !== null ? 'START_OBJECT'
      : typeof value === 'string' ? 'VALUE_STRING' : typeof value === 'boolean' ? `VALUE_${String(value).toUpperCase()}`
        : 'VALUE_NUMBER_FLOAT';
    const shown = typeof value === 'object' && value !== null ? '' : ` value ${String(value)}`;
    super(`Cannot deserialize instance of ${jsonTypeName(field.type)} from ${token}${shown} or request may be missing a required field at [line:1, column:1]`);
    this.name = 'JsonParserError';
  }
}

/** Text of a scalar JSON value (objects are never passed here; they are JSON_PARSER_ERRORs). */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

const NUMBER_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Binds a JSON value to a field like the REST deserializer does (lenient: numbers into text, numeric strings into
 * numbers, "true"/"false" into checkboxes). Throws JsonParserError when the value cannot be bound at all.
 * Semantic checks (length, picklist, email, ranges) happen later, per record.
 */
export function bindJson(field: FieldDef, value: unknown): Value {
  if (value === null || value === undefined) return field.type === 'boolean' ? false : null; // checkboxes are never null
  const t = field.type;
  if (typeof value === 'object') throw new JsonParserError(field, value);
  if (STRINGISH.has(t)) {
    const s = scalarText(value);
    return s === '' ? null : s; // Salesforce stores empty text as null.
  }
  if (NUMERIC.has(t)) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string') {
      if (value.trim() === '') return null;
      if (NUMBER_STRING.test(value.trim())) return Number(value.trim());
    }
    throw new JsonParserError(field, value);
  }
  if (t === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw new JsonParserError(field, value);
  }
  if (typeof value !== 'string') throw new JsonParserError(field, value);
  if (value.trim() === '') return null;
  if (t === 'date') {
    const d = parseDate(value);
    if (d === undefined) throw new JsonParserError(field, value);
    return d;
  }
  const ms = parseDateTime(value);
  if (ms === undefined) throw new JsonParserError(field, value);
  return truncateToSecond(ms);
}

/** Reads a seed/control-surface value: like bindJson but also accepts Date objects and epoch numbers. */
export function bindLoose(field: FieldDef, value: unknown): Value {
  if (value instanceof Date) value = value.toISOString();
  if (field.type === 'datetime' && typeof value === 'number') return truncateToSecond(value);
  return bindJson(field, value);
}
