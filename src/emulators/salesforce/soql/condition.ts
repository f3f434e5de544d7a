// One WHERE condition → predicate, with SOQL's typing rules: strings are quoted and compared case-insensitively,
// numbers/booleans/dates/datetimes are unquoted, datetime fields need datetime literals (and date fields date
// literals), `!=`/NOT IN match nulls, INCLUDES/EXCLUDES only work on multi-select picklists.
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm
import type { ConditionWithValueQuery, LiteralType, Query } from 'soql-parser-js';
import { normalizeId } from '../ids.ts';
import { ApiError } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import type { FieldDef } from '../types.ts';
import { isNumeric, parseDateTime, formatDate } from '../data/values.ts';
import type { Row, Value } from '../data/values.ts';
import { dateLiteralRange, likeToRegExp, unquote } from './literals.ts';
import { pathGetter, resolvePath, soqlError } from './paths.ts';

export type SubqueryRunner = (q: Query) => Set<Value>;
type Kind = 'text' | 'id' | 'multi' | 'number' | 'boolean' | 'date' | 'datetime';
type Lit = { v: Value } | { range: { start: Value; end: Value } };

function kindOf(f: FieldDef): Kind {
  if (f.type === 'id' || f.type === 'reference') return 'id';
  if (f.type === 'multipicklist') return 'multi';
  if (isNumeric(f.type)) return 'number';
  if (f.type === 'boolean' || f.type === 'date' || f.type === 'datetime') return f.type;
  return 'text';
}

const typeWord: Record<Kind, string> = {
  text: 'string', id: 'id', multi: 'string', number: 'double', boolean: 'boolean', date: 'date', datetime: 'dateTime',
};

function literal(org: Org, soql: string, f: FieldDef, kind: Kind, raw: string, lt: LiteralType | undefined,
  forLike: boolean, n: number | undefined): Lit {
  if (lt === 'NULL') return { v: null };
  const wrongType = (): ApiError => soqlError(soql, raw, 'INVALID_FIELD', `value of filter criterion for field '${f.name}' must be ` +
    `of type ${typeWord[kind]} and should${kind === 'text' || kind === 'id' || kind === 'multi' ? '' : ' not'} be enclosed in quotes`);
  switch (kind) {
    case 'text': case 'multi':
      if (lt !== 'STRING') throw wrongType();
      return { v: unquote(raw, forLike).toLowerCase() };
    case 'id': {
      if (lt !== 'STRING') throw wrongType();
      const s = unquote(raw, false);
      if (s === '') return { v: null };
      const id = normalizeId(s);
      if (!id) throw soqlError(soql, raw, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${s}`);
      return { v: id };
    }
    case 'number':
      if (lt !== 'INTEGER' && lt !== 'DECIMAL') throw wrongType();
      return { v: Number(raw) };
    case 'boolean':
      if (lt !== 'BOOLEAN') throw wrongType();
      return { v: raw.toUpperCase() === 'TRUE' };
    case 'date': case 'datetime': {
      if (lt === 'DATE_LITERAL' || lt === 'DATE_N_LITERAL') {
        const r = dateLiteralRange(raw, n, org.nowMs());
        if (!r) throw soqlError(soql, raw, 'MALFORMED_QUERY', `unexpected token: '${raw}'`);
        return kind === 'date' ? { range: { start: formatDate(r.start), end: formatDate(r.end) } } : { range: r };
      }
      if (kind === 'date' && lt === 'DATE') return { v: raw };
      if (kind === 'datetime' && lt === 'DATETIME') {
        const ms = parseDateTime(raw);
        if (ms !== undefined) return { v: ms };
      }
      throw wrongType();
    }
  }
}

function rowKey(kind: Kind, v: Value): Value {
  if (v === null || v === undefined) return null;
  return kind === 'text' ? String(v).toLowerCase() : v;
}

function multiSet(v: Value): Set<string> {
  return new Set(v === null ? [] : String(v).toLowerCase().split(';'));
}

export function compileCondition(org: Org, soql: string, from: SObjectSchema, c: ConditionWithValueQuery,
  runSubquery: SubqueryRunner): (row: Row) => boolean {
  if (!('field' in c)) throw new ApiError(400, 'MALFORMED_QUERY', 'emulator: functions in WHERE are not supported');
  const path = resolvePath(org, soql, from, c.field);
  const f = path.field;
  if (f.type === 'textarea' && (f.length ?? 0) > 255) {
    throw soqlError(soql, c.field, 'INVALID_FIELD', `field '${f.name}' can not be filtered in a query call`);
  }
  const get = pathGetter(org, path);
  const kind = kindOf(f);
  const op = c.operator.toUpperCase();
  const key = (row: Row): Value => rowKey(kind, get(row));

  if ('valueQuery' in c) {
    const set = runSubquery(c.valueQuery);
    if (op === 'IN') return (row) => set.has(key(row));
    if (op === 'NOT IN') return (row) => !set.has(key(row));
    throw soqlError(soql, c.field, 'MALFORMED_QUERY', 'semi join sub-selects are only allowed with IN and NOT IN');
  }
  const values = Array.isArray(c.value) ? c.value : [c.value];
  const types = Array.isArray(c.literalType) ? c.literalType : values.map(() => c.literalType as LiteralType | undefined);
  const nVar = 'dateLiteralVariable' in c ? c.dateLiteralVariable : undefined;
  const lits = values.map((raw, i) => literal(org, soql, f, kind, raw, types[i], op === 'LIKE',
    Array.isArray(nVar) ? nVar[i] : nVar));
  const first = lits[0] ?? { v: null };

  if (op === 'INCLUDES' || op === 'EXCLUDES') {
    if (kind !== 'multi') {
      throw soqlError(soql, c.field, 'INVALID_QUERY_FILTER_OPERATOR', 'includes or excludes operator only valid on multipicklist field');
    }
    const wanted = lits.map((l) => ('v' in l ? String(l.v).split(';').map((s) => s.trim()) : []));
    const includes = (row: Row): boolean => {
      const have = multiSet(get(row));
      return wanted.some((w) => w.every((p) => have.has(p)));
    };
    return op === 'INCLUDES' ? includes : (row) => !includes(row);
  }
  if (op === 'LIKE') {
    if (kind !== 'text' && kind !== 'multi') throw soqlError(soql, c.field, 'INVALID_FIELD', `invalid operator on field '${f.name}'`);
    const re = likeToRegExp('v' in first ? String(first.v) : '');
    return (row) => {
      const v = get(row);
      return v !== null && re.test(String(v));
    };
  }
  if (op === 'IN' || op === 'NOT IN') {
    const set = new Set(lits.map((l) => ('v' in l ? l.v : null)));
    const inSet = kind === 'multi'
      ? (row: Row): boolean => set.has(rowKey('text', get(row)))
      : (row: Row): boolean => set.has(key(row));
    return op === 'IN' ? inSet : (row) => !inSet(row);
  }
  if ('range' in first) {
    const { start, end } = first.range as { start: number | string; end: number | string };
    const inRange = (v: Value): v is number | string => v !== null && v >= start && v < end;
    switch (op) {
      case '=': return (row) => inRange(key(row));
      case '!=': case '<>': return (row) => !inRange(key(row));
      case '<': return (row) => { const v = key(row); return v !== null && v < start; };
      case '<=': return (row) => { const v = key(row); return v !== null && v < end; };
      case '>': return (row) => { const v = key(row); return v !== null && v >= end; };
      case '>=': return (row) => { const v = key(row); return v !== null && v >= start; };
      default: break;
    }
  }
  const lit = 'v' in first ? first.v : null;
  if (kind === 'multi' && (op === '=' || op === '!=' || op === '<>')) {
    const want = [...multiSet(lit)].sort().join(';');
    const eq = (row: Row): boolean => get(row) !== null && [...multiSet(get(row))].sort().join(';') === want;
    return op === '=' ? (lit === null ? (row) => get(row) === null : eq) : (lit === null ? (row) => get(row) !== null : (row) => !eq(row));
  }
  switch (op) {
    case '=': return (row) => key(row) === lit;
    case '!=': case '<>': return (row) => key(row) !== lit;
    default: break;
  }
  // Ids compare in their base62 (ASCII) order, which is what `WHERE Id > :last ORDER BY Id` keyset paging relies on.
  if (lit === null || kind === 'boolean' || kind === 'multi') {
    throw soqlError(soql, c.field, 'INVALID_QUERY_FILTER_OPERATOR', `invalid operator on field '${f.name}'`);
  }
  const l = lit as number | string;
  switch (op) {
    case '<': return (row) => { const v = key(row); return v !== null && v < l; };
    case '<=': return (row) => { const v = key(row); return v !== null && v <= l; };
    case '>': return (row) => { const v = key(row); return v !== null && v > l; };
    case '>=': return (row) => { const v = key(row); return v !== null && v >= l; };
    default: throw new ApiError(400, 'MALFORMED_QUERY', `unexpected token: '${c.operator}'`);
  }
}
