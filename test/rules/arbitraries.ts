// fast-check generators for matching: partners, stats and leads over a small world (three countries, a few
// postcodes, products and languages) so that filters both pass and fail often.
import fc from 'fast-check';
import type { LeadData } from '../../src/domain/lead.ts';
import type { Partner, PartnerStats } from '../../src/domain/partner.ts';
import type { MatchingConfig } from '../../src/rules/config-schema.ts';
import { lead, matching, partner, stats } from './fixtures.ts';

const countries = ['DE', 'AT', 'CH'] as const;
const postcodes = ['80331', '85354', '60311', '20095', '10115', '90402', '1010', '8001'] as const;
const products = ['heatpump', 'solar', 'boiler', 'storage'] as const;
const point = fc.record({ lat: fc.double({ min: 46, max: 55, noNaN: true }), lon: fc.double({ min: 6, max: 17, noNaN: true }) });

const partnerData = fc.record({
  active: fc.nat(9).map((n) => n > 1), // 80 % active
  level: fc.constantFrom('platinum', 'gold', 'silver', 'registered', null),
  products: fc.subarray([...products]),
  certifications: fc.subarray(['f-gas', 'solar-pro', 'installer']),
  country: fc.constantFrom(...countries, null),
  countries: fc.subarray([...countries], { maxLength: 2 }),
  regions: fc.subarray(['bayern', 'hessen', 'tirol'], { maxLength: 1 }),
  postalPrefixes: fc.subarray(['1', '2', '8', '80', '60', '6'], { maxLength: 2 }),
  radiusKm: fc.option(fc.integer({ min: 10, max: 400 })),
  postalCode: fc.option(fc.constantFrom(...postcodes)),
  at: fc.option(point),
  capacity: fc.option(fc.integer({ min: 0, max: 5 })),
  languages: fc.subarray(['de', 'en', 'fr']),
});

export const arbPartners = (max = 25): fc.Arbitrary<Partner[]> =>
  fc.array(partnerData, { minLength: 1, maxLength: max }).map((list) =>
    list.map(({ at, languages, ...d }, i) =>
      partner(`p${String(i).padStart(2, '0')}`, { ...d, latitude: at?.lat ?? null, longitude: at?.lon ?? null, attributes: { languages } }),
    ),
  );

export const arbStats = (partners: readonly Partner[]): fc.Arbitrary<Map<string, PartnerStats>> =>
  fc.tuple(...partners.map((p) =>
    fc.record({
      reserved: fc.nat(50), won: fc.nat(20), lost: fc.nat(20), open: fc.nat(6), recentOffers: fc.nat(80), overdue: fc.nat(2).map((n) => (n === 2 ? 1 : 0)),
      medianMinutesToReserve: fc.option(fc.integer({ min: 1, max: 6000 })),
    }).map((s) => stats(p.id, s)),
  )).map((list) => new Map(list.map((s) => [s.partnerId, s])));

export const arbLead: fc.Arbitrary<LeadData> = fc.record({
  country: fc.constantFrom(...countries, null),
  postalCode: fc.option(fc.constantFrom(...postcodes)),
  region: fc.option(fc.constantFrom('bayern', 'hessen', 'Tirol')),
  productInterest: fc.subarray([...products], { maxLength: 2 }),
  at: fc.option(point, { freq: 3 }),
  language: fc.option(fc.constantFrom('de', 'en', 'fr')),
}).map(({ at, language, ...l }) => lead({ ...l, latitude: at?.lat ?? null, longitude: at?.lon ?? null, custom: language === null ? {} : { language } }));

const scoreTypes = ['products', 'level', 'conversionRate', 'responsiveness', 'distance', 'certifications', 'load', 'recentOffers', 'feedbackGate'] as const;

export const arbConfig: fc.Arbitrary<MatchingConfig> = fc.record({
  offerCount: fc.integer({ min: 1, max: 6 }),
  filterSet: fc.subarray(['active', 'serviceArea', 'products', 'capacity', 'declined', 'alreadyOffered', 'feedbackGate', 'language', 'cert', 'level', 'distance'] as const),
  weights: fc.tuple(...scoreTypes.map(() => fc.integer({ min: 1, max: 5 }))),
  languageWeight: fc.integer({ min: 1, max: 5 }),
  steps: fc.subarray([{ type: 'radius', km: 150 }, { type: 'region', postalPrefixLength: 1 }, { type: 'country' }] as const),
}).map(({ offerCount, filterSet, weights, languageWeight, steps }) =>
  matching({
    offerCount,
    candidateLimit: 0, // properties compare whole candidate lists
    filters: filterSet.map((f) =>
      f === 'language' ? { type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap' }
      : f === 'cert' ? { type: 'certifications', byProduct: { heatpump: ['f-gas'] } }
      : f === 'level' ? { type: 'level', min: 'silver' }
      : f === 'distance' ? { type: 'distance', maxKm: 250 }
      : f),
    scores: [
      ...scoreTypes.map((type, i) => ({ type, weight: weights[i] })),
      { type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap', weight: languageWeight },
    ],
    widening: { steps },
  }),
);

export const arbIdSet = (partners: readonly Partner[]): fc.Arbitrary<Set<string>> => fc.subarray(partners.map((p) => p.id)).map((ids) => new Set(ids));
