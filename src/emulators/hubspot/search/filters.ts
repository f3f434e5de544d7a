// Search request validation and compilation: filterGroups are ORed, the filters inside a group ANDed. Limits since
// August 2024: at most 5 groups, 10 filters per group, 25 filters in all; one sort; limit at most 200.
// https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api
// https://developers.hubspot.com/docs/guides/api/crm/search#filter-search-results
import type { Account } from '../account.ts';
import type { Indexed } from '../data/store.ts';
import { toEpochMs } from '../data/values.ts';
import { validation } from '../http/errors.ts';
import { isObject } from '../http/http.ts';
import type { ObjectType, PropertyDef } from '../types.ts';

export const MAX_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 10;
export const MAX_FILTERS = 25;
export const MAX_LIMIT = 200;

const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

export type Predicate = (r: Indexed) => boolean;

type Kind = 'number' | 'datetime' | 'date' | 'string';

function kindOf(def: PropertyDef | undefined, name: string): Kind {
  if (name === 'hs_object_id' || def?.type === 'number') return 'number';
  if (def?.type === 'datetime') return 'datetime';
  if (def?.type === 'date') return 'date';
  return 'string';
}

const STORED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A comparable key of a stored wire value or a filter value; undefined when it does not parse. Datetimes compare as
 * normalised ISO strings (stored values already are, so 25k-record sorts need no date parsing); filter values may be
 * epoch ms or ISO, as the API accepts both.
 */
function key(kind: Kind, v: string): number | string | undefined {
  if (kind === 'number') {
    const n = Number(v);
    return Number.isFinite(n) && v.trim() !== '' ? n : undefined;
  }
  if (kind === 'datetime') {
    if (STORED_ISO.test(v)) return v;
    const ms = toEpochMs(v);
    return ms === undefined ? undefined : new Date(ms).toISOString();
  }
  if (kind === 'date') {
    const ms = toEpochMs(v);
    return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 10);
  }
  return v.toLowerCase();
}

function stored(kind: Kind, r: Indexed, prop: string): number | string | undefined {
  const v = r.props.get(prop);
  return v === undefined || v === '' ? undefined : key(kind, v);
}

function filterValue(kind: Kind, raw: unknown, prop: string): number | string {
  const s = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  const k = s === undefined ? undefined : key(kind, s);
  if (k === undefined) throw validation(`There was a problem with the request. ${JSON.stringify(raw)} is not a valid value to filter ${prop} on.`);
  return k;
}

/** CONTAINS_TOKEN: a word of the value (or the whole value) matches; `*` is a wildcard. */
function tokenMatcher(pattern: string): (v: string) => boolean {
  const esc = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const re = new RegExp(`^${esc}$`);
  return (v) => {
    const lower = v.toLowerCase();
    return re.test(lower) || lower.split(/[^\p{L}\p{N}]+/u).some((t) => t !== '' && re.test(t));
  };
}

function compileFilter(acct: Account, type: ObjectType, f: Record<string, unknown>): Predicate {
  const prop = f.propertyName;
  const op = f.operator;
  if (typeof prop !== 'string' || prop === '') throw validation('There was a problem with the request. filters[].propertyName is required.');
  if (typeof op !== 'string' || !OPERATORS.has(op)) throw validation(`There was a problem with the request. Unknown filter operator ${JSON.stringify(op)}.`);
  const kind = kindOf(acct.schema.get(type, prop), prop);
  const cmp = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);
  switch (op) {
    case 'HAS_PROPERTY': return (r) => stored(kind, r, prop) !== undefined || (r.props.get(prop) ?? '') !== '';
    case 'NOT_HAS_PROPERTY': return (r) => (r.props.get(prop) ?? '') === '';
    case 'IN': case 'NOT_IN': {
      if (!Array.isArray(f.values) || f.values.length === 0) throw validation(`There was a problem with the request. ${op} needs a non-empty values array.`);
      const set = new Set(f.values.map((v) => filterValue(kind, v, prop)));
      return op === 'IN'
        ? (r) => { const v = stored(kind, r, prop); return v !== undefined && set.has(v); }
        : (r) => { const v = stored(kind, r, prop); return v === undefined || !set.has(v); };
    }
    case 'BETWEEN': {
      const lo = filterValue(kind, f.value, prop);
      const hi = filterValue(kind, f.highValue, prop);
      return (r) => { const v = stored(kind, r, prop); return v !== undefined && cmp(v, lo) >= 0 && cmp(v, hi) <= 0; };
    }
    case 'CONTAINS_TOKEN': case 'NOT_CONTAINS_TOKEN': {
      if (typeof f.value !== 'string') throw validation(`There was a problem with the request. ${op} needs a string value.`);
      const m = tokenMatcher(f.value);
      return op === 'CONTAINS_TOKEN'
        ? (r) => { const v = r.props.get(prop); return v !== undefined && m(v); }
        : (r) => { const v = r.props.get(prop); return v === undefined || !m(v); };
    }
    default: {
      const want = filterValue(kind, f.value, prop);
      const test: Record<string, (c: number) => boolean> = {
        EQ: (c) => c === 0, NEQ: (c) => c !== 0, LT: (c) => c < 0, LTE: (c) => c <= 0, GT: (c) => c > 0, GTE: (c) => c >= 0,
      };
      const t = test[op] ?? ((): boolean => false);
      // NEQ also matches records without a value (the index has no term for them).
      if (op === 'NEQ') return (r) => { const v = stored(kind, r, prop); return v === undefined || t(cmp(v, want)); };
      return (r) => { const v = stored(kind, r, prop); return v !== undefined && t(cmp(v, want)); };
    }
  }
}

/** Compiles filterGroups into one predicate, enforcing the documented limits. */
export function compileGroups(acct: Account, type: ObjectType, groups: unknown): Predicate {
  if (groups === undefined || groups === null) return () => true;
  if (!Array.isArray(groups)) throw validation('There was a problem with the request. filterGroups must be an array.');
  if (groups.length > MAX_GROUPS) throw validation(`There was a problem with the request. Too many filter groups: ${groups.length}. The maximum is ${MAX_GROUPS}.`, { subCategory: 'SEARCH_FILTER_GROUPS_LIMIT' });
  let total = 0;
  const compiled: Predicate[][] = [];
  for (const g of groups) {
    const filters = isObject(g) && Array.isArray(g.filters) ? g.filters : undefined;
    if (!filters) throw validation('There was a problem with the request. Each filter group needs a filters array.');
    if (filters.length > MAX_FILTERS_PER_GROUP) throw validation(`There was a problem with the request. Too many filters in a group: ${filters.length}. The maximum is ${MAX_FILTERS_PER_GROUP}.`, { subCategory: 'SEARCH_FILTERS_PER_GROUP_LIMIT' });
    total += filters.length;
    compiled.push(filters.map((f) => {
      if (!isObject(f)) throw validation('There was a problem with the request. A filter must be an object.');
      return compileFilter(acct, type, f);
    }));
  }
  if (total > MAX_FILTERS) throw validation(`There was a problem with the request. Too many filters: ${total}. The maximum is ${MAX_FILTERS}.`, { subCategory: 'SEARCH_FILTERS_LIMIT' });
  const live = compiled.filter((g) => g.length > 0);
  if (live.length === 0) return () => true;
  return (r) => live.some((g) => g.every((p) => p(r)));
}

export interface SortSpec {
  prop: string;
  desc: boolean;
  kind: Kind;
}

/** `sorts`: one entry, `{propertyName, direction}` or a bare name (`-name` descending). */
export function parseSorts(acct: Account, type: ObjectType, sorts: unknown): SortSpec | undefined {
  if (sorts === undefined || sorts === null) return undefined;
  if (!Array.isArray(sorts)) throw validation('There was a problem with the request. sorts must be an array.');
  if (sorts.length === 0) return undefined;
  if (sorts.length > 1) throw validation(`There was a problem with the request. Only one sort is supported, got ${sorts.length}.`);
  const s: unknown = sorts[0];
  let prop: string | undefined;
  let desc = false;
  if (typeof s === 'string') {
    desc = s.startsWith('-');
    prop = desc ? s.slice(1) : s;
  } else if (isObject(s) && typeof s.propertyName === 'string') {
    prop = s.propertyName;
    desc = s.direction === 'DESCENDING';
  }
  if (!prop) throw validation('There was a problem with the request. A sort needs a propertyName.');
  return { prop, desc, kind: kindOf(acct.schema.get(type, prop), prop) };
}

/** Orders hits by the sort (missing values last) with hs_object_id as the tie-break, or by id without a sort. */
export function comparator(sort: SortSpec | undefined): (a: Indexed, b: Indexed) => number {
  if (!sort) return (a, b) => a.num - b.num;
  const { prop, desc, kind } = sort;
  return (a, b) => {
    const x = stored(kind, a, prop);
    const y = stored(kind, b, prop);
    if (x === undefined || y === undefined) return x === y ? a.num - b.num : x === undefined ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return c !== 0 ? (desc ? -c : c) : a.num - b.num;
  };
}
