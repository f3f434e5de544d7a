// One test per filter and score: each runs through match() with a config naming only that criterion, so the
// assertion is on the real explanation a channel manager would see.
import { describe, expect, it } from 'vitest';
import type { LeadData } from '../../src/domain/lead.ts';
import type { Partner, PartnerStats } from '../../src/domain/partner.ts';
import { smoothedRate } from '../../src/rules/criteria/scores.ts';
import type { MatchInput } from '../../src/rules/match.ts';
import { match } from '../../src/rules/match.ts';
import { NOW, lead, matching, partner, stats, statsMap } from './fixtures.ts';

function run(partners: Partner[], cfg: Record<string, unknown>, l: Partial<LeadData> = {}, extra: Partial<MatchInput> & { st?: PartnerStats[] } = {}) {
  const { st = [], ...rest } = extra;
  return match({
    lead: lead(l), leadTemperature: 'warm', partners, stats: statsMap(st), declined: new Set(), alreadyOffered: new Set(),
    cfg: matching({ widening: { steps: [] }, ...cfg }), now: NOW, explainAll: true, ...rest,
  });
}
const filterOnly = (filters: unknown[]) => ({ filters, scores: [{ type: 'level', weight: 1 }] });
const scoreOnly = (score: Record<string, unknown>) => ({ filters: [], scores: [score] });
const ids = (r: ReturnType<typeof match>) => r.candidates.map((c) => c.partnerId);
const why = (r: ReturnType<typeof match>) => r.excluded.map((e) => `${e.partnerId} ${e.filter}: ${e.message}`);
const contribution = (r: ReturnType<typeof match>, id: string) => r.candidates.find((c) => c.partnerId === id)!.contributions[0]!;

describe('filters', () => {
  it('active', () => {
    const r = run([partner('a'), partner('b', { active: false })], filterOnly(['active']));
    expect(ids(r)).toEqual(['a']);
    expect(why(r)).toEqual(['b active: partner is inactive']);
  });

  it('serviceArea: countries, postcode prefixes, regions, radius, empty area', () => {
    const ps = [
      partner('country', { countries: ['DE'] }),
      partner('prefix-hit', { postalPrefixes: ['80', '81'] }),
      partner('prefix-miss', { postalPrefixes: ['20'] }),
      partner('region', { regions: ['Bayern'] }),
      partner('radius', { countries: [], country: 'AT', postalCode: null, latitude: 47.8, longitude: 13.04, radiusKm: 150 }), // Salzburg, ~120 km
      partner('radius-short', { countries: [], country: 'AT', latitude: 47.8, longitude: 13.04, radiusKm: 50 }),
      partner('at', { countries: ['AT'], country: 'AT' }),
      partner('empty', { countries: [] }),
    ];
    const r = run(ps, filterOnly(['serviceArea']), { region: 'bayern' });
    expect(ids(r).sort()).toEqual(['country', 'empty', 'prefix-hit', 'radius', 'region']);
    expect(why(r)).toEqual([
      'at serviceArea: outside the service area (serves AT); lead in DE 80331 bayern',
      'prefix-miss serviceArea: outside the service area (serves DE; postcodes 20); lead in DE 80331 bayern',
      'radius-short serviceArea: outside the service area (serves radius 50 km); lead in DE 80331 bayern',
    ]);
    expect(ids(run([partner('empty', { countries: [] })], filterOnly([{ type: 'serviceArea', emptyArea: 'nowhere' }])))).toEqual([]);
    expect(ids(run([partner('empty', { countries: [], country: 'FR' })], filterOnly([{ type: 'serviceArea', emptyArea: 'everywhere' }])))).toEqual(['empty']);
  });

  it('products: any / all, lead without products', () => {
    const ps = [partner('both', { products: ['HeatPump', 'solar'] }), partner('one', { products: ['solar'] }), partner('none', { products: ['boiler'] })];
    const l = { productInterest: ['heatpump', 'Solar'] };
    expect(ids(run(ps, filterOnly(['products']), l))).toEqual(['both', 'one']);
    const all = run(ps, filterOnly([{ type: 'products', mode: 'all' }]), l);
    expect(ids(all)).toEqual(['both']);
    expect(why(all)).toEqual(['none products: does not sell heatpump, solar', 'one products: does not sell heatpump']);
    expect(why(run(ps, filterOnly(['products']), l))).toEqual(['none products: sells none of heatpump, solar']);
    expect(ids(run(ps, filterOnly(['products']), { productInterest: [] }))).toHaveLength(3);
    expect(ids(run(ps, filterOnly([{ type: 'products', ifLeadMissing: 'fail' }]), { productInterest: [] }))).toEqual([]);
  });

  it('certifications: fixed and per product', () => {
    const ps = [partner('cert', { certifications: ['F-Gas', 'installer'] }), partner('plain', { certifications: ['installer'] })];
    const cfg = filterOnly([{ type: 'certifications', required: ['installer'], byProduct: { heatpump: ['f-gas'] } }]);
    expect(why(run(ps, cfg))).toEqual(['plain certifications: lacks certification f-gas']);
    expect(ids(run(ps, cfg, { productInterest: ['solar'] }))).toEqual(['cert', 'plain']);
  });

  it('level (minimum)', () => {
    const r = run([partner('g', { level: 'gold' }), partner('s', { level: 'silver' }), partner('n', { level: null })], filterOnly([{ type: 'level', min: 'gold' }]));
    expect(ids(r)).toEqual(['g']);
    expect(why(r)).toEqual(['n level: level (none) is below gold', 's level: level silver is below gold']);
  });

  it('capacity: open leads against capacity', () => {
    const ps = [partner('full', { capacity: 3 }), partner('room', { capacity: 4 }), partner('unlimited', { capacity: null })];
    const r = run(ps, filterOnly(['capacity']), {}, { st: [stats('full', { open: 3 }), stats('room', { open: 3 }), stats('unlimited', { open: 99 })] });
    expect(ids(r)).toEqual(['room', 'unlimited']);
    expect(why(r)).toEqual(['full capacity: at capacity: 3 open leads, capacity 3']);
  });

  it('declined and alreadyOffered', () => {
    const ps = [partner('a'), partner('b'), partner('c')];
    const r = run(ps, filterOnly(['declined', 'alreadyOffered']), {}, { declined: new Set(['a']), alreadyOffered: new Set(['a', 'b']) });
    expect(ids(r)).toEqual(['c']);
    expect(why(r)).toEqual(['a declined: declined this lead before', 'b alreadyOffered: already offered this lead in an earlier wave']);
  });

  it('feedbackGate: blocked set and overdue stats', () => {
    const ps = [partner('a'), partner('b'), partner('c')];
    const r = run(ps, filterOnly(['feedbackGate']), {}, { blocked: new Set(['a']), st: [stats('b', { overdue: 2 })] });
    expect(why(r)).toEqual(['a feedbackGate: blocked by the feedback gate', 'b feedbackGate: feedback gate: 2 overdue feedbacks']);
    expect(ids(run(ps, filterOnly([{ type: 'feedbackGate', maxOverdue: 2 }]), {}, { st: [stats('b', { overdue: 2 })] }))).toHaveLength(3);
  });

  it('distance (hard maximum), unknown passes by default', () => {
    const ps = [partner('near', { postalCode: '85354' }), partner('far', { postalCode: '20095' }), partner('nowhere', { postalCode: null })];
    const r = run(ps, filterOnly([{ type: 'distance', maxKm: 100 }]));
    expect(ids(r)).toEqual(['near', 'nowhere']);
    expect(why(r)).toEqual(['far distance: 612 km away, more than 100 km']);
    expect(ids(run(ps, filterOnly([{ type: 'distance', maxKm: 100, ifUnknown: 'fail' }])))).toEqual(['near']);
  });

  it('attribute over a custom partner attribute, by config alone', () => {
    const ps = [
      partner('de-en', { attributes: { languages: ['DE', 'en'] } }),
      partner('fr', { attributes: { languages: ['fr'] } }),
      partner('silent', { attributes: {} }),
    ];
    const cfg = filterOnly([{ type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap' }]);
    const r = run(ps, cfg, { custom: { language: 'de' } });
    expect(ids(r)).toEqual(['de-en']);
    expect(why(r)).toEqual([
      'fr language: language: attributes.languages fr overlap lead custom.language de',
      'silent language: partner has no attributes.languages',
    ]);
    // A lead without a language excludes nobody (ifLeadMissing: pass).
    expect(ids(run(ps, cfg, { custom: {} }))).toHaveLength(3);
  });

  it('attribute ops: covers, equals, in, gte, lte, exists, range, map', () => {
    const p = partner('p', { kind: 'distributor', attributes: { maxProject: 50000, rating: 4, focus: 'solar', languages: ['de', 'en'] } });
    const passes = (f: Record<string, unknown>, l: Partial<LeadData> = {}) => ids(run([p], filterOnly([{ type: 'attribute', name: 'x', ...f }]), l)).length === 1;
    expect(passes({ partner: 'attributes.languages', op: 'covers', value: ['de', 'en'] })).toBe(true);
    expect(passes({ partner: 'attributes.languages', op: 'covers', value: ['de', 'fr'] })).toBe(false);
    expect(passes({ partner: 'kind', op: 'equals', value: 'Distributor' })).toBe(true);
    expect(passes({ partner: 'attributes.focus', op: 'in', value: ['solar', 'heat'] })).toBe(true);
    expect(passes({ partner: 'attributes.maxProject', op: 'gte', lead: 'budget' }, { budget: 40000 })).toBe(true);
    expect(passes({ partner: 'attributes.maxProject', op: 'gte', lead: 'budget' }, { budget: 60000 })).toBe(false);
    expect(passes({ partner: 'attributes.maxProject', op: 'lte', value: 10000 })).toBe(false);
    expect(passes({ partner: 'attributes.rating', op: 'exists' })).toBe(true);
    expect(passes({ partner: 'attributes.missing', op: 'exists' })).toBe(false);
    expect(passes({ partner: 'attributes.rating', op: 'range', min: 3, max: 5 })).toBe(true);
    expect(passes({ partner: 'attributes.rating', op: 'range', min: 4.5, max: 5 })).toBe(false);
    expect(passes({ partner: 'attributes.focus', op: 'map', map: { solar: 1 } })).toBe(true);
    expect(passes({ partner: 'attributes.focus', op: 'map', map: { heat: 1 } })).toBe(false);
  });
});

describe('scores', () => {
  it('products: share of wanted products sold', () => {
    const r = run([partner('a', { products: ['heatpump'] })], scoreOnly({ type: 'products', weight: 3 }), { productInterest: ['heatpump', 'solar', 'HEATPUMP'] });
    expect(contribution(r, 'a')).toEqual({ criterion: 'products', weight: 3, value: 0.5, points: 50, note: 'sells 1 of 2 wanted products' });
  });

  it('level from the levels table', () => {
    const r = run([partner('a', { level: 'silver' }), partner('b', { level: 'unknown' })], scoreOnly({ type: 'level' }));
    expect(contribution(r, 'a')).toMatchObject({ value: 0.5, points: 50, note: 'level silver' });
    expect(contribution(r, 'b')).toMatchObject({ value: 0, points: 0 });
  });

  it('conversionRate is smoothed: 1 won of 1 is not 100 %', () => {
    expect(smoothedRate(1, 1, 0.15, 10)).toBeCloseTo(2.5 / 11, 12);
    expect(smoothedRate(0, 0, 0.15, 0)).toBe(0.15);
    const st = [stats('small', { reserved: 1, won: 1 }), stats('big', { reserved: 100, won: 30, lost: 50 })];
    const r = run([partner('small'), partner('big')], scoreOnly({ type: 'conversionRate', prior: 0.15, priorWeight: 10, fullAt: 0.4 }), {}, { st });
    expect(ids(r)).toEqual(['big', 'small']);
    expect(contribution(r, 'small')).toMatchObject({ value: 0.568182, note: '1 won of 1 reserved: 22.7 % smoothed (full score at 40.0 %)' });
    expect(contribution(r, 'big').value).toBeCloseTo(31.5 / 110 / 0.4, 6);
    const closed = run([partner('big')], scoreOnly({ type: 'conversionRate', basis: 'closed', fullAt: 1 }), {}, { st });
    expect(contribution(closed, 'big')).toMatchObject({ value: 0.35, note: '30 won of 80 closed: 35.0 % smoothed (full score at 100.0 %)' });
  });

  it('responsiveness: median minutes to reserve, neutral when unknown', () => {
    const st = [stats('fast', { medianMinutesToReserve: 30 }), stats('mid', { medianMinutesToReserve: 1470 }), stats('slow', { medianMinutesToReserve: 5000 })];
    const r = run([partner('fast'), partner('mid'), partner('slow'), partner('new')], scoreOnly({ type: 'responsiveness' }), {}, { st });
    expect(r.candidates.map((c) => [c.partnerId, c.contributions[0]!.value])).toEqual([['fast', 1], ['mid', 0.5], ['new', 0.5], ['slow', 0]]);
    expect(contribution(r, 'new').note).toBe('never reserved: neutral value');
  });

  it('distance: CRM coordinates, offline postcode centroids, region / country fallback', () => {
    const ps = [
      partner('coords', { latitude: 48.14, longitude: 11.58, postalCode: null }),
      partner('postcode', { postalCode: '90402' }), // Nürnberg zone, ~150 km
      partner('zone', { postalCode: null, postalPrefixes: ['8'] }),
      partner('country', { postalCode: null }),
      partner('abroad', { postalCode: null, country: 'FR', countries: ['FR'] }),
    ];
    const r = run(ps, scoreOnly({ type: 'distance', maxKm: 300, sameRegion: 0.5, sameCountry: 0.25, ifUnknown: 0 }), { latitude: 48.137, longitude: 11.575 });
    expect(ids(r)).toEqual(['coords', 'zone', 'postcode', 'country', 'abroad']);
    expect(contribution(r, 'coords').note).toBe('0 km (0 at 300 km)');
    expect(contribution(r, 'postcode').value).toBeCloseTo(1 - 151 / 300, 1);
    expect(contribution(r, 'zone')).toMatchObject({ value: 0.5, note: 'not located; same region or postal zone' });
    expect(contribution(r, 'country')).toMatchObject({ value: 0.25, note: 'not located; same country' });
    expect(contribution(r, 'abroad')).toMatchObject({ value: 0, note: 'not located' });
  });

  it('certifications: wanted share, or count when nothing is wanted', () => {
    const p = partner('a', { certifications: ['f-gas', 'solar-pro'] });
    const wanted = run([p], scoreOnly({ type: 'certifications', preferred: ['solar-pro'], byProduct: { heatpump: ['f-gas', 'hp-master'] } }));
    expect(contribution(wanted, 'a')).toMatchObject({ value: 0.666667, note: 'holds 2 of 3 wanted certifications' });
    expect(contribution(run([p], scoreOnly({ type: 'certifications', fullAt: 4 })), 'a')).toMatchObject({ value: 0.5, note: '2 certifications (full at 4)' });
  });

  it('load: open against capacity, or against halfAt without capacity', () => {
    const st = [stats('a', { open: 2 }), stats('b', { open: 10 })];
    const r = run([partner('a', { capacity: 8 }), partner('b')], scoreOnly({ type: 'load', halfAt: 10 }), {}, { st });
    expect(contribution(r, 'a')).toMatchObject({ value: 0.75, note: '2 open leads of capacity 8' });
    expect(contribution(r, 'b')).toMatchObject({ value: 0.5, note: '10 open leads, no capacity set' });
  });

  it('recentOffers lowers busy partners', () => {
    const r = run([partner('busy'), partner('idle')], scoreOnly({ type: 'recentOffers', halfAt: 20 }), {}, { st: [stats('busy', { recentOffers: 60 })] });
    expect(ids(r)).toEqual(['idle', 'busy']);
    expect(contribution(r, 'busy')).toMatchObject({ value: 0.25, note: '60 offers in the last 30 days' });
  });

  it('feedbackGate as a score demotes instead of excluding', () => {
    const r = run([partner('late'), partner('ok')], scoreOnly({ type: 'feedbackGate' }), {}, { st: [stats('late', { overdue: 1 })] });
    expect(ids(r)).toEqual(['ok', 'late']);
    expect(contribution(r, 'late')).toMatchObject({ value: 0, note: '1 overdue feedback' });
  });

  it('attribute score: share of lead languages spoken, ifLeadMissing, range and map', () => {
    const ps = [partner('de', { attributes: { languages: ['de'], rating: 4, focus: 'solar' } }), partner('none', { attributes: {} })];
    const lang = { type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.languages', op: 'overlap', weight: 2 };
    const r = run(ps, scoreOnly(lang), { custom: { languages: ['de', 'en'] } });
    expect(contribution(r, 'de')).toEqual({ criterion: 'language', weight: 2, value: 0.5, points: 50, note: 'attributes.languages de overlap lead custom.languages de, en' });
    expect(contribution(r, 'none').value).toBe(0);
    expect(contribution(run(ps, scoreOnly({ ...lang, ifLeadMissing: 0.3 })), 'de')).toMatchObject({ value: 0.3, note: 'lead has no custom.languages' });
    expect(contribution(run(ps, scoreOnly({ type: 'attribute', name: 'r', partner: 'attributes.rating', op: 'range', min: 1, max: 5 })), 'de').value).toBe(0.75);
    expect(contribution(run(ps, scoreOnly({ type: 'attribute', name: 'f', partner: 'attributes.focus', op: 'map', map: { Solar: 0.8 } })), 'de').value).toBe(0.8);
  });
});
