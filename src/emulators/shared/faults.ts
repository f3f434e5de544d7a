// Fault injection shared by the CRM emulators: rules matched per request (kind / method / path), firing a
// bounded number of times or with a seeded probability. Each emulator adds its own actions (status bodies,
// throttles, token expiry) and decides which faulted calls count against its API limit.

export interface BaseFaultRule<K extends string> {
  kind?: K | K[];
  method?: string;
  /** Regular expression tested against the request path (without query string); a string is compiled. */
  path?: RegExp | string;
  /** Skip this many matching calls before firing. Default 0. */
  after?: number;
  /** Fire on this many matching calls, then retire. Default 1, or unlimited when `probability` is set. */
  times?: number;
  /** Fire with this probability per matching call, using a PRNG seeded with `seed` (default 1). */
  probability?: number;
  seed?: number;
  countsAsApiCall?: boolean;
}

/** Which records of a batch a per-record fault fails (each emulator adds its error shape). */
export interface RecordSelector {
  /** Zero-based positions in the request's records array. */
  index?: number | number[];
  predicate?: (record: Record<string, unknown>, index: number) => boolean;
}

interface Entry<R> { id: string; rule: R; path: RegExp | undefined; seen: number; fired: number; random: () => number }

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

export function isRecordError<R extends object>(r: R): r is R & { recordError: RecordSelector } {
  return 'recordError' in r;
}

export class FaultBook<K extends string, R extends BaseFaultRule<K>> {
  private entries: Array<Entry<R>> = [];
  private nextId = 1;
  private total = 0;
  private readonly firedById = new Map<string, number>();

  add(rule: R): string {
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

  list(): Array<{ id: string; rule: R; fired: number; active: boolean }> {
    return this.entries.map((e) => ({ id: e.id, rule: e.rule, fired: e.fired, active: !this.exhausted(e) }));
  }

  private exhausted(e: Entry<R>): boolean {
    const times = e.rule.times ?? (e.rule.probability !== undefined ? Number.POSITIVE_INFINITY : 1);
    return e.fired >= times;
  }

  /**
   * The first rule that fires for this request, if any. `door` rules act before/around the handler; `records`
   * rules (recordError) are consulted by the write handlers, once per request.
   */
  match(req: { kind: K; method: string; path: string }, want: 'door' | 'records'): { id: string; rule: R } | undefined {
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
export function recordErrorIndexes(spec: RecordSelector, records: ReadonlyArray<Record<string, unknown>>): Set<number> {
  const out = new Set<number>();
  const idx = spec.index === undefined ? [] : Array.isArray(spec.index) ? spec.index : [spec.index];
  for (const i of idx) out.add(i);
  if (spec.predicate) records.forEach((r, i) => { if (spec.predicate?.(r, i)) out.add(i); });
  if (spec.index === undefined && !spec.predicate) out.add(0);
  return out;
}

/** Default billing of a faulted call: outages, throttles and auth failures never reach the API. */
export function statusFaultCounts(rule: { countsAsApiCall?: boolean; reset?: unknown; status?: unknown }): boolean {
  if (rule.countsAsApiCall !== undefined) return rule.countsAsApiCall;
  if (rule.reset === true) return false;
  if (typeof rule.status === 'number') return rule.status >= 400 && rule.status < 500 && rule.status !== 401 && rule.status !== 403 && rule.status !== 429;
  return true; // delays, record errors and afterApply reach the API
}
