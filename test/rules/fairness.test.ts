import { describe, expect, it } from 'vitest';
import type { Candidate, MatchResult } from '../../src/rules/match.ts';
import { fairnessFigure, gini, selectWave } from '../../src/rules/match.ts';
import { matching, seeded } from './fixtures.ts';

const cand = (partnerId: string, score: number, level: string | null): Candidate => ({ partnerId, score, level, contributions: [] });
const result = (candidates: Candidate[]): MatchResult => ({ candidates, passed: candidates.length, excluded: [], widened: [], outsideArea: 0 });
const ranked = result([
  cand('p1', 90, 'platinum'), cand('p2', 85, 'platinum'), cand('p3', 80, 'platinum'), cand('p4', 75, 'platinum'),
  cand('g1', 70, 'gold'), cand('s1', 60, 'silver'), cand('r1', 40, 'registered'), cand('n1', 30, null),
]);
const ids = (cs: Candidate[]) => cs.map((c) => c.partnerId);

describe('selectWave: share beyond the top level', () => {
  it('without a share takes the best by rank', () => {
    expect(ids(selectWave(ranked, 3, matching({ fairness: { beyondTopShare: 0 } }), seeded(1)))).toEqual(['p1', 'p2', 'p3']);
  });

  it('reserves ceil(count × share) places beyond the top level, best first, in rank order', () => {
    expect(ids(selectWave(ranked, 5, matching(), seeded(1)))).toEqual(['p1', 'p2', 'p3', 'g1', 's1']); // 0.4 × 5 = 2
    expect(ids(selectWave(ranked, 3, matching(), seeded(1)))).toEqual(['p1', 'g1', 's1']); // ceil(0.4 × 3) = 2
  });

  it('counts configured top levels', () => {
    const cfg = matching({ fairness: { topLevels: ['platinum', 'gold'], beyondTopShare: 0.5 } });
    expect(ids(selectWave(ranked, 4, cfg, seeded(1)))).toEqual(['p1', 'p2', 's1', 'r1']);
  });

  it('fills with top partners when too few others exist, and never exceeds the candidates', () => {
    const few = result([cand('p1', 90, 'platinum'), cand('p2', 80, 'platinum'), cand('s1', 10, 'silver')]);
    expect(ids(selectWave(few, 3, matching({ fairness: { beyondTopShare: 1 } }), seeded(1)))).toEqual(['p1', 'p2', 's1']);
    expect(ids(selectWave(few, 10, matching(), seeded(1)))).toEqual(['p1', 'p2', 's1']);
    expect(selectWave(result([]), 5, matching(), seeded(1))).toEqual([]);
  });

  it('weighted pick draws beyond-top places by score with the given random, reproducibly', () => {
    const cfg = matching({ fairness: { pick: 'weighted', beyondTopShare: 0.4 } });
    const a = ids(selectWave(ranked, 5, cfg, seeded(7)));
    expect(ids(selectWave(ranked, 5, cfg, seeded(7)))).toEqual(a);
    expect(a.slice(0, 3)).toEqual(['p1', 'p2', 'p3']);
    const counts = new Map<string, number>();
    const rnd = seeded(3);
    for (let i = 0; i < 4000; i++) for (const id of ids(selectWave(ranked, 1, matching({ fairness: { pick: 'weighted', beyondTopShare: 1 } }), rnd))) counts.set(id, (counts.get(id) ?? 0) + 1);
    // Probabilities ∝ score + 1 over g1 (71), s1 (61), r1 (41), n1 (31): 204 in all.
    expect(counts.get('g1')! / 4000).toBeCloseTo(71 / 204, 1);
    expect(counts.get('n1')! / 4000).toBeCloseTo(31 / 204, 1);
    expect(counts.has('p1')).toBe(false);
  });
});

describe('gini', () => {
  it('is 0 for equal counts, empty input or no offers', () => {
    expect(gini([3, 3, 3, 3])).toBe(0);
    expect(gini([])).toBe(0);
    expect(gini([0, 0])).toBe(0);
  });
  it('is (n − 1) / n when one partner gets everything', () => {
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75, 12);
    expect(gini([5])).toBe(0);
  });
  it('matches the textbook value and ignores order; junk counts as 0', () => {
    // Mean absolute difference / (2 × mean): for [1, 2, 3, 4] = 1.25 / 5 = 0.25.
    expect(gini([4, 1, 3, 2])).toBeCloseTo(0.25, 12);
    expect(gini([1, 2, 3, 4, -5, Number.NaN])).toBeCloseTo(gini([1, 2, 3, 4, 0, 0]), 12);
  });
  it('states a run as a figure over every eligible partner', () => {
    const waves = [[cand('a', 1, 'platinum'), cand('b', 1, 'silver')], [cand('a', 1, 'platinum')]];
    expect(fairnessFigure(waves, ['a', 'b', 'c'], matching())).toEqual({ gini: gini([2, 1, 0]), eligiblePartners: 3, offers: 3, beyondTopShare: 1 / 3 });
    expect(gini([2, 1, 0])).toBeCloseTo(4 / 9, 12);
  });
});
