// FROZEN REFERENCE (test oracle): the matching engine as it was before the throughput work, kept verbatim so
// test/rules/equivalence.test.ts can check that the optimised engine in src/rules returns identical results. Do not
// optimise or "fix" this copy; when matching semantics change on purpose, change both and say so in the commit.
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
import type { LeadData, Temperature } from '../../../src/domain/lead.ts';
import type { Partner, PartnerStats } from '../../../src/domain/partner.ts';
import type { MatchingConfig } from '../../../src/rules/config-schema.ts';
import type { MatchContext } from './criteria/views.ts';
import { Pair, leadView } from './criteria/views.ts';
import type { Geocoder } from '../../../src/rules/geo.ts';
import type { PreparedMatcher } from './prepare.ts';
import { basePlausible, prepareMatching, stepPlausible } from './prepare.ts';

export { prepareMatching } from './prepare.ts';
export type { PreparedMatcher } from './prepare.ts';

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

const MICRO = 1_000_000;

export function match(input: MatchInput): MatchResult {
  const prep =
    input.prepared !== undefined && input.prepared.partners === input.partners && input.prepared.cfg === input.cfg
      ? input.prepared
      : prepareMatching(input.partners, input.stats, input.cfg, input.geocoder);
  const { views, filters, cfg } = prep;
  const lead = leadView(input.lead, input.leadTemperature, prep.leadAttrPaths, prep.geocoder);
  const ctx: MatchContext = {
    lead, stats: input.stats, declined: input.declined, alreadyOffered: input.alreadyOffered,
    blocked: input.blocked ?? new Set(), now: input.now,
  };
  const areaAt = filters.findIndex((f) => f.kind === 'area');
  const areaFilter = filters[areaAt];
  const area = areaFilter?.kind === 'area' ? areaFilter.area : null;

  // One record per evaluated partner, as parallel arrays (no per-partner objects on the hot path): its widening
  // stage (0 = in its declared area, Infinity = never) and the first other filter it failed (-1 = none).
  const n = views.length;
  const seen = new Uint8Array(n);
  const evIdx: number[] = [];
  const evStage: number[] = [];
  const evFailed: number[] = [];
  const evMessage: string[] = [];
  // What the filters computed for passing partners, reused when scoring them.
  const evDist: Array<number | null | undefined> = [];
  const evSt: Array<Pair['computedStats']> = [];
  const pair = new Pair(lead, input.stats);

  const evaluate = (i: number): void => {
    if (seen[i] === 1) return;
    seen[i] = 1;
    const p = views[i]!;
    pair.reset(p);
    // The service area is checked first, wherever it sits in the list: it decides whether a partner is
    // reported at all (outside the area = counted, not listed).
    const stage = area === null ? 0 : area.stage(p, lead, pair);
    let failedAt = -1;
    let message = '';
    if (stage !== Infinity) {
      for (let f = 0; f < filters.length; f++) {
        const filter = filters[f]!;
        if (filter.kind === 'area') continue;
        const why = filter.check(p, ctx, pair);
        if (why !== null) {
          failedAt = f;
          message = why;
          break;
        }
      }
    }
    evIdx.push(i);
    evStage.push(stage);
    evFailed.push(failedAt);
    evMessage.push(message);
    evDist.push(pair.computedDist);
    evSt.push(pair.computedStats);
  };

  const full = input.explainAll === true || prep.index === null;
  if (full) for (let i = 0; i < n; i++) evaluate(i);
  else basePlausible(prep.index, lead, evaluate);

  // Widen step by step until enough partners pass (rules issue: radius, then region, then country).
  const need = cfg.widening.minCandidates ?? cfg.offerCount;
  const countAt = (s: number): number => {
    let c = 0;
    for (let k = 0; k < evIdx.length; k++) if (evStage[k]! <= s && evFailed[k] === -1) c++;
    return c;
  };
  const widened: MatchResult['widened'] = [];
  let chosen = 0;
  if (area !== null && countAt(0) < need) {
    const steps = cfg.widening.steps;
    for (let s = 1; s <= steps.length; s++) {
      if (!full) stepPlausible(prep.index, lead, steps[s - 1]!, evaluate);
      chosen = s;
      const c = countAt(s);
      widened.push({ step: area.stepLabels[s - 1]!, candidates: c });
      if (c >= need) break;
    }
  }

  const passing: number[] = [];
  const passingK: number[] = [];
  // Exclusions keyed by (filter position, view index); views are in id order (prepare.ts), so sorting the keys
  // orders by filter, then partner id, natively (a typed-array sort, no comparator calls).
  const keys: number[] = [];
  let inArea = 0;
  for (let k = 0; k < evIdx.length; k++) {
    const i = evIdx[k]!;
    const stage = evStage[k]!;
    if (stage > chosen) {
      if (full) keys.push((areaAt * n + i) * (n + 1) + k);
      continue;
    }
    inArea++;
    if (evFailed[k] === -1) {
      passing.push(i);
      passingK.push(k);
    }
    else keys.push((evFailed[k]! * n + i) * (n + 1) + k);
  }
  const sorted = Float64Array.from(keys).sort();
  const excluded = Array.from(sorted, (key): Exclusion => {
    const k = key % (n + 1);
    const i = evIdx[k]!;
    const stage = evStage[k]!;
    if (area !== null && stage > chosen) {
      const step = area.stepLabels[stage - 1];
      const message = area.describe(views[i]!, lead) + (step === undefined ? '' : `; in area after widening to ${step}`);
      return { partnerId: views[i]!.id, filter: filters[areaAt]!.name, message };
    }
    return { partnerId: views[i]!.id, filter: filters[evFailed[k]!]!.name, message: evMessage[k]! };
  });

  const limit = full || cfg.candidateLimit === 0 ? Infinity : cfg.candidateLimit;
  const known = (j: number): Pair => pair.reset(views[passing[j]!]!, evDist[passingK[j]!], evSt[passingK[j]!]);
  return { candidates: rank(prep, ctx, passing, limit, known), passed: passing.length, excluded, widened, outsideArea: n - inArea };
}

/** Score, order and explain the passing partners `idx`; `pairOf(j)` gives the pair facts of idx[j]. */
function rank(prep: PreparedMatcher, ctx: MatchContext, idx: readonly number[], limit: number, pairOf: (j: number) => Pair): Candidate[] {
  const { scores, views } = prep;
  const k = scores.length;
  const totalW = scores.reduce((s, c) => s + c.w, 0);
  const values = new Float64Array(idx.length * k);
  const raw = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const p = views[idx[j]!]!;
    const pair = pairOf(j);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const sc = scores[c]!;
      if (sc.w === 0) continue;
      const v = sc.value(p, ctx, pair);
      const micro = Math.round((v <= 0 || Number.isNaN(v) ? 0 : v >= 1 ? 1 : v) * MICRO);
      values[j * k + c] = micro;
      sum += sc.w * micro;
    }
    raw[j] = sum;
  }
  const order = rankOrder(raw, idx, prep.views.length);
  const kept = limit >= order.length ? order : keep(order, (j) => isTopLevel(views[idx[j]!]!.level), limit);
  const scale = totalW > 0 ? totalW * (MICRO / 100) : 1;
  return kept.map((j) => {
    const p = views[idx[j]!]!;
    const pair = pairOf(j);
    const contributions: Contribution[] = [];
    for (let c = 0; c < k; c++) {
      const sc = scores[c]!;
      if (sc.w === 0) continue;
      const micro = values[j * k + c]!;
      contributions.push({ criterion: sc.name, weight: sc.weight, value: micro / MICRO, points: (sc.w * micro) / scale, note: sc.note(p, ctx, pair) });
    }
    return { partnerId: p.id, score: totalW > 0 ? raw[j]! / scale : 0, level: p.level, contributions };
  });

  function isTopLevel(level: string | null): boolean {
    return level !== null && prep.topLevels.has(level.toLowerCase());
  }
}

/**
 * Positions j of `raw` ordered by raw score descending, then view index ascending (= partner id). When the packed
 * key raw × n + (n − 1 − index) stays exact (below 2^53) the order comes from one native typed-array sort;
 * otherwise from a comparator. Both orders are identical.
 */
function rankOrder(raw: Float64Array, idx: readonly number[], n: number): number[] {
  const m = idx.length;
  let max = 0;
  for (let j = 0; j < m; j++) if (raw[j]! > max) max = raw[j]!;
  if ((max + 1) * n * (m + 1) >= Number.MAX_SAFE_INTEGER) {
    return idx.map((_, j) => j).sort((a, b) => raw[b]! - raw[a]! || idx[a]! - idx[b]!);
  }
  const keys = new Float64Array(m);
  for (let j = 0; j < m; j++) keys[j] = ((raw[j]! * n + (n - 1 - idx[j]!)) * (m + 1)) + j;
  keys.sort();
  const out = new Array<number>(m);
  for (let r = 0; r < m; r++) out[r] = keys[m - 1 - r]! % (m + 1);
  return out;
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
