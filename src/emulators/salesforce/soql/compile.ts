// SOQL text → an executable plan: parse with soql-parser-js, resolve every name against the schema (errors use the
// real INVALID_FIELD / INVALID_TYPE / MALFORMED_QUERY formats), and build predicate, comparator and projection.
import soqlParser from 'soql-parser-js';
import type { OrderByClause, Query } from 'soql-parser-js';
import { ApiError } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import type { FieldDef } from '../types.ts';
import type { Row, Value } from '../data/values.ts';
import { pathGetter, resolveObject, resolvePath, soqlError } from './paths.ts';
import type { ResolvedPath } from './paths.ts';
import { compileWhere } from './where.ts';
import type { Predicate } from './where.ts';
import type { SubqueryRunner } from './condition.ts';

export interface Aggregate {
  fn: 'COUNT' | 'COUNT_DISTINCT' | 'MIN' | 'MAX' | 'SUM' | 'AVG';
  alias: string;
  get: (row: Row) => Value;
  type: FieldDef['type'];
}

export interface Plan {
  sobject: SObjectSchema;
  soql: string;
  countOnly: boolean;
  aggregates: Aggregate[];
  select: ResolvedPath[];
  where: Predicate | undefined;
  compare: ((a: Row, b: Row) => number) | undefined;
  limit: number | undefined;
  offset: number;
}

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG']);
const MAX_OFFSET = 2000;

function parse(soql: string): Query {
  try {
    return soqlParser.parseQuery(soql);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const found = /found --> '([^']*)' <--/.exec(msg) ?? /->(.)<-/.exec(msg);
    throw soqlError(soql, found?.[1] ?? soql.split(/\s+/)[0] ?? '', 'MALFORMED_QUERY',
      found ? `unexpected token: '${found[1]}'` : `unexpected token: ${msg}`);
  }
}

/** Sort key: text sorts case-insensitively, ids by their case-sensitive base62 value, booleans false < true. */
function sortKey(type: FieldDef['type'], v: Value): number | string {
  if (typeof v === 'string') return type === 'id' || type === 'reference' ? v : v.toLowerCase();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v ?? 0;
}

function comparator(org: Org, soql: string, from: SObjectSchema, clauses: OrderByClause[]): (a: Row, b: Row) => number {
  const keys = clauses.map((c) => {
    if (!('field' in c)) throw new ApiError(400, 'MALFORMED_QUERY', 'emulator: ORDER BY functions are not supported');
    const p = resolvePath(org, soql, from, c.field);
    if (p.field.type === 'textarea' && (p.field.length ?? 0) > 255 || p.field.type === 'multipicklist') {
      throw soqlError(soql, c.field, 'INVALID_FIELD', `field '${p.field.name}' can not be sorted in a query call`);
    }
    const desc = c.order?.toUpperCase() === 'DESC';
    // Default: ASC NULLS FIRST, DESC NULLS LAST.
    const nullsFirst = c.nulls ? c.nulls.toUpperCase() === 'FIRST' : !desc;
    return { get: pathGetter(org, p), desc, nullsFirst, type: p.field.type };
  });
  return (a, b) => {
    for (const k of keys) {
      const va = k.get(a);
      const vb = k.get(b);
      if (va === vb) continue;
      if (va === null || vb === null) return (va === null) === k.nullsFirst ? -1 : 1;
      const ra = sortKey(k.type, va);
      const rb = sortKey(k.type, vb);
      if (ra === rb) continue;
      const r = ra < rb ? -1 : 1;
      return k.desc ? -r : r;
    }
    return 0;
  };
}

function expandFieldsFn(from: SObjectSchema, arg: string, soql: string, limit: number | undefined): string[] {
  const which = arg.toUpperCase();
  if ((which === 'ALL' || which === 'CUSTOM') && (limit === undefined || limit > 200)) {
    throw soqlError(soql, 'FIELDS', 'MALFORMED_QUERY', 'The SOQL FIELDS function must have a LIMIT of at most 200');
  }
  return from.fields.filter((f) => (which === 'ALL' ? true : which === 'CUSTOM' ? f.custom === true : f.custom !== true))
    .map((f) => f.name);
}

export function compile(org: Org, soql: string, runSubquery: SubqueryRunner): Plan {
  const q = parse(soql);
  return compileParsed(org, soql, q, runSubquery);
}

export function compileParsed(org: Org, soql: string, q: Query, runSubquery: SubqueryRunner): Plan {
  if (!q.sObject) throw new ApiError(400, 'MALFORMED_QUERY', 'unexpected token: FROM');
  const from = resolveObject(org, soql, q.sObject);
  if (q.groupBy || q.having) throw soqlError(soql, 'GROUP', 'MALFORMED_QUERY', 'emulator: GROUP BY is not supported');
  const select: ResolvedPath[] = [];
  const aggregates: Aggregate[] = [];
  let countOnly = false;
  const seen = new Set<string>();
  const addPath = (path: string): void => {
    const p = resolvePath(org, soql, from, path);
    const key = p.names.join('.').toLowerCase();
    if (seen.has(key)) throw soqlError(soql, path, 'INVALID_FIELD', `duplicate field selected: ${p.names.join('.')}`);
    seen.add(key);
    select.push(p);
  };
  for (const item of q.fields ?? []) {
    if (item.type === 'Field') addPath(item.field);
    else if (item.type === 'FieldRelationship') addPath([...item.relationships, item.field].join('.'));
    else if (item.type === 'FieldFunctionExpression') {
      const fn = item.functionName.toUpperCase();
      const params = item.parameters.filter((p): p is string => typeof p === 'string');
      if (fn === 'FIELDS') {
        for (const name of expandFieldsFn(from, params[0] ?? 'ALL', soql, q.limit)) if (!seen.has(name.toLowerCase())) addPath(name);
      } else if (fn === 'COUNT' && params.length === 0) {
        countOnly = true;
      } else if (AGGREGATES.has(fn) && params[0] !== undefined) {
        const p = resolvePath(org, soql, from, params[0]);
        aggregates.push({ fn: fn as Aggregate['fn'], alias: item.alias ?? `expr${aggregates.length}`, get: pathGetter(org, p), type: p.field.type });
      } else {
        throw soqlError(soql, fn, 'MALFORMED_QUERY', `emulator: function ${fn} is not supported`);
      }
    } else {
      throw soqlError(soql, 'SELECT', 'MALFORMED_QUERY', 'emulator: sub-queries and TYPEOF are not supported');
    }
  }
  if (countOnly && (select.length > 0 || aggregates.length > 0)) {
    throw soqlError(soql, 'COUNT', 'MALFORMED_QUERY', 'COUNT() may not be used with other fields');
  }
  if (aggregates.length > 0 && select.length > 0) {
    throw soqlError(soql, select[0]?.names.join('.') ?? 'SELECT', 'MALFORMED_QUERY',
      `Field must be grouped or aggregated: ${select[0]?.names.join('.') ?? ''}`);
  }
  const offset = q.offset ?? 0;
  if (offset > MAX_OFFSET) {
    throw new ApiError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
  }
  const orderBy = q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
  return {
    sobject: from, soql, countOnly, aggregates, select,
    where: q.where ? compileWhere(org, soql, from, q.where, runSubquery) : undefined,
    compare: orderBy.length > 0 ? comparator(org, soql, from, orderBy) : undefined,
    limit: q.limit, offset,
  };
}
