import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { matchingConfigSchema, qualificationConfigSchema } from '../../src/rules/config-schema.ts';

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] =>
  r.error?.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`) ?? [];

describe('config schemas', () => {
  it('yield working defaults from nothing', () => {
    const q = qualificationConfigSchema.parse(undefined);
    expect(q.required).toEqual(['company', 'country', 'productInterest', { oneOf: ['email', 'phone'] }]);
    expect(q.temperature).toEqual({ default: 'warm', crmHint: 'fallback', rules: [], ageing: [] });
    expect(q.duplicates).toEqual({ windowDays: 90, keys: ['email', 'phone', 'company'], phoneDigits: 9 });
    const m = matchingConfigSchema.parse({});
    expect(m.offerCount).toBe(5);
    expect(m.filters.map((f) => f.type)).toEqual(['active', 'serviceArea', 'products', 'capacity', 'declined', 'alreadyOffered']);
    expect(m.scores.map((s) => [s.type, s.weight])).toEqual([
      ['products', 3], ['level', 1], ['conversionRate', 2], ['responsiveness', 1], ['distance', 2], ['certifications', 1], ['load', 1], ['recentOffers', 1],
    ]);
    expect(m.fairness).toEqual({ topLevels: [], beyondTopShare: 0.4, pick: 'best', windowDays: 30 });
    expect(m.widening.steps).toEqual([{ type: 'radius', km: 100 }, { type: 'region', postalPrefixLength: 1 }, { type: 'country' }]);
  });

  it('config/default.yaml sections equal the schema defaults', () => {
    const doc = parse(readFileSync('config/default.yaml', 'utf8')) as Record<string, unknown>;
    expect(qualificationConfigSchema.parse(doc['qualification'])).toEqual(qualificationConfigSchema.parse({}));
    expect(matchingConfigSchema.parse(doc['matching'])).toEqual(matchingConfigSchema.parse({}));
  });

  it('names the key path of every mistake', () => {
    const q = qualificationConfigSchema.safeParse({
      criteria: [
        { name: 'a', when: { field: 'nope', equals: 1 }, outcome: 'rejected', message: 'x' },
        { name: 'b', when: { all: [{ field: 'email', matches: '(' }] }, outcome: 'rejected', message: 'x' },
        { name: 'c', when: { field: 'email' }, outcome: 'rejected', message: 'x' },
      ],
      colour: 'blue',
    });
    expect(q.success).toBe(false);
    const msgs = issues(q);
    expect(msgs.some((m) => m.startsWith('criteria.0.when.field: unknown lead field'))).toBe(true);
    expect(msgs).toContain('criteria.1.when.all.0.matches: invalid regular expression');
    expect(msgs.some((m) => m.startsWith('criteria.2.when: a field test needs an operator'))).toBe(true);
    expect(msgs.some((m) => m.includes('colour'))).toBe(true);
  });

  it('checks matching cross-field rules', () => {
    const r = matchingConfigSchema.safeParse({
      filters: [{ type: 'level', min: 'diamond' }, { type: 'attribute', name: 'lang', partner: 'attributes.languages', op: 'overlap' }],
      scores: [{ type: 'level' }, { type: 'level' }, { type: 'attribute', name: 'x', partner: 'nonsense', op: 'exists' }],
    });
    expect(r.success).toBe(false);
    const msgs = issues(r);
    expect(msgs).toContain('filters.1: op overlap compares with `lead` (a lead field) or `value`');
    expect(msgs.some((m) => m.startsWith('scores.2.partner: unknown partner field'))).toBe(true);
    const r2 = matchingConfigSchema.safeParse({ filters: [{ type: 'level', min: 'diamond' }], scores: [{ type: 'level' }, { type: 'level' }], fairness: { topLevels: ['wood'] } });
    expect(issues(r2)).toEqual([
      'scores.1.name: duplicate name "level"',
      'filters.0.min: level "diamond" is not in matching.levels',
      'fairness.topLevels.0: level "wood" is not in matching.levels',
    ]);
  });

  it('accepts bare filter words and a custom attribute criterion', () => {
    const m = matchingConfigSchema.parse({
      filters: ['active', { type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap' }],
      scores: [{ type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap', weight: 2 }],
    });
    expect(m.filters[1]).toEqual({ type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap', ifLeadMissing: 'pass', ifPartnerMissing: 'fail' });
    expect(m.scores[0]).toMatchObject({ weight: 2, ifLeadMissing: 0 });
  });
});
