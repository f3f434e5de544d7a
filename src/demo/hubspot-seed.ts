// The demo records (seed-data.ts) as a HubSpot account holds them, for `leadrelay demo --crm hubspot`, the HubSpot
// integration tests and the benchmark: partner companies with a partner-user contact each, customer contacts with
// their company associated, property names as in mappings/hubspot/*.yaml. Run `setup hubspot` first: the
// emulator refuses properties it does not know.
import type { HubSpotEmulator, SeedValue } from '../emulators/hubspot/index.ts';
import { leadRecords, partnerAccounts } from './seed-data.ts';
import type { LeadSeedOptions } from './seed-data.ts';

export const HUBSPOT_MQL_STAGE = 'marketingqualifiedlead';

type Row = Record<string, SeedValue>;
const s = (v: unknown): SeedValue => (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : v instanceof Date ? v : null);

/** Partner companies (distributors every tenth, resellers below them) and one partner user each. */
export function seedHubSpotPartners(emu: HubSpotEmulator, count: number, seed = 7): string[] {
  const rows = partnerAccounts(count, { seed }).map((a): Row => ({
    name: s(a['Name']), type: a['Partner_Kind__c'] === 'Distributor' ? 'PARTNER' : 'RESELLER',
    leadrelay_partner_kind: s(a['Partner_Kind__c']), leadrelay_partner_level: s(a['Partner_Level__c']),
    leadrelay_products: s(a['Products__c']), leadrelay_certifications: s(a['Certifications__c']),
    leadrelay_service_countries: s(a['Service_Countries__c']), leadrelay_service_radius_km: s(a['Service_Radius_Km__c']),
    city: s(a['BillingCity']), zip: s(a['BillingPostalCode']), country: s(a['BillingCountry']),
    leadrelay_latitude: s(a['BillingLatitude']), leadrelay_longitude: s(a['BillingLongitude']),
    leadrelay_lead_capacity: s(a['Lead_Capacity__c']), leadrelay_partner_active: a['Partner_Active__c'] === true, leadrelay_languages: s(a['Languages__c']),
  }));
  // Resellers hang under the distributor of their batch of ten, as in a real channel tree (seeded with the parent
  // id, not edited afterwards: an edit would reach search only after its indexing lag).
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 10) {
    const [distributor = '', ...resellers] = emu.seed('companies', rows.slice(i, i + 1));
    ids.push(distributor, ...resellers);
    ids.push(...emu.seed('companies', rows.slice(i + 1, i + 10).map((r) => ({ ...r, leadrelay_parent_partner_id: distributor }))));
  }
  const users = emu.seed('contacts', ids.map((_, i): Row => ({
    firstname: 'Partner', lastname: `User ${i + 1}`, email: `sales${i + 1}@partner-${i + 1}.test`, leadrelay_partner_user: true, lifecyclestage: 'other',
  })));
  users.forEach((u, i) => emu.associate('contacts', u, 'companies', ids[i] ?? ''));
  return ids;
}

/** Customer contacts (MQL share as in seed-data.ts), each associated with its own company. Returns the contact ids. */
export function seedHubSpotContacts(emu: HubSpotEmulator, count: number, opts: LeadSeedOptions = {}): string[] {
  const leads = leadRecords(count, opts);
  const companies = emu.seed('companies', leads.map((l): Row => ({
    name: s(l['Company']), type: 'PROSPECT', numberofemployees: 10 + (count % 7) * 25, createdate: s(l['CreatedDate']), hs_lastmodifieddate: s(l['SystemModstamp']),
  })));
  const contacts = emu.seed('contacts', leads.map((l): Row => ({
    firstname: s(l['FirstName']), lastname: s(l['LastName']), email: s(l['Email']), phone: s(l['Phone']), jobtitle: s(l['Title']),
    address: s(l['Street']), city: s(l['City']), zip: s(l['PostalCode']), state: s(l['State']), country: s(l['Country']),
    leadrelay_latitude: s(l['Latitude']), leadrelay_longitude: s(l['Longitude']), leadrelay_lead_source: s(l['LeadSource']),
    lifecyclestage: l['Status'] === 'Open - Not Contacted' ? 'lead' : HUBSPOT_MQL_STAGE,
    leadrelay_product_interest: s(l['Product_Interest__c']), leadrelay_budget: s(l['Budget__c']), leadrelay_timeframe: s(l['Timeframe__c']),
    leadrelay_lead_score: s(l['Lead_Score__c']), leadrelay_campaign: s(l['Campaign_Name__c']), message: s(l['Description']),
    leadrelay_language: s(l['Preferred_Language__c']), createdate: s(l['CreatedDate']), hs_lastmodifieddate: s(l['SystemModstamp']),
  })));
  contacts.forEach((c, i) => emu.associate('contacts', c, 'companies', companies[i] ?? ''));
  return contacts;
}

/** Partners, partner users and contacts, as the demo and the end-to-end test use them. */
export function seedHubSpotDemo(emu: HubSpotEmulator, opts: { partners: number; leads: number; mqlShare: number; incompleteMqls: number; seed?: number; now?: Date }): void {
  seedHubSpotPartners(emu, opts.partners, opts.seed ?? 7);
  seedHubSpotContacts(emu, opts.leads, {
    mqlShare: opts.mqlShare, incompleteMqls: opts.incompleteMqls, seed: opts.seed ?? 11, ...(opts.now === undefined ? {} : { now: opts.now }),
  });
}
