// Realistic Salesforce records for the demo, the integration tests and the benchmarks: partner Accounts (a few
// distributors with resellers under them) and Leads around real DACH cities. Deterministic for a seed.
import { seededRandom } from '../services/context.ts';

interface City { name: string; zip: string; country: string; region: string; lat: number; lon: number }

export const cities: readonly City[] = [
  { name: 'Berlin', zip: '10115', country: 'DE', region: 'BE', lat: 52.52, lon: 13.405 },
  { name: 'Hamburg', zip: '20095', country: 'DE', region: 'HH', lat: 53.551, lon: 9.993 },
  { name: 'München', zip: '80331', country: 'DE', region: 'BY', lat: 48.137, lon: 11.575 },
  { name: 'Köln', zip: '50667', country: 'DE', region: 'NW', lat: 50.938, lon: 6.96 },
  { name: 'Frankfurt am Main', zip: '60311', country: 'DE', region: 'HE', lat: 50.11, lon: 8.682 },
  { name: 'Stuttgart', zip: '70173', country: 'DE', region: 'BW', lat: 48.776, lon: 9.183 },
  { name: 'Düsseldorf', zip: '40213', country: 'DE', region: 'NW', lat: 51.227, lon: 6.773 },
  { name: 'Leipzig', zip: '04109', country: 'DE', region: 'SN', lat: 51.34, lon: 12.375 },
  { name: 'Dresden', zip: '01067', country: 'DE', region: 'SN', lat: 51.05, lon: 13.738 },
  { name: 'Hannover', zip: '30159', country: 'DE', region: 'NI', lat: 52.375, lon: 9.732 },
  { name: 'Nürnberg', zip: '90402', country: 'DE', region: 'BY', lat: 49.452, lon: 11.077 },
  { name: 'Bremen', zip: '28195', country: 'DE', region: 'HB', lat: 53.079, lon: 8.802 },
  { name: 'Wien', zip: '1010', country: 'AT', region: 'W', lat: 48.208, lon: 16.373 },
  { name: 'Graz', zip: '8010', country: 'AT', region: 'ST', lat: 47.07, lon: 15.439 },
  { name: 'Linz', zip: '4020', country: 'AT', region: 'OÖ', lat: 48.306, lon: 14.286 },
  { name: 'Zürich', zip: '8001', country: 'CH', region: 'ZH', lat: 47.377, lon: 8.541 },
  { name: 'Bern', zip: '3011', country: 'CH', region: 'BE', lat: 46.948, lon: 7.447 },
  { name: 'Basel', zip: '4051', country: 'CH', region: 'BS', lat: 47.559, lon: 7.588 },
];

export const products = ['heat-pump', 'solar-pv', 'battery-storage', 'wallbox', 'ventilation', 'smart-home'] as const;
const certifications = ['installer-basic', 'heat-pump-pro', 'solar-expert', 'electrician'] as const;
const levels = ['platinum', 'gold', 'silver', 'registered'] as const;
const sources = ['Demo Request', 'Contact Sales', 'Trade Show', 'Webinar', 'Partner Referral', 'Web', 'Whitepaper'] as const;
const firstNames = ['Anna', 'Lukas', 'Mia', 'Felix', 'Lea', 'Jonas', 'Emma', 'Paul', 'Sophie', 'Ben', 'Marie', 'Elias', 'Hannah', 'Noah'];
const lastNames = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Huber', 'Gruber', 'Keller', 'Brunner'];
const companySuffix = ['GmbH', 'AG', 'KG', 'e.K.', 'GmbH & Co. KG'];
const companyStem = ['Bau', 'Haustechnik', 'Immobilien', 'Energie', 'Wohnbau', 'Facility', 'Hotel', 'Logistik', 'Praxis', 'Autohaus'];

export interface SeedOptions { seed?: number }

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const some = <T>(r: () => number, xs: readonly T[], min: number, max: number): T[] => {
  const n = min + Math.floor(r() * (max - min + 1));
  return [...xs].sort(() => r() - 0.5).slice(0, n);
};

/** Partner Accounts: `distributors` distributors, each with resellers; ids are assigned by the emulator. */
export function partnerAccounts(count: number, opts: SeedOptions = {}): Array<Record<string, unknown>> {
  const r = seededRandom(opts.seed ?? 7);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const city = pick(r, cities);
    const isDistributor = i % 10 === 0;
    out.push({
      Name: `${city.name} ${isDistributor ? 'Distribution' : pick(r, ['Solar', 'Wärme', 'Energie', 'Haustechnik'])} ${i + 1} ${pick(r, companySuffix)}`,
      Type: 'Partner',
      Partner_Kind__c: isDistributor ? 'Distributor' : pick(r, ['Reseller', 'Installer', 'Dealer']),
      Partner_Level__c: pick(r, levels),
      Products__c: some(r, products, 2, 4).join(';'),
      Certifications__c: some(r, certifications, 0, 3).join(';'),
      Service_Countries__c: city.country,
      Service_Regions__c: '',
      Service_Postal_Prefixes__c: '',
      Service_Radius_Km__c: isDistributor ? null : 150 + Math.floor(r() * 250),
      BillingCity: city.name,
      BillingPostalCode: city.zip,
      BillingCountry: city.country,
      BillingLatitude: Math.round((city.lat + (r() - 0.5) * 0.2) * 1e4) / 1e4,
      BillingLongitude: Math.round((city.lon + (r() - 0.5) * 0.2) * 1e4) / 1e4,
      Lead_Capacity__c: isDistributor ? null : 20 + Math.floor(r() * 60),
      Partner_Active__c: r() > 0.05,
      Languages__c: city.country === 'CH' ? 'de;fr' : 'de;en',
    });
  }
  return out;
}

export interface LeadSeedOptions extends SeedOptions {
  /** Share of leads in the MQL status (the default mapping's condition). */
  mqlShare?: number;
  /** How many MQLs lack a required field (product interest or country): they go to the qualification queue. */
  incompleteMqls?: number;
  /** Backdate change stamps by this many seconds (the pull reads up to now minus the settle time). */
  ageSeconds?: number;
  now?: Date;
}

export const MQL_STATUS = 'Marketing Qualified';

export function leadRecords(count: number, opts: LeadSeedOptions = {}): Array<Record<string, unknown>> {
  const r = seededRandom(opts.seed ?? 11);
  const mqls = Math.round(count * (opts.mqlShare ?? 0.6));
  const incomplete = opts.incompleteMqls ?? 0;
  const stamp = new Date((opts.now ?? new Date()).getTime() - (opts.ageSeconds ?? 600) * 1000).toISOString();
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const city = pick(r, cities);
    const first = pick(r, firstNames);
    const last = pick(r, lastNames);
    // Numbered so that the duplicate check (same company within a window) sees distinct customers.
    const company = `${last} ${pick(r, companyStem)} ${pick(r, companySuffix)} Nr. ${i + 1}`;
    const isMql = i < mqls;
    const lacks = isMql && i < incomplete;
    out.push({
      FirstName: first,
      LastName: last,
      Company: company,
      Title: pick(r, ['Geschäftsführer', 'Einkauf', 'Technischer Leiter', 'Hausverwaltung', 'Inhaber']),
      Email: `${first}.${last}.${i}@example-customer.test`.toLowerCase().replace(/ü/g, 'ue'),
      Phone: `+49 30 ${String(1000000 + i).slice(-7)}`,
      Street: `${pick(r, ['Haupt', 'Bahnhof', 'Garten', 'Schul'])}straße ${1 + (i % 120)}`,
      City: city.name,
      PostalCode: city.zip,
      State: city.region,
      Country: lacks && i % 2 === 1 ? null : city.country,
      Latitude: Math.round((city.lat + (r() - 0.5) * 0.3) * 1e4) / 1e4,
      Longitude: Math.round((city.lon + (r() - 0.5) * 0.3) * 1e4) / 1e4,
      LeadSource: pick(r, sources),
      Status: isMql ? MQL_STATUS : 'Open - Not Contacted',
      Product_Interest__c: lacks && i % 2 === 0 ? null : some(r, products, 1, 2).join(';'),
      Budget__c: Math.round(5000 + r() * 95000),
      Timeframe__c: pick(r, ['0-3 months', '3-6 months', '6-12 months']),
      Lead_Score__c: Math.round(r() * 100),
      Campaign_Name__c: pick(r, ['Spring Heat Pump 2026', 'Solar Roadshow', 'Webinar Series Q3']),
      Description: pick(r, ['Wants an offer before winter.', 'Visited the booth; asked about subsidies.', 'Downloaded the planning guide.', '']),
      Preferred_Language__c: 'de',
      CreatedDate: stamp,
      LastModifiedDate: stamp,
      SystemModstamp: stamp,
    });
  }
  return out;
}
