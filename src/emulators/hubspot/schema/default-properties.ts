// The standard properties a fresh HubSpot account has on contacts, companies and deals (a realistic subset), with
// HubSpot's internal names, types, field types and enumeration options.
// https://knowledge.hubspot.com/properties/hubspots-default-contact-properties
// https://knowledge.hubspot.com/properties/hubspot-crm-default-company-properties
// https://knowledge.hubspot.com/properties/hubspots-default-deal-properties
import type { ObjectType, PropertyDef, PropertyGroupDef, PropertyOption } from '../types.ts';

const opts = (pairs: Array<[string, string]>): PropertyOption[] =>
  pairs.map(([value, label], i) => ({ value, label, displayOrder: i, hidden: false }));

const text = (name: string, label: string, groupName?: string): PropertyDef =>
  ({ name, label, type: 'string', fieldType: 'text', hubspotDefined: true, ...(groupName ? { groupName } : {}) });
const num = (name: string, label: string): PropertyDef => ({ name, label, type: 'number', fieldType: 'number', hubspotDefined: true });
const select = (name: string, label: string, options: PropertyOption[], fieldType: 'select' | 'radio' = 'select'): PropertyDef =>
  ({ name, label, type: 'enumeration', fieldType, options, hubspotDefined: true });
const system = (name: string, label: string, type: 'datetime' | 'number' | 'string' | 'bool' = 'datetime'): PropertyDef => ({
  name, label, type, hubspotDefined: true, readOnlyValue: true, formField: false,
  fieldType: type === 'datetime' ? 'date' : type === 'number' ? 'number' : type === 'bool' ? 'booleancheckbox' : 'text',
});

export const LIFECYCLE_STAGES = opts([
  ['subscriber', 'Subscriber'], ['lead', 'Lead'], ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'], ['opportunity', 'Opportunity'], ['customer', 'Customer'],
  ['evangelist', 'Evangelist'], ['other', 'Other'],
]);

const LEAD_STATUS = opts([
  ['NEW', 'New'], ['OPEN', 'Open'], ['IN_PROGRESS', 'In Progress'], ['OPEN_DEAL', 'Open Deal'],
  ['UNQUALIFIED', 'Unqualified'], ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'], ['CONNECTED', 'Connected'],
  ['BAD_TIMING', 'Bad Timing'],
]);

const ANALYTICS_SOURCE = opts([
  ['ORGANIC_SEARCH', 'Organic Search'], ['PAID_SEARCH', 'Paid Search'], ['EMAIL_MARKETING', 'Email Marketing'],
  ['SOCIAL_MEDIA', 'Organic Social'], ['REFERRALS', 'Referrals'], ['OTHER_CAMPAIGNS', 'Other Campaigns'],
  ['DIRECT_TRAFFIC', 'Direct Traffic'], ['OFFLINE', 'Offline Sources'], ['PAID_SOCIAL', 'Paid Social'],
  ['AI_REFERRALS', 'AI Referrals'],
]);

const INDUSTRY = opts([
  ['INDUSTRIAL_AUTOMATION', 'Industrial Automation'], ['MACHINERY', 'Machinery'], ['MECHANICAL_OR_INDUSTRIAL_ENGINEERING', 'Mechanical or Industrial Engineering'],
  ['ELECTRICAL_ELECTRONIC_MANUFACTURING', 'Electrical/Electronic Manufacturing'], ['BUILDING_MATERIALS', 'Building Materials'],
  ['CONSTRUCTION', 'Construction'], ['WHOLESALE', 'Wholesale'], ['RETAIL', 'Retail'], ['COMPUTER_SOFTWARE', 'Computer Software'],
  ['INFORMATION_TECHNOLOGY_AND_SERVICES', 'Information Technology and Services'], ['RENEWABLES_ENVIRONMENT', 'Renewables & Environment'],
  ['AUTOMOTIVE', 'Automotive'], ['LOGISTICS_AND_SUPPLY_CHAIN', 'Logistics and Supply Chain'], ['FOOD_PRODUCTION', 'Food Production'],
]);

// Company "Type" ships with these options; PARTNER is what leadrelay's partner companies use.
const COMPANY_TYPE = opts([['PROSPECT', 'Prospect'], ['PARTNER', 'Partner'], ['RESELLER', 'Reseller'], ['VENDOR', 'Vendor'], ['OTHER', 'Other']]);

const COMMON_SYSTEM = (): PropertyDef[] => [
  system('hs_object_id', 'Record ID', 'number'),
  system('createdate', 'Create Date'),
  system('hs_lastmodifieddate', 'Last Modified Date'),
  { ...system('hs_merged_object_ids', 'Merged Record IDs', 'string'), type: 'enumeration', fieldType: 'checkbox', options: [], externalOptions: true },
  // Owners are an external option list (the owners API); any owner id is accepted.
  { ...select('hubspot_owner_id', 'Owner', []), externalOptions: true },
];

function contacts(): PropertyDef[] {
  return [
    ...COMMON_SYSTEM(),
    system('lastmodifieddate', 'Last Modified Date'),
    ...LIFECYCLE_STAGES.map((o) => system(`hs_lifecyclestage_${o.value}_date`, `Became a ${o.label} Date`)),
    text('email', 'Email'), text('firstname', 'First Name'), text('lastname', 'Last Name'),
    { name: 'phone', label: 'Phone Number', type: 'string', fieldType: 'phonenumber', hubspotDefined: true },
    { name: 'mobilephone', label: 'Mobile Phone Number', type: 'string', fieldType: 'phonenumber', hubspotDefined: true },
    text('company', 'Company Name'), text('jobtitle', 'Job Title'), text('website', 'Website URL'),
    text('address', 'Street Address'), text('city', 'City'), text('zip', 'Postal Code'), text('state', 'State/Region'),
    text('country', 'Country/Region'), text('industry', 'Industry'),
    { name: 'message', label: 'Message', type: 'string', fieldType: 'textarea', hubspotDefined: true },
    num('numemployees', 'Number of Employees'), num('annualrevenue', 'Annual Revenue'),
    num('associatedcompanyid', 'Primary Associated Company ID'),
    select('lifecyclestage', 'Lifecycle Stage', LIFECYCLE_STAGES, 'radio'),
    select('hs_lead_status', 'Lead Status', LEAD_STATUS, 'radio'),
    { ...select('hs_analytics_source', 'Original Traffic Source', ANALYTICS_SOURCE), readOnlyValue: true },
    { ...system('hs_email_domain', 'Email Domain', 'string') },
    { name: 'hs_email_optout', label: 'Unsubscribed from all email', type: 'bool', fieldType: 'booleancheckbox', hubspotDefined: true,
      options: opts([['true', 'True'], ['false', 'False']]), readOnlyValue: true },
  ];
}

function companies(): PropertyDef[] {
  return [
    ...COMMON_SYSTEM(),
    text('name', 'Company name'), text('domain', 'Company Domain Name'), text('website', 'Website URL'),
    { name: 'phone', label: 'Phone Number', type: 'string', fieldType: 'phonenumber', hubspotDefined: true },
    text('address', 'Street Address'), text('city', 'City'), text('zip', 'Postal Code'), text('state', 'State/Region'),
    text('country', 'Country/Region'),
    { name: 'description', label: 'Description', type: 'string', fieldType: 'textarea', hubspotDefined: true },
    select('industry', 'Industry', INDUSTRY), select('type', 'Type', COMPANY_TYPE),
    select('lifecyclestage', 'Lifecycle Stage', LIFECYCLE_STAGES, 'radio'),
    num('numberofemployees', 'Number of Employees'), num('annualrevenue', 'Annual Revenue'),
  ];
}

function deals(): PropertyDef[] {
  return [
    ...COMMON_SYSTEM(),
    text('dealname', 'Deal Name'), num('amount', 'Amount'),
    { name: 'closedate', label: 'Close Date', type: 'datetime', fieldType: 'date', hubspotDefined: true },
    // Options of pipeline/dealstage come from the pipelines API (see pipelines.ts); they are validated per pipeline.
    { ...select('pipeline', 'Pipeline', []), externalOptions: true },
    { ...select('dealstage', 'Deal Stage', [], 'radio'), externalOptions: true },
    select('dealtype', 'Deal Type', opts([['newbusiness', 'New Business'], ['existingbusiness', 'Existing Business']]), 'radio'),
    select('hs_priority', 'Priority', opts([['low', 'Low'], ['medium', 'Medium'], ['high', 'High']])),
    { name: 'description', label: 'Deal Description', type: 'string', fieldType: 'textarea', hubspotDefined: true },
    system('hs_is_closed', 'Is Deal Closed?', 'bool'), system('hs_is_closed_won', 'Is Closed Won', 'bool'),
    system('hs_deal_stage_probability', 'Deal Stage Probability', 'number'),
  ];
}

const GROUP: Record<ObjectType, string> = { contacts: 'contactinformation', companies: 'companyinformation', deals: 'dealinformation' };

/** The default properties of one object type (fresh copies, groupName and displayOrder filled in). */
// HubSpot-defined definitions are read-only for apps: options of e.g. hs_lead_status are an admin's job in
// Settings → Properties (modificationMetadata.readOnlyDefinition), so PATCHing them answers 400.
export function defaultProperties(type: ObjectType): PropertyDef[] {
  const list = type === 'contacts' ? contacts() : type === 'companies' ? companies() : deals();
  return list.map((p, i) => ({ groupName: GROUP[type], displayOrder: i, readOnlyDefinition: true, ...p }));
}

export function defaultGroups(type: ObjectType): PropertyGroupDef[] {
  const label = { contacts: 'Contact information', companies: 'Company information', deals: 'Deal information' }[type];
  return [{ name: GROUP[type], label, displayOrder: 0 }];
}

export function defaultGroupName(type: ObjectType): string {
  return GROUP[type];
}
