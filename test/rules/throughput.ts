// Throughput of the rules engine (rules issue: ≥ 20,000 leads/s through qualify + match against 2,000 partners,
// < 300 MB peak). Synthetic data from a seeded PRNG, shaped like a German manufacturer's channel: most partners
// and leads in DE, postcode-zone territories, some radius-only and nationwide partners, AT and CH alongside.
// Not a timed test: `npm run bench` (test/bench/run.ts) calls benchMatching and prints the figures.
import { performance } from 'node:perf_hooks';
import type { LeadData } from '../../src/domain/lead.ts';
import type { Partner, PartnerStats } from '../../src/domain/partner.ts';
import { gini, match, prepareMatching, selectWave } from '../../src/rules/match.ts';
import { qualify } from '../../src/rules/qualify.ts';
import { NOW, lead, matching, partner, qualification, seeded, stats } from './fixtures.ts';

export interface MatchingBench {
  leads: number;
  partners: number;
  seconds: number;
  leadsPerSecond: number;
  /** Leads per second of CPU time used (comparable on a shared machine, where wall time includes waiting). */
  leadsPerCpuSecond: number;
  peakRssMb: number;
  /** Share of the time spent in qualify (the rest is match + selectWave). */
  qualifyShare: number;
  qualified: number;
  /** Partners in the lead's area removed by a filter, per matched lead (listed with their reason). */
  avgExcluded: number;
  /** Partners passing every filter per matched lead (all are scored; candidateLimit of them are explained). */
  avgPassed: number;
  widenedShare: number;
  gini: number;
}

const zones = ['01', '04', '10', '20', '22', '28', '30', '34', '40', '44', '45', '48', '50', '53', '60', '63', '68', '70', '73', '76', '79', '80', '81', '85', '86', '89', '90', '93', '97', '99'];
const products = ['heatpump', 'solar', 'storage', 'boiler', 'ventilation', 'wallbox'];
const sources = ['Demo Request', 'Trade Show', 'Whitepaper', 'Webinar', 'Contact Sales', 'Newsletter'];

export function syntheticPartners(n: number, rnd: () => number): Partner[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(xs)))];
  return Array.from({ length: n }, (_, i) => {
    const r = rnd();
    const country = r < 0.8 ? 'DE' : r < 0.9 ? 'AT' : 'CH';
    const zone = pick(zones);
    const kind = rnd();
    const area =
      country !== 'DE' ? { countries: [country] }
      : kind < 0.6 ? { countries: ['DE'], postalPrefixes: some(zones, 3).concat(zone) }
      : kind < 0.85 ? { countries: [], radiusKm: 50 + Math.floor(rnd() * 100) }
      : kind < 0.95 ? { countries: ['DE'], regions: [pick(['bayern', 'hessen', 'nrw', 'sachsen'])] }
      : { countries: ['DE'] };
    return partner(`p${String(i).padStart(5, '0')}`, {
      country, postalCode: country === 'DE' ? `${zone}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}` : null,
      ...(rnd() < 0.5 ? { latitude: 47.5 + rnd() * 7, longitude: 6 + rnd() * 9 } : {}),
      ...area,
      level: pick(['platinum', 'gold', 'gold', 'silver', 'silver', 'silver', 'registered', 'registered', 'registered', 'registered']),
      products: some(products, 4), certifications: some(['f-gas', 'solar-pro', 'installer', 'e-check'], 2),
      capacity: rnd() < 0.7 ? 5 + Math.floor(rnd() * 30) : null, active: rnd() < 0.95,
      attributes: { languages: some(['de', 'en', 'fr', 'it', 'tr'], 2) },
    });
  });
}

export function syntheticLeads(n: number, rnd: () => number): LeadData[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const r = rnd();
    const country = r < 0.85 ? 'DE' : r < 0.93 ? 'AT' : 'CH';
    return lead({
      company: rnd() < 0.04 ? null : `Company ${i}`, email: rnd() < 0.02 ? `x${i}@mailinator.com` : `contact${i}@example${i % 97}.de`,
      country, postalCode: country === 'DE' ? `${pick(zones)}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}` : String(1000 + Math.floor(rnd() * 8000)),
      region: pick(['bayern', 'hessen', 'nrw', 'sachsen', null]), productInterest: rnd() < 0.03 ? [] : [pick(products), ...(rnd() < 0.3 ? [pick(products)] : [])],
      source: pick(sources), budget: Math.floor(rnd() * 50_000), employees: Math.floor(rnd() * 500), timeframe: rnd() < 0.8 ? 'Q3' : null,
      custom: { language: pick(['de', 'de', 'de', 'en', 'fr']) },
    });
  });
}

export const benchQualification = qualification({
  thresholds: [{ field: 'budget', min: 500, outcome: 'needs_qualification' }],
  criteria: [
    { name: 'disposable-email', when: { field: 'email', matches: '@(mailinator|trashmail)\\.' }, outcome: 'rejected', message: 'Disposable email.' },
    { name: 'student', when: { field: 'title', matches: '\\bstudent' }, outcome: 'rejected', message: 'Student.' },
    { name: 'timeframe', when: { field: 'timeframe', exists: false }, outcome: 'needs_qualification', message: 'Ask for the timeframe.' },
  ],
  temperature: {
    rules: [
      { name: 'demo', when: { field: 'source', in: ['Demo Request', 'Contact Sales'] }, temperature: 'hot' },
      { name: 'show', when: { field: 'source', contains: 'trade show' }, temperature: 'warm' },
      { name: 'content', when: { field: 'source', in: ['Whitepaper', 'Newsletter'] }, temperature: 'cold' },
    ],
    ageing: [{ afterDays: 14, atMost: 'warm' }],
  },
});

export const benchMatchingConfig = matching({
  filters: ['active', 'serviceArea', 'products', 'capacity', 'declined', 'alreadyOffered', 'feedbackGate'],
  scores: [
    { type: 'products', weight: 3 }, { type: 'level', weight: 1 }, { type: 'conversionRate', weight: 2 }, { type: 'responsiveness', weight: 1 },
    { type: 'distance', weight: 2 }, { type: 'certifications', weight: 1 }, { type: 'load', weight: 1 }, { type: 'recentOffers', weight: 1 },
    { type: 'attribute', name: 'language', partner: 'attributes.languages', lead: 'custom.language', op: 'overlap', weight: 1 },
  ],
});

export async function benchMatching(leads = 100_000, partners = 2_000): Promise<MatchingBench> {
  const rnd = seeded(20250310);
  const ps = syntheticPartners(partners, rnd);
  const ls = syntheticLeads(leads, rnd);
  const st = new Map<string, PartnerStats>(ps.map((p) => {
    const reserved = Math.floor(rnd() * 60);
    return [p.id, stats(p.id, { reserved, won: Math.floor(reserved * rnd() * 0.5), open: Math.floor(rnd() * 8), recentOffers: Math.floor(rnd() * 40),
      medianMinutesToReserve: reserved === 0 ? null : 20 + rnd() * 3000, overdue: rnd() < 0.03 ? 1 : 0 })];
  }));
  const qcfg = benchQualification;
  const mcfg = benchMatchingConfig;
  const receivedAt = new Date(NOW.getTime() - 3 * 86_400_000);
  const none = new Set<string>();
  // Offers per partner, counted as we go (keeping every wave's explanation would measure the benchmark's memory).
  const offers = new Map<string, number>();
  let qualified = 0;
  let evaluated = 0;
  let candidates = 0;
  let widened = 0;
  let qualifyMs = 0;
  let peakRss = process.memoryUsage().rss;

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const prepared = prepareMatching(ps, st, mcfg);
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    const q0 = performance.now();
    const d = qualify(l, qcfg, NOW, receivedAt);
    qualifyMs += performance.now() - q0;
    if (d.outcome !== 'qualified') continue;
    qualified++;
    const r = match({ lead: l, leadTemperature: d.temperature, partners: ps, stats: st, declined: none, alreadyOffered: none, cfg: mcfg, now: NOW, prepared });
    const wave = selectWave(r, mcfg.offerCount, mcfg, rnd);
    evaluated += r.excluded.length;
    candidates += r.passed;
    if (r.widened.length > 0) widened++;
    for (const c of r.candidates) if (!offers.has(c.partnerId)) offers.set(c.partnerId, 0);
    // As the offer service does: offers made count as recent load at once.
    for (const c of wave) {
      const s = st.get(c.partnerId)!;
      st.set(c.partnerId, { ...s, recentOffers: s.recentOffers + 1 });
      offers.set(c.partnerId, (offers.get(c.partnerId) ?? 0) + 1);
    }
    if ((i & 4095) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  return {
    leads, partners, seconds, leadsPerSecond: leads / seconds, leadsPerCpuSecond: leads / cpuSeconds, peakRssMb: peakRss / 2 ** 20,
    qualifyShare: qualifyMs / 1000 / seconds, qualified,
    avgExcluded: evaluated / Math.max(1, qualified), avgPassed: candidates / Math.max(1, qualified),
    widenedShare: widened / Math.max(1, qualified), gini: gini([...offers.values()]),
  };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  console.log(await benchMatching(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 2_000)));
}
