// The `points` score (marketplace): the partner's points balance over fullAt, capped at 1, 0 for none or a
// negative balance; weight 0 unless configured, so the default matching does not change.
import { describe, expect, it } from 'vitest';
import { match } from '../../src/rules/match.ts';
import { scoreSchema } from '../../src/rules/config-schema.ts';
import { NOW, lead, matching, partner, stats, statsMap } from './fixtures.ts';

describe('points score', () => {
  const partners = [partner('a'), partner('b'), partner('c'), partner('d')];
  const st = statsMap([stats('a', { points: 30 }), stats('b', { points: 150 }), stats('c', { points: -20 })]);
  const run = (score: Record<string, unknown>) => match({
    lead: lead(), leadTemperature: 'warm', partners, stats: st, declined: new Set(), alreadyOffered: new Set(),
    cfg: matching({ widening: { steps: [] }, filters: [], scores: [score] }), now: NOW, explainAll: true,
  });

  it('ranks by balance / fullAt, capped at 1; none or negative scores 0', () => {
    const r = run({ type: 'points', weight: 1, fullAt: 100 });
    expect(r.candidates.map((c) => [c.partnerId, c.contributions[0]?.value])).toEqual([['b', 1], ['a', 0.3], ['c', 0], ['d', 0]]);
    expect(r.candidates.find((c) => c.partnerId === 'a')?.contributions[0]?.note).toBe('30 points (full score at 100)');
    expect(r.candidates.find((c) => c.partnerId === 'd')?.contributions[0]?.note).toBe('0 points (full score at 100)');
  });

  it('weighs nothing unless a weight is set', () => {
    expect(scoreSchema.parse({ type: 'points' })).toEqual({ type: 'points', weight: 0, fullAt: 100 });
    const r = run({ type: 'points' });
    expect(r.candidates.every((c) => c.score === 0 && c.contributions.length === 0)).toBe(true);
  });
});
