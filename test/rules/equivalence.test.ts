// The optimised matcher (src/rules) against the frozen reference engine (test/rules/reference): identical
// MatchResults, deep-equal, for random partners, configs, leads, stats and sets. This is the "no behaviour change"
// guarantee for the throughput work (area cache, bitsets, batched criteria, memoised notes), so the generators
// reach past the default config: every filter and score type and option, attribute ops over literals and lead
// fields, postcode prefixes of several lengths (the area cache keys on a postcode prefix), leads with and without
// coordinates, widening, candidateLimit, explainAll, and one prepared matcher reused across leads while the stats
// change between calls (as the offer service does).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeadData } from '../../src/domain/lead.ts';
import type { Partner, PartnerStats } from '../../src/domain/partner.ts';
import type { MatchingConfig } from '../../src/rules/config-schema.ts';
import type { MatchInput } from '../../src/rules/match.ts';
import { match, prepareMatching } from '../../src/rules/match.ts';
import * as reference from './reference/match.ts';
import { NOW, lead, matching, partner, stats } from './fixtures.ts';

const countries = ['DE', 'AT', 'CH'] as const;
const postcodes = ['80331', '80335', '80999', '85354', '60311', '20095', '10115', '90402', '1010', '8001', '8', '803'] as const;
const prefixes = ['1', '2', '8', '80', '803', '8033', '60', '6', '90402'] as const;
const products = ['heatpump', 'solar', 'boiler', 'storage'] as const;
const langs = ['de', 'en', 'fr', 'it'] as const;
const point = fc.record({ lat: fc.double({ min: 46, max: 55, noNaN: true }), lon: fc.double({ min: 6, max: 17, noNaN: true }) });

const partnerData = fc.record({
  active: fc.nat(9).map((n) => n > 1),
  level: fc.constantFrom('platinum', 'gold', 'Gold', 'silver', 'registered', 'unknown', null),
  products: fc.subarray([...products, 'HeatPump', 'ventilation']),
  certifications: fc.subarray(['f-gas', 'solar-pro', 'installer', 'F-Gas']),
  country: fc.constantFrom(...countries, null),
  countries: fc.subarray([...countries], { maxLength: 2 }),
  regions: fc.subarray(['bayern', 'Hessen', 'tirol'], { maxLength: 2 }),
  postalPrefixes: fc.subarray([...prefixes], { maxLength: 2 }),
  radiusKm: fc.option(fc.integer({ min: 10, max: 400 })),
  postalCode: fc.option(fc.constantFrom(...postcodes)),
  at: fc.option(point),
  capacity: fc.option(fc.integer({ min: 0, max: 5 })),
  languages: fc.subarray([...langs]),
  employees: fc.option(fc.integer({ min: 0, max: 500 })),
  tier: fc.option(fc.constantFrom('a', 'b', 'c')),
});

const arbPartners = fc.array(partnerData, { minLength: 1, maxLength: 30 }).map((list) =>
  list.map(({ at, languages, employees, tier, ...d }, i) =>
    partner(`p${String(i).padStart(2, '0')}`, {
      ...d, latitude: at?.lat ?? null, longitude: at?.lon ?? null,
      attributes: { languages, ...(employees === null ? {} : { employees }), ...(tier === null ? {} : { tier }) },
    }),
  ),
);

const arbStatsOf = (partners: readonly Partner[]): fc.Arbitrary<Map<string, PartnerStats>> =>
  fc.tuple(...partners.map((p) =>
    fc.option(fc.record({
      reserved: fc.nat(50), won: fc.nat(20), lost: fc.nat(20), open: fc.nat(6), recentOffers: fc.nat(80), overdue: fc.nat(3).map((n) => (n === 3 ? 2 : n === 2 ? 1 : 0)),
      medianMinutesToReserve: fc.option(fc.integer({ min: 1, max: 6000 })),
      points: fc.option(fc.integer({ min: -20, max: 300 }), { nil: undefined }),
    }).map(({ points, ...s }) => stats(p.id, { ...s, ...(points === undefined ? {} : { points }) })), { freq: 6 }),
  )).map((list) => new Map(list.filter((s): s is PartnerStats => s !== null).map((s) => [s.partnerId, s])));

const arbLead: fc.Arbitrary<LeadData> = fc.record({
  country: fc.constantFrom(...countries, 'at', null),
  postalCode: fc.option(fc.constantFrom(...postcodes)),
  region: fc.option(fc.constantFrom('bayern', 'hessen', 'Tirol')),
  productInterest: fc.subarray([...products, 'Solar', 'unknown-product'], { maxLength: 3 }),
  at: fc.option(point, { freq: 2 }),
  language: fc.option(fc.constantFrom(...langs, 'es')),
  languages: fc.subarray([...langs]),
  size: fc.option(fc.integer({ min: 0, max: 500 })),
}).map(({ at, language, languages, size, ...l }) => lead({
  ...l, latitude: at?.lat ?? null, longitude: at?.lon ?? null,
  custom: { ...(language === null ? {} : { language }), languages, ...(size === null ? {} : { size }) },
}));

const attributeFilter = fc.constantFrom(
  { type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap' },
  { type: 'attribute', name: 'languages-all', partner: 'attributes.languages', lead: 'custom.languages', op: 'covers', ifLeadMissing: 'fail' },
  { type: 'attribute', name: 'speaks-de', partner: 'attributes.languages', value: ['de', 'it'], op: 'in', ifPartnerMissing: 'pass' },
  { type: 'attribute', name: 'tier', partner: 'attributes.tier', value: 'a', op: 'equals' },
  { type: 'attribute', name: 'big-enough', partner: 'attributes.employees', lead: 'custom.size', op: 'gte' },
  { type: 'attribute', name: 'mid-size', partner: 'attributes.employees', op: 'range', min: 50, max: 300 },
  { type: 'attribute', name: 'has-tier', partner: 'attributes.tier', op: 'exists' },
);

const attributeScore = fc.constantFrom(
  { type: 'attribute', name: 'lang-score', partner: 'attributes.languages', lead: 'custom.languages', op: 'overlap', weight: 2, ifLeadMissing: 0.3 },
  { type: 'attribute', name: 'lang-one', partner: 'attributes.languages', lead: 'custom.language', op: 'in', weight: 1 },
  { type: 'attribute', name: 'tier-map', partner: 'attributes.tier', op: 'map', map: { A: 1, b: 0.4 }, weight: 1 },
  { type: 'attribute', name: 'size-range', partner: 'attributes.employees', op: 'range', min: 0, max: 400, weight: 1.5 },
  { type: 'attribute', name: 'size-lte', partner: 'attributes.employees', lead: 'custom.size', op: 'lte', weight: 1 },
  { type: 'attribute', name: 'tier-exists', partner: 'attributes.tier', op: 'exists', weight: 0.5 },
);

const filterChoice = fc.oneof(
  fc.constantFrom('active', 'capacity', 'declined', 'alreadyOffered', 'feedbackGate', 'products', 'certifications'),
  fc.constantFrom(
    { type: 'products', mode: 'all', ifLeadMissing: 'fail' },
    { type: 'products', name: 'any-product', mode: 'any' },
    { type: 'certifications', name: 'certs', required: ['installer'], byProduct: { heatpump: ['f-gas'], Solar: ['solar-pro'] } },
    { type: 'level', min: 'silver' },
    { type: 'feedbackGate', name: 'gate-1', maxOverdue: 1 },
    { type: 'distance', maxKm: 250 },
    { type: 'distance', name: 'near', maxKm: 80, ifUnknown: 'fail' },
  ),
  attributeFilter,
);

const scoreChoice = fc.oneof(
  fc.record({
    type: fc.constantFrom('products', 'level', 'conversionRate', 'responsiveness', 'distance', 'certifications', 'load', 'recentOffers', 'feedbackGate', 'points'),
    weight: fc.constantFrom(0, 0.5, 1, 2, 3.33, 7),
  }),
  fc.constantFrom(
    { type: 'conversionRate', name: 'closed-rate', basis: 'closed', prior: 0.2, priorWeight: 4, fullAt: 0.3, weight: 2 },
    { type: 'responsiveness', name: 'fast', fastMinutes: 30, slowMinutes: 600, ifUnknown: 0.2, weight: 1 },
    { type: 'distance', name: 'near-score', maxKm: 120, sameRegion: 0.7, sameCountry: 0.1, ifUnknown: 0.05, weight: 2 },
    { type: 'certifications', name: 'pref-certs', preferred: ['installer'], byProduct: { solar: ['solar-pro'] }, fullAt: 2, weight: 1 },
    { type: 'certifications', name: 'cert-count', fullAt: 2, weight: 1 },
    { type: 'load', name: 'load-5', halfAt: 5, weight: 1 },
    { type: 'points', name: 'points-50', fullAt: 50, weight: 1.5 },
  ),
  attributeScore,
);

const withNames = <T extends { type: string; name?: string }>(xs: readonly (T | string)[]): Array<T | string> => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const name = typeof x === 'string' ? x : (x.name ?? x.type);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
};

const arbConfig: fc.Arbitrary<MatchingConfig> = fc.record({
  offerCount: fc.integer({ min: 1, max: 6 }),
  candidateLimit: fc.constantFrom(0, 1, 2, 3, 5),
  serviceArea: fc.option(fc.constantFrom('ownCountry', 'nowhere', 'everywhere'), { freq: 6 }),
  areaAt: fc.nat(6),
  filters: fc.array(filterChoice, { maxLength: 6 }),
  scores: fc.array(scoreChoice, { minLength: 0, maxLength: 7 }),
  steps: fc.subarray([{ type: 'radius', km: 150 }, { type: 'region', postalPrefixLength: 1 }, { type: 'region', postalPrefixLength: 3 }, { type: 'country' }] as const),
  minCandidates: fc.option(fc.integer({ min: 1, max: 8 })),
  topLevels: fc.constantFrom([], ['gold'], ['platinum', 'gold']),
  offline: fc.boolean(),
}).map(({ serviceArea, areaAt, filters, scores, steps, minCandidates, topLevels, offline, ...rest }) => {
  const fs: Array<Record<string, unknown> | string> = withNames<{ type: string; name?: string }>(filters);
  if (serviceArea !== null) fs.splice(Math.min(areaAt, fs.length), 0, { type: 'serviceArea', emptyArea: serviceArea });
  return matching({
    ...rest, filters: fs, scores: withNames(scores), widening: { steps, minCandidates }, fairness: { topLevels },
    geo: { offlineGeocoding: offline },
  });
});

const arbIds = (partners: readonly Partner[]): fc.Arbitrary<Set<string>> => fc.subarray(partners.map((p) => p.id), { maxLength: Math.min(6, partners.length) }).map((ids) => new Set(ids));

const world = fc.tuple(arbPartners, arbConfig).chain(([partners, cfg]) => fc.record({
  partners: fc.constant(partners),
  cfg: fc.constant(cfg),
  leads: fc.array(arbLead, { minLength: 1, maxLength: 8 }),
  stats: arbStatsOf(partners),
  declined: arbIds(partners),
  offered: arbIds(partners),
  blocked: fc.option(arbIds(partners), { nil: undefined }),
  /** Between leads, these partners get an offer more (recentOffers + 1, open + 1), as the offer service does. */
  bumps: fc.array(fc.subarray(partners.map((p) => p.id), { maxLength: Math.min(3, partners.length) }), { minLength: 8, maxLength: 8 }),
}));
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** Without `prepared`: each engine takes its own prepared matcher. */
type Input = Omit<MatchInput, 'prepared'>;
const inputOf = (w: World, l: LeadData, stats: ReadonlyMap<string, PartnerStats>, over: Partial<Input> = {}): Input => ({
  lead: l, leadTemperature: 'warm', partners: w.partners, stats, declined: w.declined, alreadyOffered: w.offered,
  ...(w.blocked === undefined ? {} : { blocked: w.blocked }), cfg: w.cfg, now: NOW, ...over,
});

describe('optimised matcher = reference matcher', () => {
  it('gives deep-equal results, indexed and explainAll, prepared or not', () => {
    fc.assert(fc.property(world, (w) => {
      for (const l of w.leads) {
        for (const explainAll of [false, true]) {
          const expected = reference.match(inputOf(w, l, w.stats, { explainAll }));
          expect(match(inputOf(w, l, w.stats, { explainAll }))).toEqual(expected);
        }
      }
    }), { numRuns: 400 });
  });

  it('one prepared matcher over many leads, stats changing between calls (caches never hold stale stats)', () => {
    fc.assert(fc.property(world, (w) => {
      const st = new Map(w.stats);
      const prepared = prepareMatching(w.partners, st, w.cfg);
      const refPrepared = reference.prepareMatching(w.partners, st, w.cfg);
      // Every lead twice: the second time from the warm caches.
      const leads = [...w.leads, ...w.leads];
      leads.forEach((l, n) => {
        const got = match({ ...inputOf(w, l, st), prepared });
        expect(got).toEqual(reference.match({ ...inputOf(w, l, st), prepared: refPrepared }));
        expect(got).toEqual(reference.match(inputOf(w, l, st)));
        for (const id of w.bumps[n % w.bumps.length]!) {
          const s = st.get(id) ?? stats(id);
          st.set(id, { ...s, recentOffers: s.recentOffers + 1, open: s.open + 1, ...(n % 3 === 0 ? { won: s.won + 1, points: (s.points ?? 0) + 7 } : {}) });
        }
      });
    }), { numRuns: 300 });
  });
});
