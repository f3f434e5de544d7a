// The default org schema: the standard objects leadrelay touches, with their real API names, types, lengths and
// the standard value sets behind their picklists. Field reference:
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_lead.htm
import type { FieldDef, PicklistValueDef, SObjectDef } from '../types.ts';

const text = (name: string, label: string, length: number, extra: Partial<FieldDef> = {}): FieldDef =>
  ({ name, label, type: 'string', length, ...extra });
const ro = { createable: false, updateable: false } as const;

const pick = (...values: string[]): PicklistValueDef[] => values.map((value) => ({ value }));

/** Standard value sets (Metadata API StandardValueSet); picklist fields point at them by name. */
export function defaultValueSets(): Record<string, PicklistValueDef[]> {
  return {
    LeadStatus: [
      { value: 'Open - Not Contacted', defaultValue: true, converted: false },
      { value: 'Working - Contacted', converted: false },
      { value: 'Closed - Converted', converted: true },
      { value: 'Closed - Not Converted', converted: false },
    ],
    OpportunityStage: [
      { value: 'Prospecting', probability: 10, forecastCategory: 'Pipeline', closed: false, won: false, defaultValue: true },
      { value: 'Qualification', probability: 10, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Needs Analysis', probability: 20, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Value Proposition', probability: 50, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Id. Decision Makers', probability: 60, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Perception Analysis', probability: 70, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Proposal/Price Quote', probability: 75, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Negotiation/Review', probability: 90, forecastCategory: 'Pipeline', closed: false, won: false },
      { value: 'Closed Won', probability: 100, forecastCategory: 'Closed', closed: true, won: true },
      { value: 'Closed Lost', probability: 0, forecastCategory: 'Omitted', closed: true, won: false },
    ],
    OpportunityType: pick('Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade',
      'New Customer'),
    LeadSource: pick('Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'),
    AccountType: pick('Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller',
      'Installation Partner', 'Technology Partner', 'Partner', 'Other'),
    Industry: pick('Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications',
      'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment',
      'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance',
      'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology',
      'Telecommunications', 'Transportation', 'Utilities', 'Other'),
    AccountRating: pick('Hot', 'Warm', 'Cold'),
  };
}

/** Fields every object has; OwnerId only on owned objects. */
function systemFields(objectName: string, owned: boolean): FieldDef[] {
  const fields: FieldDef[] = [
    { name: 'Id', label: `${objectName} ID`, type: 'id', length: 18, nillable: false, defaultedOnCreate: true, ...ro },
    { name: 'IsDeleted', label: 'Deleted', type: 'boolean', nillable: false, defaultedOnCreate: true, ...ro },
    { name: 'CreatedDate', label: 'Created Date', type: 'datetime', nillable: false, defaultedOnCreate: true, ...ro },
    { name: 'CreatedById', label: 'Created By ID', type: 'reference', referenceTo: ['User'], relationshipName: 'CreatedBy',
      nillable: false, defaultedOnCreate: true, ...ro },
    { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', nillable: false, defaultedOnCreate: true, ...ro },
    { name: 'LastModifiedById', label: 'Last Modified By ID', type: 'reference', referenceTo: ['User'],
      relationshipName: 'LastModifiedBy', nillable: false, defaultedOnCreate: true, ...ro },
    { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', nillable: false, defaultedOnCreate: true, ...ro },
  ];
  if (owned) {
    fields.push({ name: 'OwnerId', label: 'Owner ID', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner',
      nillable: false, defaultedOnCreate: true });
  }
  return fields;
}

const masterRecord = (objectName: string): FieldDef => ({
  name: 'MasterRecordId', label: `Master Record ID`, type: 'reference', referenceTo: [objectName],
  relationshipName: 'MasterRecord', ...ro,
});
/** Address component fields (Street, City, … Latitude, Longitude) with an optional prefix (Billing, Mailing). */
const address = (prefix: string): FieldDef[] => {
  const l = (s: string): string => (prefix ? `${prefix} ${s}` : s);
  return [
    { name: `${prefix}Street`, label: l('Street'), type: 'textarea', length: 255 },
    text(`${prefix}City`, l('City'), 40),
    text(`${prefix}State`, l('State/Province'), 80),
    text(`${prefix}PostalCode`, l('Zip/Postal Code'), 20),
    text(`${prefix}Country`, l('Country'), 80),
    { name: `${prefix}Latitude`, label: l('Latitude'), type: 'double', precision: 18, scale: 15 },
    { name: `${prefix}Longitude`, label: l('Longitude'), type: 'double', precision: 18, scale: 15 },
  ];
};
const picklist = (name: string, label: string, valueSetName: string, extra: Partial<FieldDef> = {}): FieldDef =>
  ({ name, label, type: 'picklist', length: 255, valueSetName, ...extra });
const fullName: FieldDef = text('Name', 'Full Name', 121, { calculated: true, ...ro });
const description: FieldDef = { name: 'Description', label: 'Description', type: 'textarea', length: 32000 };

function lead(): SObjectDef {
  return {
    name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q',
    fields: [
      ...systemFields('Lead', true),
      text('FirstName', 'First Name', 40),
      text('LastName', 'Last Name', 80, { nillable: false }),
      fullName,
      text('Company', 'Company', 255, { nillable: false }),
      text('Title', 'Title', 128),
      { name: 'Email', label: 'Email', type: 'email', length: 80 },
      { name: 'Phone', label: 'Phone', type: 'phone', length: 40 },
      { name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40 },
      ...address(''),
      picklist('LeadSource', 'Lead Source', 'LeadSource'),
      picklist('Status', 'Status', 'LeadStatus', { nillable: false, defaultedOnCreate: true, restrictedPicklist: true }),
      picklist('Rating', 'Rating', 'AccountRating'),
      picklist('Industry', 'Industry', 'Industry'),
      { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 },
      { name: 'NumberOfEmployees', label: 'Employees', type: 'int', precision: 8, scale: 0 },
      description,
      { name: 'Website', label: 'Website', type: 'url', length: 255 },
      { name: 'IsConverted', label: 'Converted', type: 'boolean', nillable: false, defaultedOnCreate: true, ...ro },
      { name: 'ConvertedDate', label: 'Converted Date', type: 'date', ...ro },
      { name: 'ConvertedAccountId', label: 'Converted Account ID', type: 'reference', referenceTo: ['Account'],
        relationshipName: 'ConvertedAccount', ...ro },
      { name: 'ConvertedContactId', label: 'Converted Contact ID', type: 'reference', referenceTo: ['Contact'],
        relationshipName: 'ConvertedContact', ...ro },
      { name: 'ConvertedOpportunityId', label: 'Converted Opportunity ID', type: 'reference', referenceTo: ['Opportunity'],
        relationshipName: 'ConvertedOpportunity', ...ro },
      masterRecord('Lead'),
    ],
  };
}

function account(): SObjectDef {
  return {
    name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001',
    fields: [
      ...systemFields('Account', true),
      text('Name', 'Account Name', 255, { nillable: false }),
      picklist('Type', 'Account Type', 'AccountType'),
      { name: 'ParentId', label: 'Parent Account ID', type: 'reference', referenceTo: ['Account'],
        relationshipName: 'Parent', childRelationshipName: 'ChildAccounts' },
      ...address('Billing'),
      { name: 'Phone', label: 'Account Phone', type: 'phone', length: 40 },
      { name: 'Website', label: 'Website', type: 'url', length: 255 },
      picklist('Industry', 'Industry', 'Industry'),
      { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 },
      { name: 'NumberOfEmployees', label: 'Employees', type: 'int', precision: 8, scale: 0 },
      description,
      { name: 'IsPartner', label: 'Partner Account', type: 'boolean', nillable: false, defaultedOnCreate: true },
      masterRecord('Account'),
    ],
  };
}

function contact(): SObjectDef {
  return {
    name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003',
    fields: [
      ...systemFields('Contact', true),
      text('FirstName', 'First Name', 40),
      text('LastName', 'Last Name', 80, { nillable: false }),
      fullName,
      { name: 'AccountId', label: 'Account ID', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account',
        childRelationshipName: 'Contacts' },
      { name: 'Email', label: 'Email', type: 'email', length: 80 },
      { name: 'Phone', label: 'Business Phone', type: 'phone', length: 40 },
      { name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40 },
      text('Title', 'Title', 128),
      picklist('LeadSource', 'Lead Source', 'LeadSource'),
      ...address('Mailing'),
      description,
      masterRecord('Contact'),
    ],
  };
}

function opportunity(): SObjectDef {
  return {
    name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006',
    fields: [
      ...systemFields('Opportunity', true),
      text('Name', 'Name', 120, { nillable: false }),
      picklist('StageName', 'Stage', 'OpportunityStage', { nillable: false, restrictedPicklist: true }),
      { name: 'CloseDate', label: 'Close Date', type: 'date', nillable: false },
      picklist('Type', 'Opportunity Type', 'OpportunityType'),
      { name: 'Amount', label: 'Amount', type: 'currency', precision: 18, scale: 2 },
      { name: 'AccountId', label: 'Account ID', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account',
        childRelationshipName: 'Opportunities' },
      picklist('LeadSource', 'Lead Source', 'LeadSource'),
      description,
      { name: 'Probability', label: 'Probability (%)', type: 'percent', precision: 3, scale: 0 },
      // IsClosed / IsWon follow the stage (OpportunityStage.closed/won); not writable through the API.
      { name: 'IsClosed', label: 'Closed', type: 'boolean', nillable: false, defaultedOnCreate: true, ...ro },
      { name: 'IsWon', label: 'Won', type: 'boolean', nillable: false, defaultedOnCreate: true, ...ro },
    ],
  };
}

function user(): SObjectDef {
  return {
    name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005',
    fields: [
      ...systemFields('User', false),
      text('Username', 'Username', 80, { nillable: false, unique: true }),
      { name: 'Email', label: 'Email', type: 'email', length: 128, nillable: false },
      text('FirstName', 'First Name', 40),
      text('LastName', 'Last Name', 80, { nillable: false }),
      fullName,
      { name: 'IsActive', label: 'Active', type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: true },
    ],
  };
}

export function defaultSchema(): SObjectDef[] {
  return [lead(), account(), contact(), opportunity(), user()];
}
