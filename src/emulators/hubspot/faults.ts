// Fault injection, the same rule model as the Salesforce emulator: rules matched per request (kind / method / path),
// firing a bounded number of times or with a seeded probability. They reproduce what production throws at a
// connector: outages (502/503 + HTML), 429s (the real policy bodies via `throttle`, with or without Retry-After),
// dropped sockets, slow answers, tokens expiring mid-run, per-record errors inside a 207, and a write that lands while
// its response is lost (afterApply).
import type { FaultAction, FaultControl, FaultInfo, FaultKind, FaultRule, RecordErrorSpec } from './types.ts';

interface Entry {
  id: string;
  rule: FaultRule;
  path: RegExp | undefined;
  seen: number;
  fired: number;
  random: () => number;
}

/** mulberry32: small, fast, good enough to make probabilistic faults reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FiredFault {
  id: string;
  rule: FaultRule;
}

export function isRecordError(r: FaultAction): r is { recordError: RecordErrorSpec } {
  return 'recordError' in r;
}
export function isAfterApply(r: FaultAction): r is Extract<FaultAction, { afterApply: unknown }> {
  return 'afterApply' in r;
}

/** Whether a fired fault's call counts against the API limit (outages and throttles never reach the API). */
export function faultCounts(rule: FaultRule): boolean {
  if (rule.countsAsApiCall !== undefined) return rule.countsAsApiCall;
  if ('reset' in rule && rule.reset === true) return false;
  if ('throttle' in rule || 'expireTokens' in rule) return false;
  if ('status' in rule && typeof rule.status === 'number') {
    return rule.status >= 400 && rule.status < 500 && rule.status !== 401 && rule.status !== 403 && rule.status !== 429;
  }
  return true; // delays, record errors and afterApply reach the API
}

export class Faults implements FaultControl {
  private entries: Entry[] = [];
  private nextId = 1;
  private total = 0;
  private readonly firedById = new Map<string, number>();

  add(rule: FaultRule): string {
    const id = `fault-${this.nextId++}`;
    const path = rule.path === undefined ? undefined : typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path;
    this.entries.push({ id, rule, path, seen: 0, fired: 0, random: prng(rule.seed ?? 1) });
    return id;
  }

  remove(id: string): void {
    this.entries = this.entries.filter((e) => e.id !== id);
  }

  clear(): void {
    this.entries = [];
  }

  injected(id?: string): number {
    return id === undefined ? this.total : (this.firedById.get(id) ?? 0);
  }

  list(): FaultInfo[] {
    return this.entries.map((e) => ({ id: e.id, rule: e.rule, fired: e.fired, active: !this.exhausted(e) }));
  }

  private exhausted(e: Entry): boolean {
    const times = e.rule.times ?? (e.rule.probability !== undefined ? Number.POSITIVE_INFINITY : 1);
    return e.fired >= times;
  }

  /**
   * The first rule that fires for this request, if any. `door` rules act before/around the handler; `records`
   * rules (recordError) are consulted by the write handlers, once per request.
   */
  match(req: { kind: FaultKind; method: string; path: string }, want: 'door' | 'records'): FiredFault | undefined {
    for (const e of this.entries) {
      const r = e.rule;
      if ((want === 'records') !== isRecordError(r)) continue;
      if (this.exhausted(e)) continue;
      if (r.kind !== undefined && !(Array.isArray(r.kind) ? r.kind : [r.kind]).includes(req.kind)) continue;
      if (r.method !== undefined && r.method.toUpperCase() !== req.method.toUpperCase()) continue;
      if (e.path && !e.path.test(req.path)) continue;
      e.seen++;
      if (e.seen <= (r.after ?? 0)) continue;
      if (r.probability !== undefined && e.random() >= r.probability) continue;
      e.fired++;
      this.total++;
      this.firedById.set(e.id, e.fired);
      return { id: e.id, rule: r };
    }
    return undefined;
  }
}

/** The positions in a records array a recordError rule fails. */
export function recordErrorIndexes(spec: RecordErrorSpec, records: ReadonlyArray<Record<string, unknown>>): Set<number> {
  const out = new Set<number>();
  const idx = spec.index === undefined ? [] : Array.isArray(spec.index) ? spec.index : [spec.index];
  for (const i of idx) out.add(i);
  if (spec.predicate) records.forEach((r, i) => { if (spec.predicate?.(r, i)) out.add(i); });
  if (spec.index === undefined && !spec.predicate) out.add(0);
  return out;
}
