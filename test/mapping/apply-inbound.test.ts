import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapLead, mapPartner, mapPartnerUser } from '../../src/mapping/apply-inbound.ts';
import { leadYaml, loadShipped, loadWith } from './helpers.ts';

const m = loadShipped();
const lineOf = (target: string): number => m.lead.fields.find((f) => f.target === target)?.line ?? -1;

const sfLead = {
  Id: '00Q000000000001', FirstName: ' Ada ', LastName: 'Lovelace', Email: ' Ada@Example.COM ', Phone: '+44 20 1234',
  Company: 'Analytical Engines Ltd', Title: null, Website: null, Industry: 'Manufacturing', NumberOfEmployees: 120,
  Street: '1 Main St', City: ' London ', PostalCode: 'sw1a 1aa', State: null, Country: 'gb',
  Latitude: 51.5, Longitude: -0.12, Product_Interest__c: 'Heat Pumps;Solar', Budget__c: 25000, Timeframe__c: 'Q3',
  Lead_Score__c: '87', LeadSource: 'Trade Show', Campaign_Name__c: 'Expo 2024', Description: 'Call after 10.\nAsk for Ada.',
  Preferred_Language__c: ' EN ',
};

describe('mapLead', () => {
  it('maps a Salesforce Lead to canonical lead data', () => {
    const r = mapLead(m.lead, sfLead);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      firstName: 'Ada', email: 'ada@example.com', company: 'Analytical Engines Ltd', title: null, employees: 120,
      city: 'London', postalCode: 'SW1A 1AA', country: 'GB', latitude: 51.5, productInterest: ['Heat Pumps', 'Solar'],
      budget: 25000, score: 87, source: 'Trade Show', temperature: 'warm', remarks: 'Call after 10.\nAsk for Ada.',
      custom: { language: 'en' },
    });
  });

  it('applies value maps and their default', () => {
    expect(mapLead(m.lead, { ...sfLead, LeadSource: 'Demo Request' })).toMatchObject({ ok: true, value: { temperature: 'hot' } });
    // Unmapped source: the declared `default: null` applies, no quarantine.
    expect(mapLead(m.lead, { ...sfLead, LeadSource: 'Carrier Pigeon' })).toMatchObject({ ok: true, value: { temperature: null, source: 'Carrier Pigeon' } });
  });

  it('fills schema defaults for missing values and reads field names case-insensitively', () => {
    const r = mapLead(m.lead, { company: 'X', EMAIL: 'a@b.c' });
    expect(r).toMatchObject({ ok: true, value: { company: 'X', email: 'a@b.c', productInterest: [], custom: {}, temperature: null } });
  });

  it('quarantines a bad number naming field, target and line, never the value', () => {
    const r = mapLead(m.lead, { ...sfLead, Budget__c: 'lots of money' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toEqual({
      code: 'MAPPING.INVALID_VALUE',
      message: `Budget__c → budget (line ${lineOf('budget')}): not a number`,
      source: `mappings/salesforce/lead.yaml:${lineOf('budget')}`,
      fields: ['Budget__c'],
    });
    expect(JSON.stringify(r.reason)).not.toContain('lots of money');
  });

  it('quarantines values the canonical schema rejects (latitude out of range)', () => {
    const r = mapLead(m.lead, { ...sfLead, Latitude: 123.4 });
    expect(r).toMatchObject({ ok: false, reason: { code: 'MAPPING.INVALID_VALUE', source: `mappings/salesforce/lead.yaml:${lineOf('latitude')}`, fields: ['Latitude'] } });
    expect(JSON.stringify(r)).not.toContain('123.4');
  });

  it('quarantines text over 10,000 characters and strips control characters', () => {
    expect(mapLead(m.lead, { ...sfLead, Description: 'x'.repeat(10_001) })).toMatchObject({ ok: false, reason: { fields: ['Description'] } });
    expect(mapLead(m.lead, { ...sfLead, Company: 'Ac\u0000me\u001b' })).toMatchObject({ ok: true, value: { company: 'Acme' } });
  });

  it('quarantines an enum value-map miss without default, and reports every failing field', () => {
    const lead = loadWith({ 'lead.yaml': leadYaml('  temperature: { from: Rating, map: { Hot: hot } }\n  score: { from: Score__c, transform: [number] }') }).lead;
    const r = mapLead(lead, { Rating: 'Lukewarm', Score__c: 'n/a' });
    expect(r).toMatchObject({ ok: false, reason: { code: 'MAPPING.INVALID_VALUE', source: `${lead.file}:5`, fields: ['Rating', 'Score__c'] } });
    expect(JSON.stringify(r)).not.toMatch(/Lukewarm|n\/a/);
  });

  it('never throws, and every failure has a coded reason with a source line (property)', () => {
    const crmValue = fc.oneof(
      fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined),
      fc.array(fc.string()), fc.dictionary(fc.string(), fc.string()), fc.string({ unit: 'binary' }),
      fc.constantFrom('2024-01-01', 'Heat Pumps;Solar', 'Demo Request', '12.5', '1e400', ' '),
    );
    const fieldName = fc.oneof(fc.constantFrom(...m.lead.selectFields(), ...m.lead.selectFields().map((f) => f.toUpperCase())), fc.string());
    fc.assert(fc.property(fc.dictionary(fieldName, crmValue), (record) => {
      const r = mapLead(m.lead, record);
      if (!r.ok) {
        expect(['MAPPING.INVALID_VALUE', 'MAPPING.MISSING_FIELD']).toContain(r.reason.code);
        expect(r.reason.source).toMatch(/^mappings\/salesforce\/lead\.yaml:\d+$/);
        expect(r.reason.fields?.length).toBeGreaterThan(0);
      }
    }), { numRuns: 500 });
  });

  it('never throws on non-object input', () => {
    for (const bad of [null, undefined, 42, 'x', [], Object.create(null)]) {
      expect(() => mapLead(m.lead, bad as Record<string, unknown>)).not.toThrow();
    }
  });
});

describe('mapPartner', () => {
  it('maps an Account to canonical partner data', () => {
    const r = mapPartner(m.partner, {
      Name: ' Heat & Co ', Partner_Kind__c: 'Installer', ParentId: '001D', Partner_Level__c: 'Gold ', Products__c: 'Heat Pumps',
      Service_Countries__c: 'de;at', Lead_Capacity__c: 5, Partner_Active__c: false, Languages__c: 'DE;EN', BillingLatitude: '48.1',
    });
    expect(r).toMatchObject({ ok: true, value: {
      name: 'Heat & Co', kind: 'reseller', parentExternalId: '001D', level: 'gold', products: ['Heat Pumps'],
      countries: ['DE', 'AT'], capacity: 5, active: false, latitude: 48.1, attributes: { languages: ['de', 'en'] },
    } });
  });

  it('uses declared defaults and reports a missing name as MISSING_FIELD', () => {
    expect(mapPartner(m.partner, { Name: 'P', Partner_Kind__c: 'Wholesaler' })).toMatchObject({ ok: true, value: { kind: 'reseller', active: true } });
    const nameLine = m.partner.fields.find((f) => f.target === 'name')?.line;
    expect(mapPartner(m.partner, { Name: '  ' })).toMatchObject({ ok: false, reason: { code: 'MAPPING.MISSING_FIELD', source: `mappings/salesforce/partner.yaml:${nameLine}`, fields: ['Name'] } });
  });

  it('rejects a fractional capacity', () => {
    expect(mapPartner(m.partner, { Name: 'P', Lead_Capacity__c: 2.5 })).toMatchObject({ ok: false, reason: { code: 'MAPPING.INVALID_VALUE', fields: ['Lead_Capacity__c'] } });
  });
});

describe('mapPartnerUser', () => {
  it('maps a Contact, requiring the partner and the email', () => {
    const pu = m.partnerUser;
    if (pu === null) throw new Error('shipped mappings have a partner-user mapping');
    expect(mapPartnerUser(pu, { AccountId: '001A', Email: ' Bob@X.io ', Name: 'Bob' })).toEqual({ ok: true, value: { partnerExternalId: '001A', email: 'bob@x.io', name: 'Bob' } });
    expect(mapPartnerUser(pu, { AccountId: '001A', Email: 'b@x.io' })).toMatchObject({ ok: true, value: { name: null } });
    expect(mapPartnerUser(pu, { AccountId: '001A' })).toMatchObject({ ok: false, reason: { code: 'MAPPING.MISSING_FIELD', fields: ['Email'] } });
  });
});
