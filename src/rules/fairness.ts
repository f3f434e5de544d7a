// Fairness: not only premium partners. A configurable share of every wave goes to candidates beyond the top
// level(s), and a run's fairness is stated as a figure: the Gini coefficient of offers per eligible partner
// (0 = everyone got the same number, towards 1 = a few got everything).
import type { MatchingConfig } from './config-schema.ts';
import type { Candidate, MatchResult } from './match.ts';

// selectWave runs once per lead: the top levels are worked out once per config (memoised on the config's
// `fairness` and `levels` objects, which a parsed config never changes in place).
const topMemo = new WeakMap<object, { readonly levels: object; readonly configured: readonly string[]; readonly top: ReadonlySet<string> }>();

/** The levels counted as "top": configured, or the highest-valued level(s) in `levels`. */
export function topLevels(cfg: MatchingConfig): ReadonlySet<string> {
  const hit = topMemo.get(cfg.fairness);
  if (hit !== undefined && hit.levels === cfg.levels && hit.configured === cfg.fairness.topLevels) return hit.top;
  const top = computeTopLevels(cfg);
  topMemo.set(cfg.fairness, { levels: cfg.levels, configured: cfg.fairness.topLevels, top });
  return top;
}

function computeTopLevels(cfg: MatchingConfig): ReadonlySet<string> {
  const configured = cfg.fairness.topLevels;
  if (configured.length > 0) return new Set(configured.map((l) => l.trim().toLowerCase()));
  const values = Object.values(cfg.levels);
  if (values.length === 0) return new Set();
  const best = Math.max(...values);
  return new Set(Object.entries(cfg.levels).filter(([, v]) => v === best).map(([l]) => l.trim().toLowerCase()));
}

export function isTop(c: Candidate, top: ReadonlySet<string>): boolean {
  return c.level !== null && top.has(c.level.trim().toLowerCase());
}

/**
 * Pick `count` candidates for a wave: at least ceil(count × beyondTopShare) places go to candidates beyond the
 * top levels when there are enough of them (best-scoring, or a draw weighted by score with `pick: weighted`);
 * the remaining places go by rank. The wave is returned in rank order.
 */
export function selectWave(result: MatchResult, count: number, cfg: MatchingConfig, random: () => number): Candidate[] {
  const all = result.candidates;
  const n = Math.max(0, Math.min(Math.floor(count), all.length));
  if (n === 0) return [];
  const top = topLevels(cfg);
  const beyond = all.filter((c) => !isTop(c, top));
  const reserved = Math.min(beyond.length, Math.ceil(n * cfg.fairness.beyondTopShare - 1e-9));
  const chosen = new Set<Candidate>(cfg.fairness.pick === 'weighted' ? weightedDraw(beyond, reserved, random) : beyond.slice(0, reserved));
  for (const c of all) {
    if (chosen.size >= n) break;
    chosen.add(c);
  }
  return all.filter((c) => chosen.has(c));
}

/** Draw k without replacement, each with probability proportional to score + 1 (a zero score keeps a chance). */
function weightedDraw(pool: readonly Candidate[], k: number, random: () => number): Candidate[] {
  const left = [...pool];
  const out: Candidate[] = [];
  while (out.length < k && left.length > 0) {
    const total = left.reduce((s, c) => s + c.score + 1, 0);
    const r0 = random();
    let r = (Number.isFinite(r0) ? Math.min(Math.max(r0, 0), 1 - Number.EPSILON) : 0) * total;
    let pickAt = left.length - 1;
    for (let i = 0; i < left.length; i++) {
      r -= left[i]!.score + 1;
      if (r < 0) {
        pickAt = i;
        break;
      }
    }
    out.push(...left.splice(pickAt, 1));
  }
  return out;
}

/**
 * Gini coefficient of non-negative counts (offers per eligible partner): 0 for equal counts, an empty list or all
 * zeros; (n − 1) / n when one partner got everything. Negative or non-finite entries count as 0.
 */
export function gini(counts: readonly number[]): number {
  const xs = counts.map((x) => (Number.isFinite(x) && x > 0 ? x : 0)).sort((a, b) => a - b);
  const n = xs.length;
  const total = xs.reduce((s, x) => s + x, 0);
  if (n === 0 || total === 0) return 0;
  // G = Σ (2i − n − 1) x_i / (n Σ x), i = 1..n over ascending x.
  let acc = 0;
  xs.forEach((x, i) => (acc += (2 * (i + 1) - n - 1) * x));
  return acc / (n * total);
}

export interface FairnessFigure {
  readonly gini: number;
  readonly eligiblePartners: number;
  readonly offers: number;
  /** Share of offers that went to partners beyond the top levels (null: no offers). */
  readonly beyondTopShare: number | null;
}

/**
 * The fairness of a run (`leadrelay simulate`): offers per partner over every partner that was eligible for at
 * least one lead, so partners that never got an offer count as zeros.
 */
export function fairnessFigure(waves: readonly (readonly Candidate[])[], eligible: Iterable<string>, cfg: MatchingConfig): FairnessFigure {
  const counts = new Map<string, number>();
  for (const id of eligible) counts.set(id, 0);
  const top = topLevels(cfg);
  let offers = 0;
  let beyond = 0;
  for (const w of waves) {
    for (const c of w) {
      counts.set(c.partnerId, (counts.get(c.partnerId) ?? 0) + 1);
      offers++;
      if (!isTop(c, top)) beyond++;
    }
  }
  return { gini: gini([...counts.values()]), eligiblePartners: counts.size, offers, beyondTopShare: offers === 0 ? null : beyond / offers };
}
