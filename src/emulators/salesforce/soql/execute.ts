// Query execution and server-side cursors. Like the real server, the matching Ids are fixed when the query runs;
// pages read the records' current values. Pages hold 2,000 rows unless `Sforce-Query-Options: batchSize=N`
// (200..2000) asks otherwise; locators look like 01gXXXXXXXXXXXXXXX-2000 and expire after 15 minutes idle, and a
// user holds at most 10 open cursors (the oldest is dropped).
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
import type { Query } from 'soql-parser-js';
import { ApiError } from '../http/errors.ts';
import type { Org } from '../org.ts';
import { toWire } from '../data/values.ts';
import type { Row, Value } from '../data/values.ts';
import { compile, compileParsed } from './compile.ts';
import type { Plan } from './compile.ts';

export interface QueryResult {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
}

interface Cursor {
  plan: Plan;
  ids: string[];
  batchSize: number;
  userId: string;
  lastUsed: number;
}

const DEFAULT_BATCH = 2000;
const CURSOR_TTL_MS = 15 * 60_000;
const MAX_CURSORS_PER_USER = 10;

export function parseBatchSize(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  const m = text ? /batchSize\s*=\s*(\d+)/i.exec(text) : null;
  if (!m) return undefined;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

export class QueryEngine {
  private readonly cursors = new Map<string, Cursor>();

  constructor(private readonly org: Org) {}

  run(soql: string, opts: { all: boolean; batchSize: number | undefined; version: string; userId: string }): QueryResult {
    const plan = compile(this.org, soql, (q) => this.subquery(soql, q));
    const rows = this.select(plan, opts.all);
    if (plan.countOnly) return { totalSize: rows.length, done: true, records: [] };
    if (plan.aggregates.length > 0) return { totalSize: 1, done: true, records: [this.aggregate(plan, rows)] };
    const ids = rows.map((r) => String(r.Id));
    const cursor: Cursor = { plan, ids, batchSize: opts.batchSize ?? DEFAULT_BATCH, userId: opts.userId, lastUsed: this.org.nowMs() };
    return this.page(cursor, undefined, 0, opts.version);
  }

  /** GET /query/<locator>-<offset> (also serves queryAll cursors). */
  more(locatorAndOffset: string, opts: { batchSize: number | undefined; version: string; userId: string }): QueryResult {
    const m = /^(.+)-(\d+)$/.exec(locatorAndOffset);
    const cursor = m ? this.cursors.get(m[1] ?? '') : undefined;
    if (!m || !cursor || this.org.nowMs() - cursor.lastUsed > CURSOR_TTL_MS || cursor.userId !== opts.userId) {
      if (m) this.cursors.delete(m[1] ?? '');
      throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursor.lastUsed = this.org.nowMs();
    if (opts.batchSize !== undefined) cursor.batchSize = opts.batchSize;
    return this.page(cursor, m[1], Number(m[2]), opts.version);
  }

  private page(cursor: Cursor, locator: string | undefined, offset: number, version: string): QueryResult {
    const end = Math.min(offset + cursor.batchSize, cursor.ids.length);
    const records: Array<Record<string, unknown>> = [];
    const table = this.org.store.table(cursor.plan.sobject);
    for (let i = offset; i < end; i++) {
      const row = table.rows.get(cursor.ids[i] ?? '');
      if (row) records.push(this.project(cursor.plan, row, version));
    }
    const result: QueryResult = { totalSize: cursor.ids.length, done: end >= cursor.ids.length, records };
    if (!result.done) {
      const id = locator ?? this.open(cursor);
      result.nextRecordsUrl = `${this.org.dataPath(version)}/query/${id}-${end}`;
    }
    return result;
  }

  private open(cursor: Cursor): string {
    const now = this.org.nowMs();
    const mine: Array<[string, Cursor]> = [];
    for (const [id, c] of this.cursors) {
      if (now - c.lastUsed > CURSOR_TTL_MS) this.cursors.delete(id);
      else if (c.userId === cursor.userId) mine.push([id, c]);
    }
    mine.sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (mine.length >= MAX_CURSORS_PER_USER) this.cursors.delete(mine.shift()?.[0] ?? '');
    const id = this.org.ids.next('01g');
    this.cursors.set(id, cursor);
    return id;
  }

  private select(plan: Plan, all: boolean): Row[] {
    const out: Row[] = [];
    const where = plan.where;
    for (const row of this.org.store.table(plan.sobject).rows.values()) {
      if (!all && row.IsDeleted === true) continue;
      if (where && !where(row)) continue;
      out.push(row);
    }
    if (plan.compare) out.sort(plan.compare);
    const start = plan.offset;
    const end = plan.limit === undefined ? undefined : start + plan.limit;
    return start === 0 && end === undefined ? out : out.slice(start, end);
  }

  private subquery(soql: string, q: Query): Set<Value> {
    const plan = compileParsed(this.org, soql, q, (inner) => this.subquery(soql, inner));
    const field = plan.select[0];
    if (!field || plan.select.length !== 1) {
      throw new ApiError(400, 'MALFORMED_QUERY', 'semi join sub-selects must select exactly one field');
    }
    const out = new Set<Value>();
    for (const row of this.select(plan, false)) {
      const v = row[field.field.name] ?? null;
      out.add(v);
      if (typeof v === 'string') out.add(v.toLowerCase());
    }
    return out;
  }

  private aggregate(plan: Plan, rows: Row[]): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const a of plan.aggregates) {
      const vals = rows.map(a.get).filter((v): v is Exclude<Value, null> => v !== null);
      let v: Value;
      switch (a.fn) {
        case 'COUNT': v = vals.length; break;
        case 'COUNT_DISTINCT': v = new Set(vals.map((x) => (typeof x === 'string' ? x.toLowerCase() : x))).size; break;
        case 'SUM': v = vals.length ? vals.reduce<number>((s, x) => s + Number(x), 0) : null; break;
        case 'AVG': v = vals.length ? vals.reduce<number>((s, x) => s + Number(x), 0) / vals.length : null; break;
        case 'MIN': case 'MAX': {
          v = vals.reduce<Value>((best, x) => (best === null || (a.fn === 'MIN' ? x < best : x > best) ? x : best), null);
          v = toWire(a.type, v);
          break;
        }
      }
      out[a.alias] = v;
    }
    return out;
  }

  /** One record as the query endpoint returns it: attributes first, then the selected fields in SELECT order. */
  project(plan: Plan, row: Row, version: string): Record<string, unknown> {
    const base = this.org.dataPath(version);
    const out: Record<string, unknown> = { attributes: { type: plan.sobject.name, url: `${base}/sobjects/${plan.sobject.name}/${String(row.Id)}` } };
    for (const p of plan.select) {
      let target = out;
      let cur: Row | undefined = row;
      for (let i = 0; i < p.hops.length && cur; i++) {
        const hop = p.hops[i];
        const rel = p.names[i] ?? '';
        if (!hop) break;
        const id: Value | undefined = cur[hop.ref.name];
        const next: Row | undefined = typeof id === 'string' ? this.org.store.get(id) : undefined;
        if (!next) {
          if (!(rel in target)) target[rel] = null;
          cur = undefined;
          break;
        }
        if (!(rel in target) || target[rel] === null) {
          target[rel] = { attributes: { type: hop.target.name, url: `${base}/sobjects/${hop.target.name}/${String(id)}` } };
        }
        target = target[rel] as Record<string, unknown>;
        cur = next;
      }
      if (cur) target[p.field.name] = toWire(p.field.type, cur[p.field.name]);
    }
    return out;
  }
}
