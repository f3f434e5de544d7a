// One match call's working state. The partners it evaluates get positions 0, 1, … and their facts sit in parallel
// typed arrays (no object per partner): view index, widening stage, distance, first failed filter and its reason,
// and the stats, fetched from the caller's map on first use (stats are never cached across calls: the offer
// service changes them between calls). Filters and scores run criterion by criterion over lists of positions
// (filters.ts, scores.ts), so each criterion's loop is monomorphic and the per-lead work (a lead's product ids,
// wanted certifications …) is done once per call.
//
// The arrays are scratch space reused from call to call (`Evaluation.take`): typed arrays of a few hundred
// elements live outside the JS heap, and allocating a dozen per call made garbage collection a third of the run.
// Nothing a call returns refers to them.
import type { TextQuery } from './bitset.ts';
import type { PartnerTable } from './table.ts';
import type { LeadView, MatchContext, PairStats, PartnerView } from './views.ts';
import { Pair, zeroStats } from './views.ts';

/** Stage of a partner outside the area at every widening step. */
export const NEVER = 0x7fffffff;
/** Distance not computed yet (distances are ≥ 0; NaN stands for "no distance", i.e. null). */
export const DIST_UNKNOWN = -1;

let spare: Evaluation | null = null;

export class Evaluation {
  size = 0;
  idx = new Int32Array(256);
  stage = new Int32Array(256);
  dist = new Float64Array(256);
  /** Position of the first filter the partner failed; −1: none (yet). */
  failed = new Int32Array(256);
  readonly message: Array<string | undefined> = [];
  // Set by take() before any use.
  views!: readonly PartnerView[];
  table!: PartnerTable;
  lead!: LeadView;
  ctx!: MatchContext;
  private readonly st: Array<PairStats | undefined> = [];
  private pair!: Pair;
  private productQuery: TextQuery | null = null;
  private readonly attrQueries: Array<TextQuery | undefined> = [];
  private readonly ints: Int32Array[] = [];
  private readonly doubles: Float64Array[] = [];

  /** A cleared evaluation for one call; give it back with `release`. */
  static take(views: readonly PartnerView[], table: PartnerTable, lead: LeadView, ctx: MatchContext): Evaluation {
    const e = spare ?? new Evaluation();
    spare = null;
    e.views = views;
    e.table = table;
    e.lead = lead;
    e.ctx = ctx;
    e.pair = new Pair(lead, ctx.stats);
    e.size = 0;
    e.productQuery = null;
    e.attrQueries.length = 0;
    return e;
  }

  /** Done with `e`: the next call may reuse its arrays (a nested call, should there be one, takes a new one). */
  static release(e: Evaluation): void {
    e.productQuery = null;
    e.attrQueries.length = 0;
    // Stats must not outlive the call; messages are read only where `failed` was set in the same call.
    e.st.fill(undefined, 0, e.size);
    spare = e;
  }

  private reserve(extra: number): void {
    const need = this.size + extra;
    // Dense, so the JS arrays stay in V8's fast element kinds.
    while (this.st.length < need) {
      this.st.push(undefined);
      this.message.push(undefined);
    }
    if (need <= this.idx.length) return;
    const c = Math.max(need, this.idx.length * 2);
    const idx = new Int32Array(c);
    const stage = new Int32Array(c);
    const dist = new Float64Array(c);
    const failed = new Int32Array(c);
    idx.set(this.idx.subarray(0, this.size));
    stage.set(this.stage.subarray(0, this.size));
    dist.set(this.dist.subarray(0, this.size));
    failed.set(this.failed.subarray(0, this.size));
    this.idx = idx;
    this.stage = stage;
    this.dist = dist;
    this.failed = failed;
  }

  /** Add one partner; `dist` NaN = no distance, DIST_UNKNOWN = not computed yet. */
  push(i: number, stage: number, dist: number): void {
    this.reserve(1);
    const k = this.size++;
    this.idx[k] = i;
    this.stage[k] = stage;
    this.dist[k] = dist;
    this.failed[k] = -1;
  }

  /** Add partners in bulk (an area-cache round). */
  pushAll(idx: Int32Array, stage: Int32Array, dist: Float64Array): void {
    this.reserve(idx.length);
    const k = this.size;
    this.idx.set(idx, k);
    this.stage.set(stage, k);
    this.dist.set(dist, k);
    this.failed.fill(-1, k, k + idx.length);
    this.size += idx.length;
  }

  view(k: number): PartnerView {
    return this.views[this.idx[k]!]!;
  }

  distAt(k: number): number | null {
    let d = this.dist[k]!;
    if (d === DIST_UNKNOWN) {
      const v = this.pairAt(k).dist;
      d = v === null ? NaN : v;
      this.dist[k] = d;
    }
    return Number.isNaN(d) ? null : d;
  }

  stAt(k: number): PairStats {
    let s = this.st[k];
    if (s === undefined) {
      s = this.ctx.stats.get(this.table.ids[this.idx[k]!]!) ?? zeroStats;
      this.st[k] = s;
    }
    return s;
  }

  /** The shared Pair pointed at position k, with the facts known so far (for criteria written per pair). */
  pairAt(k: number): Pair {
    const d = this.dist[k]!;
    return this.pair.reset(this.view(k), d === DIST_UNKNOWN ? undefined : Number.isNaN(d) ? null : d, this.st[k]);
  }

  /** Keep what the pair computed for position k (after pairAt(k) and a criterion's use of it). */
  keep(k: number): void {
    const pair = this.pair;
    const d = pair.computedDist;
    if (d !== undefined) this.dist[k] = d === null ? NaN : d;
    const s = pair.computedStats;
    if (s !== undefined) this.st[k] = s;
  }

  fail(k: number, f: number, message: string): void {
    this.failed[k] = f;
    this.message[k] = message;
  }

  /** The lead's products against the partners' product vocabulary (once per call). */
  products(): TextQuery {
    return (this.productQuery ??= this.table.products.query(this.lead.products));
  }

  /** The texts `texts` of attribute slot `slot` against the partners' values of that slot (once per call). */
  attrQuery(slot: number, texts: readonly string[]): TextQuery {
    let q = this.attrQueries[slot];
    if (q === undefined || q.texts !== texts) {
      q = this.table.attrs[slot]!.bits.query(texts);
      this.attrQueries[slot] = q;
    }
    return q;
  }

  /** Scratch integers #slot, at least n of them, contents undefined; valid until the next call. */
  int32(slot: number, n: number): Int32Array {
    let a = this.ints[slot];
    if (a === undefined || a.length < n) {
      a = new Int32Array(Math.max(n, 2 * (a?.length ?? 128)));
      this.ints[slot] = a;
    }
    return a;
  }

  /** Scratch numbers #slot, at least n of them, contents undefined; valid until the next call. */
  float64(slot: number, n: number): Float64Array {
    let a = this.doubles[slot];
    if (a === undefined || a.length < n) {
      a = new Float64Array(Math.max(n, 2 * (a?.length ?? 128)));
      this.doubles[slot] = a;
    }
    return a;
  }
}

/**
 * Memo of a per-lead value across the criteria's runs in one match call (match is synchronous: the last lead seen
 * is the current one; the lead view is made per call).
 */
export function perCall<T>(fn: (e: Evaluation) => T): (e: Evaluation) => T {
  let last: LeadView | null = null;
  let value: T | undefined;
  return (e) => {
    if (e.lead !== last) {
      value = fn(e);
      last = e.lead;
    }
    return value as T;
  };
}
