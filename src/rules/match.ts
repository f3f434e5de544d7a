// Matching: (lead, partners, stats, ruleset, now) -> candidates best first, every exclusion with its filter and
// reason, and the widening steps taken. Pure and deterministic: same input and clock, same result.
//
// Scores are summed exactly: each value is rounded to 1e-6 and each weight to 0.01, both as integers, so a
// score is an integer sum (well below 2^53) and ranking never depends on floating-point summation order. That
// is what makes "raising the weight of a criterion on which P beats Q never moves P below Q" hold exactly.
//
// Throughput is bounded by the partners evaluated per lead (the area index keeps that to the lead's
// neighbourhood, see prepare.ts) times the filters, plus the candidates times the scores. Explanations cost more
// than arithmetic, so they are built where they are read: exclusion messages from texts rendered once per
// partner and once per lead, and contribution notes only for the candidates a result lists
// (`matching.candidateLimit`; `explainAll` lists and explains everyone).
import type { LeadData, Temperature } from '../domain/lead.ts';
import type { Partner, PartnerStats } from '../domain/partner.ts';
import type { MatchingConfig } from './config-schema.ts';
import { DIST_UNKNOWN, Evaluation, NEVER } from './criteria/evaluation.ts';
import { MICRO, micro } from './criteria/scores.ts';
import type { AreaCheck } from './criteria/service-area.ts';
import type { MatchContext } from './criteria/views.ts';
import { Pair, leadView } from './criteria/views.ts';
import type { Geocoder } from './geo.ts';
import type { AreaEntry, PreparedMatcher } from './prepare.ts';
import { prepareMatching } from './prepare.ts';

export { prepareMatching } from './prepare.ts';
export type { PreparedMatcher } from './prepare.ts';
export { gini, selectWave, fairnessFigure } from './fairness.ts';

export interface MatchInput {
  lead: LeadData;
  leadTemperature: Temperature;
  partners: readonly Partner[];
  stats: ReadonlyMap<string, PartnerStats>;
  declined: ReadonlySet<string>;
  alreadyOffered: ReadonlySet<string>;
  /** Partners blocked by the feedback gate, on top of what their stats say. */
  blocked?: ReadonlySet<string>;
  cfg: MatchingConfig;
  now: Date;
  /** Unused by match (it is deterministic); the fairness draw in selectWave takes the random function. */
  random?: () => number;
  /** From prepareMatching(partners, stats, cfg); used when built from this very partner list and config. */
  prepared?: PreparedMatcher;
  /** Offline geocoder when no prepared matcher is given; default: the built-in table (geo.ts). */
  geocoder?: Geocoder;
  /** Evaluate and list every partner, outside the area too, with every candidate explained (`leadrelay explain`). */
  explainAll?: boolean;
}

export interface Contribution {
  criterion: string;
  weight: number;
  /** 0..1, rounded to 1e-6. */
  value: number;
  /** Share of the 0..100 score: weight × value / sum of weights × 100. */
  points: number;
  note: string;
}

export interface Candidate {
  partnerId: string;
  /** 0..100. */
  score: number;
  /** The partner's level (fairness: share beyond the top levels). */
  level: string | null;
  contributions: Contribution[];
}

export interface Exclusion {
  partnerId: string;
  filter: string;
  message: string;
}

export interface MatchResult {
  /**
   * Sorted best first; equal scores by partner id. At most `matching.candidateLimit` best, plus up to as many
   * of the best beyond the top levels (so selectWave can apply the fairness share); all with explainAll.
   */
  candidates: Candidate[];
  /** How many partners passed every filter (the list above may be cut to candidateLimit). */
  passed: number;
  /**
   * Partners in the lead's area (at the widening step used) that a filter removed: the first filter each failed,
   * in filter order, then by partner id. With explainAll, also every partner outside the area (serviceArea).
   */
  excluded: Exclusion[];
  /** Widening steps taken, with the candidate count after each; empty when the declared areas sufficed. */
  widened: Array<{ step: string; candidates: number }>;
  /** Partners outside the lead's area at the widening step used (listed in `excluded` only with explainAll). */
  outsideArea: number;
}

const noIds: ReadonlySet<string> = new Set();

export function match(input: MatchInput): MatchResult {
  const prep =
    input.prepared !== undefined && input.prepared.partners === input.partners && input.prepared.cfg === input.cfg
      ? input.prepared
      : prepareMatching(input.partners, input.stats, input.cfg, input.geocoder);
  const { views, filters } = prep;
  const lead = leadView(input.lead, input.leadTemperature, prep.leadAttrPaths, prep.geocoder);
  const ctx: MatchContext = {
    lead, stats: input.stats, declined: input.declined, alreadyOffered: input.alreadyOffered,
    blocked: input.blocked ?? noIds, now: input.now,
  };
  const areaAt = filters.findIndex((f) => f.kind === 'area');
  const areaFilter = filters[areaAt];
  const area = areaFilter?.kind === 'area' ? areaFilter.area : null;

  // The partners evaluated, by position (criteria/evaluation.ts): with the index, the area cache's rounds (the
  // partners the lookups find, with their widening stage and distance); otherwise every partner.
  const areas = input.explainAll === true ? null : prep.areas;
  const entry = areas === null ? null : areas.entry(lead);
  const e = Evaluation.take(views, prep.table, lead, ctx);
  try {
    return evaluate(prep, e, input.explainAll === true, entry, area, areaAt);
  } finally {
    Evaluation.release(e);
  }
}

function evaluate(prep: PreparedMatcher, e: Evaluation, explainAll: boolean, entry: AreaEntry | null, area: AreaCheck | null, areaAt: number): MatchResult {
  const { views, filters, cfg } = prep;
  const lead = e.lead;
  const n = views.length;
  const full = entry === null;
  if (entry === null) {
    const pair = new Pair(lead, e.ctx.stats);
    for (let i = 0; i < n; i++) {
      const p = views[i]!;
      // The service area is checked first, wherever it sits in the list: it decides whether a partner is
      // reported at all (outside the area = counted, not listed).
      const stage = area === null ? 0 : area.stage(p, lead, pair.reset(p));
      const d = pair.computedDist;
      e.push(i, stage === Infinity ? NEVER : stage, d === undefined ? DIST_UNKNOWN : d === null ? NaN : d);
    }
  } else {
    const r = entry.rounds[0]!;
    e.pushAll(r.idx, r.stage, r.dist);
  }
  runFilters(filters, e, 0);

  // Widen step by step until enough partners pass (rules issue: radius, then region, then country).
  const need = cfg.widening.minCandidates ?? cfg.offerCount;
  const widened: MatchResult['widened'] = [];
  let chosen = 0;
  if (area !== null && countAt(e, 0) < need) {
    const steps = cfg.widening.steps;
    for (let s = 1; s <= steps.length; s++) {
      if (entry !== null) {
        const from = e.size;
        const r = prep.areas!.round(entry, lead, s);
        e.pushAll(r.idx, r.stage, r.dist);
        runFilters(filters, e, from);
      }
      chosen = s;
      const c = countAt(e, s);
      widened.push({ step: area.stepLabels[s - 1]!, candidates: c });
      if (c >= need) break;
    }
  }

  // Passing partners, and exclusions bucketed by filter position (counting sort), then by partner id: positions
  // are in view-index (= id) order within a round, so only a widened indexed match sorts within buckets.
  const size = e.size;
  const nf = filters.length;
  const pass = e.int32(0, size);
  let passed = 0;
  const bucketOf = e.int32(1, size).fill(-1, 0, size);
  const perFilter = e.int32(2, nf + 1).fill(0, 0, nf + 1);
  let inArea = 0;
  for (let k = 0; k < size; k++) {
    let b: number;
    if (e.stage[k]! > chosen) {
      if (!full) continue;
      b = areaAt;
    } else {
      inArea++;
      b = e.failed[k]!;
      if (b === -1) {
        pass[passed++] = k;
        continue;
      }
    }
    bucketOf[k] = b;
    perFilter[b + 1]!++;
  }
  for (let f = 1; f <= nf; f++) perFilter[f]! += perFilter[f - 1]!;
  const total = perFilter[nf]!;
  const order = e.int32(3, total);
  const next = e.int32(4, nf);
  next.set(perFilter.subarray(0, nf));
  for (let k = 0; k < size; k++) {
    const b = bucketOf[k]!;
    if (b !== -1) order[next[b]!++] = k;
  }
  if (!full && chosen > 0) {
    const idx = e.idx;
    for (let f = 0; f < nf; f++) order.subarray(perFilter[f], perFilter[f + 1]).sort((a, b) => idx[a]! - idx[b]!);
  }
  const excluded = new Array<Exclusion>(total);
  const ids = prep.table.ids;
  for (let r = 0; r < total; r++) {
    const k = order[r]!;
    const i = e.idx[k]!;
    const stage = e.stage[k]!;
    if (area !== null && stage > chosen) {
      const step = stage === NEVER ? undefined : area.stepLabels[stage - 1];
      const message = area.describe(views[i]!, lead) + (step === undefined ? '' : `; in area after widening to ${step}`);
      excluded[r] = { partnerId: ids[i]!, filter: filters[areaAt]!.name, message };
    } else {
      excluded[r] = { partnerId: ids[i]!, filter: filters[e.failed[k]!]!.name, message: e.message[k]! };
    }
  }

  const limit = explainAll || prep.areas === null || cfg.candidateLimit === 0 ? Infinity : cfg.candidateLimit;
  return { candidates: rank(prep, e, pass, passed, limit), passed, excluded, widened, outsideArea: n - inArea };
}

/** Run the filters (all but the service area, in order) over the positions from `from` on with a finite stage. */
function runFilters(filters: PreparedMatcher['filters'], e: Evaluation, from: number): void {
  const live = e.int32(5, e.size - from);
  let count = 0;
  for (let k = from; k < e.size; k++) if (e.stage[k] !== NEVER) live[count++] = k;
  for (let f = 0; f < filters.length && count > 0; f++) {
    const filter = filters[f]!;
    if (filter.kind !== 'area') count = filter.run(e, live, count, f);
  }
}

/** Partners in the area at stage s that passed every filter. */
function countAt(e: Evaluation, s: number): number {
  let c = 0;
  for (let k = 0; k < e.size; k++) if (e.stage[k]! <= s && e.failed[k] === -1) c++;
  return c;
}

/** Score, order and explain the passing partners at positions pos[0..m) of `e`. */
function rank(prep: PreparedMatcher, e: Evaluation, pos: Int32Array, m: number, limit: number): Candidate[] {
  const { scores, views } = prep;
  const k = scores.length;
  let totalW = 0;
  for (let c = 0; c < k; c++) totalW += scores[c]!.w;
  // Values of criteria with weight 0 are neither computed nor read.
  const values = e.float64(0, m * k);
  for (let c = 0; c < k; c++) {
    const sc = scores[c]!;
    if (sc.w === 0) continue;
    sc.run(e, pos, m, values, k, c);
    for (let j = 0; j < m; j++) values[j * k + c] = micro(values[j * k + c]!);
  }
  const raw = e.float64(1, m);
  const idx = e.int32(6, m);
  for (let j = 0; j < m; j++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const w = scores[c]!.w;
      if (w !== 0) sum += w * values[j * k + c]!;
    }
    raw[j] = sum;
    idx[j] = e.idx[pos[j]!]!;
  }
  const top = prep.table.top;
  const kept = limit >= m
    ? rankOrder(raw, idx, m, views.length, e.float64(2, m))
    : (selectKept(raw, idx, top, m, views.length, limit, e) ?? keep(rankOrder(raw, idx, m, views.length, e.float64(2, m)), (j) => top[idx[j]!] === 1, limit));
  const scale = totalW > 0 ? totalW * (MICRO / 100) : 1;
  // Contributions criterion by criterion (each note function runs over all listed candidates in a row).
  const kn = kept.length;
  const lists = new Array<Contribution[]>(kn);
  for (let r = 0; r < kn; r++) lists[r] = [];
  for (let c = 0; c < k; c++) {
    const sc = scores[c]!;
    if (sc.w === 0) continue;
    for (let r = 0; r < kn; r++) {
      const j = kept[r]!;
      const micro = values[j * k + c]!;
      const note = sc.note(views[idx[j]!]!, e.ctx, e.pairAt(pos[j]!));
      lists[r]!.push({ criterion: sc.name, weight: sc.weight, value: micro / MICRO, points: (sc.w * micro) / scale, note });
    }
  }
  const out = new Array<Candidate>(kn);
  for (let r = 0; r < kn; r++) {
    const j = kept[r]!;
    const p = views[idx[j]!]!;
    out[r] = { partnerId: p.id, score: totalW > 0 ? raw[j]! / scale : 0, level: p.level, contributions: lists[r]! };
  }
  return out;
}

/**
 * Positions j of `raw` ordered by raw score descending, then view index ascending (= partner id). When the packed
 * key raw × n + (n − 1 − index) stays exact (below 2^53) the order comes from one native typed-array sort;
 * otherwise from a comparator. Both orders are identical.
 */
function rankOrder(raw: Float64Array, idx: Int32Array, m: number, n: number, scratch: Float64Array): number[] {
  let max = 0;
  for (let j = 0; j < m; j++) if (raw[j]! > max) max = raw[j]!;
  if ((max + 1) * n * (m + 1) >= Number.MAX_SAFE_INTEGER) {
    return Array.from({ length: m }, (_, j) => j).sort((a, b) => raw[b]! - raw[a]! || idx[a]! - idx[b]!);
  }
  const keys = scratch.subarray(0, m);
  for (let j = 0; j < m; j++) keys[j] = ((raw[j]! * n + (n - 1 - idx[j]!)) * (m + 1)) + j;
  keys.sort();
  const out = new Array<number>(m);
  for (let r = 0; r < m; r++) out[r] = keys[m - 1 - r]! % (m + 1);
  return out;
}

/**
 * keep(rankOrder(…)) without ordering everyone: the best `limit` (heap A) and the best `limit` beyond the top
 * levels (heap B), over the same packed keys as rankOrder, then only those ordered. null when the packed keys
 * would not be exact (rankOrder's comparator case) or `limit` ≥ m.
 */
function selectKept(raw: Float64Array, idx: Int32Array, top: Uint8Array, m: number, n: number, limit: number, e: Evaluation): number[] | null {
  let max = 0;
  for (let j = 0; j < m; j++) if (raw[j]! > max) max = raw[j]!;
  if (limit >= m || (max + 1) * n * (m + 1) >= Number.MAX_SAFE_INTEGER) return null;
  const a = e.float64(3, limit);
  const b = e.float64(4, limit);
  let na = 0;
  let nb = 0;
  for (let j = 0; j < m; j++) {
    const key = ((raw[j]! * n + (n - 1 - idx[j]!)) * (m + 1)) + j;
    na = offer(a, na, limit, key);
    if (top[idx[j]!] !== 1) nb = offer(b, nb, limit, key);
  }
  // A is full (limit < m); a key of B is in A iff it is not below A's least (keys are distinct).
  const keys = e.float64(2, na + nb);
  let c = 0;
  for (let r = 0; r < na; r++) keys[c++] = a[r]!;
  for (let r = 0; r < nb; r++) if (b[r]! < a[0]!) keys[c++] = b[r]!;
  const sorted = keys.subarray(0, c).sort();
  const out = new Array<number>(c);
  for (let r = 0; r < c; r++) out[r] = sorted[c - 1 - r]! % (m + 1);
  return out;
}

/** Add `key` to the min-heap h[0..size) holding the `limit` greatest keys offered; returns the new size. */
function offer(h: Float64Array, size: number, limit: number, key: number): number {
  if (size < limit) {
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= key) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = key;
    return size + 1;
  }
  if (key <= h[0]!) return size;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const child = r < size && h[r]! < h[l]! ? r : l;
    if (h[child]! >= key) break;
    h[i] = h[child]!;
    i = child;
  }
  h[i] = key;
  return size;
}

/** The best `limit` in rank order, plus the best `limit` beyond the top levels (fairness needs them). */
function keep(order: readonly number[], top: (j: number) => boolean, limit: number): number[] {
  const out: number[] = [];
  let beyond = 0;
  for (let r = 0; r < order.length; r++) {
    const j = order[r]!;
    if (r < limit) {
      out.push(j);
      if (!top(j)) beyond++;
    } else if (beyond < limit && !top(j)) {
      out.push(j);
      beyond++;
    } else if (beyond >= limit) break;
  }
  return out;
}
