// Metadata API over SOAP (CustomField, StandardValueSet) and partner SOAP convertLead, through jsforce.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import { failure, leads, loginConn, refreshableConn, startEmu } from './support.ts';

let emu: SalesforceEmulator;
let conn: Connection;
beforeEach(async () => {
  emu = await startEmu();
  conn = await loginConn(emu);
});
afterEach(async () => {
  await emu.close();
});

interface MdResult { fullName: string; success: boolean; created?: boolean; errors?: Array<{ statusCode: string; message: string }> | { statusCode: string; message: string } }
interface ConvertResult { success: boolean; leadId: string | null; accountId: string | null; contactId: string | null; opportunityId: string | null }
const firstError = (r: MdResult): { statusCode: string; message: string } | undefined => (Array.isArray(r.errors) ? r.errors[0] : r.errors);

describe('CustomField', () => {
  it('create → describe shows it → writable and queryable at once', async () => {
    const res = await conn.metadata.create('CustomField', {
      fullName: 'Lead.LeadRelay_Partner__c', label: 'LeadRelay Partner', type: 'Text', length: 80, externalId: true, unique: true,
    }) as unknown as MdResult;
    expect(res).toEqual({ fullName: 'Lead.LeadRelay_Partner__c', success: true, errors: [] });
    const d = await conn.describe('Lead');
    const f = d.fields.find((x) => x.name === 'LeadRelay_Partner__c');
    expect(f).toMatchObject({ type: 'string', length: 80, custom: true, externalId: true, unique: true, label: 'LeadRelay Partner', nillable: true, updateable: true, soapType: 'xsd:string' });
    const [id] = emu.seed('Lead', leads(1));
    await conn.sobject('Lead').update({ Id: id ?? '', LeadRelay_Partner__c: 'P-42' });
    const q = await conn.query<{ LeadRelay_Partner__c: string }>("SELECT LeadRelay_Partner__c FROM Lead WHERE LeadRelay_Partner__c = 'p-42'");
    expect(q.records[0]?.LeadRelay_Partner__c).toBe('P-42');
    expect(emu.calls().byKind.metadata).toBe(1);
  });

  it('duplicate and invalid definitions come back as SaveResult errors', async () => {
    await conn.metadata.create('CustomField', { fullName: 'Lead.Score__c', label: 'Score', type: 'Number', precision: 5, scale: 0 });
    const results = await conn.metadata.create('CustomField', [
      { fullName: 'Lead.Score__c', label: 'Score', type: 'Number', precision: 5, scale: 0 },
      { fullName: 'Lead.Name_No_Length__c', label: 'x', type: 'Text' },
      { fullName: 'Nope.X__c', label: 'x', type: 'Text', length: 5 },
    ]) as unknown as MdResult[];
    expect(results.map((r) => [r.success, firstError(r)?.statusCode])).toEqual([
      [false, 'DUPLICATE_DEVELOPER_NAME'], [false, 'FIELD_INTEGRITY_EXCEPTION'], [false, 'INVALID_CROSS_REFERENCE_KEY'],
    ]);
    expect(firstError(results[0] as MdResult)?.message).toBe('There is already a field named Score on Lead.');
    expect(firstError(results[1] as MdResult)?.message).toBe("Must specify 'length' for a CustomField of type Text");
  });

  it('picklists, multi-selects, checkboxes, lookups; read and upsert round trip', async () => {
    await conn.metadata.create('CustomField', [
      { fullName: 'Lead.Partner_Status__c', label: 'Partner Status', type: 'Picklist',
        valueSet: { restricted: true, valueSetDefinition: { value: [{ fullName: 'Offered', label: 'Offered', default: false }, { fullName: 'Accepted', label: 'Accepted', default: false }] } } },
      { fullName: 'Lead.Products__c', label: 'Products', type: 'MultiselectPicklist', visibleLines: 4,
        valueSet: { valueSetDefinition: { value: [{ fullName: 'heat-pump', label: 'Heat pump' }, { fullName: 'solar', label: 'Solar' }] } } },
      { fullName: 'Contact.LeadRelay_User__c', label: 'LeadRelay User', type: 'Checkbox', defaultValue: 'false' },
      { fullName: 'Lead.Partner_Account__c', label: 'Partner Account', type: 'Lookup', referenceTo: 'Account', relationshipName: 'Routed_Leads' },
    ]);
    const [acc] = emu.seed('Account', [{ Name: 'Partner GmbH' }]);
    const [id] = emu.seed('Lead', leads(1));
    const bad = await failure(conn.sobject('Lead').update({ Id: id ?? '', Partner_Status__c: 'Maybe' }));
    expect(bad.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    await conn.sobject('Lead').update({ Id: id ?? '', Partner_Status__c: 'Accepted', Products__c: 'solar;heat-pump', Partner_Account__c: acc ?? '' });
    const q = await conn.query<Record<string, unknown>>(`SELECT Products__c, Partner_Account__r.Name FROM Lead WHERE Id = '${id ?? ''}'`);
    expect(q.records[0]).toMatchObject({ Products__c: 'heat-pump;solar', Partner_Account__r: { Name: 'Partner GmbH' } });
    const [c] = emu.seed('Contact', [{ LastName: 'P' }]);
    expect(emu.get('Contact', c ?? '')?.LeadRelay_User__c).toBe(false);
    const accDescribe = await conn.describe('Account');
    expect(accDescribe.childRelationships).toContainEqual(expect.objectContaining({ childSObject: 'Lead', field: 'Partner_Account__c', relationshipName: 'Routed_Leads__r' }));

    const read = await conn.metadata.read('CustomField', 'Lead.Partner_Status__c') as unknown as Record<string, unknown>;
    expect(read).toMatchObject({ fullName: 'Lead.Partner_Status__c', label: 'Partner Status', type: 'Picklist',
      valueSet: { restricted: true, valueSetDefinition: { value: [{ fullName: 'Offered', label: 'Offered' }, { fullName: 'Accepted', label: 'Accepted' }] } } });
    const up = await conn.metadata.upsert('CustomField', [
      { fullName: 'Lead.Partner_Status__c', label: 'Partner Status', type: 'Picklist',
        valueSet: { restricted: true, valueSetDefinition: { value: [{ fullName: 'Offered', label: 'Offered' }, { fullName: 'Accepted', label: 'Accepted' }, { fullName: 'Won', label: 'Won' }] } } },
      { fullName: 'Lead.Budget__c', label: 'Budget', type: 'Currency', precision: 18, scale: 2 },
    ]) as unknown as MdResult[];
    expect(up.map((r) => [r.fullName, r.success, r.created])).toEqual([['Lead.Partner_Status__c', true, false], ['Lead.Budget__c', true, true]]);
    await conn.sobject('Lead').update({ Id: id ?? '', Partner_Status__c: 'Won', Budget__c: 99.999 });
    expect(emu.get('Lead', id ?? '')).toMatchObject({ Partner_Status__c: 'Won', Budget__c: 100 });
    const missing = await conn.metadata.read('CustomField', 'Lead.Missing__c') as unknown as Record<string, unknown>;
    expect(missing.fullName).toBeUndefined();
  });
});

describe('StandardValueSet', () => {
  it('reading LeadStatus and adding a value lets Leads use it', async () => {
    const [id] = emu.seed('Lead', leads(1));
    expect((await failure(conn.sobject('Lead').update({ Id: id ?? '', Status: 'Marketing Qualified' }))).errorCode)
      .toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const vs = await conn.metadata.read('StandardValueSet', 'LeadStatus') as unknown as { fullName: string; standardValue: Array<Record<string, unknown>> };
    expect(vs.fullName).toBe('LeadStatus');
    expect(vs.standardValue.map((v) => [v.fullName, v.converted, v.default])).toEqual([
      ['Open - Not Contacted', false, true], ['Working - Contacted', false, false], ['Closed - Converted', true, false], ['Closed - Not Converted', false, false],
    ]);
    const res = await conn.metadata.update('StandardValueSet', {
      fullName: 'LeadStatus', sorted: false,
      standardValue: [...vs.standardValue, { fullName: 'Marketing Qualified', label: 'Marketing Qualified', default: false, converted: false }],
    }) as unknown as MdResult;
    expect(res.success).toBe(true);
    await conn.sobject('Lead').update({ Id: id ?? '', Status: 'Marketing Qualified' });
    expect(emu.get('Lead', id ?? '')?.Status).toBe('Marketing Qualified');
    const d = await conn.describe('Lead');
    expect(d.fields.find((f) => f.name === 'Status')?.picklistValues?.map((p) => p.value)).toContain('Marketing Qualified');
  });

  it('OpportunityStage carries probability / closed / won', async () => {
    const vs = await conn.metadata.read('StandardValueSet', 'OpportunityStage') as unknown as { standardValue: Array<Record<string, unknown>> };
    expect(vs.standardValue.find((v) => v.fullName === 'Closed Won')).toMatchObject({ closed: true, won: true, probability: 100, forecastCategory: 'Closed' });
  });
});

describe('convertLead', () => {
  it('creates Account, Contact, Opportunity and makes the Lead read-only', async () => {
    const [id] = emu.seed('Lead', [{ FirstName: 'Grace', LastName: 'Hopper', Company: 'Navy', Email: 'g@navy.test', City: 'Arlington', LeadSource: 'Web' }]);
    const r = await conn.soap.convertLead({ leadId: id ?? '', convertedStatus: 'Closed - Converted', doNotCreateOpportunity: false } as never) as unknown as ConvertResult;
    expect(r).toMatchObject({ success: true, leadId: id, accountId: expect.stringMatching(/^001/) as unknown, contactId: expect.stringMatching(/^003/) as unknown, opportunityId: expect.stringMatching(/^006/) as unknown });
    const lead = emu.get('Lead', id ?? '');
    expect(lead).toMatchObject({ IsConverted: true, Status: 'Closed - Converted', ConvertedAccountId: r.accountId, ConvertedContactId: r.contactId, ConvertedOpportunityId: r.opportunityId });
    expect(lead?.ConvertedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(emu.get('Account', r.accountId ?? '')).toMatchObject({ Name: 'Navy', BillingCity: 'Arlington' });
    expect(emu.get('Contact', r.contactId ?? '')).toMatchObject({ FirstName: 'Grace', LastName: 'Hopper', AccountId: r.accountId, Email: 'g@navy.test' });
    expect(emu.get('Opportunity', r.opportunityId ?? '')).toMatchObject({ Name: 'Navy-', StageName: 'Prospecting', AccountId: r.accountId, LeadSource: 'Web' });
    expect(emu.writeLog().map((w) => `${w.op}:${w.sobject}`)).toEqual(['create:Account', 'create:Contact', 'create:Opportunity', 'convert:Lead']);

    const again = await conn.soap.convertLead({ leadId: id ?? '', convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true } as never);
    expect(again).toMatchObject({ success: false, accountId: null, errors: [{ statusCode: 'CANNOT_UPDATE_CONVERTED_LEAD', message: 'cannot reference converted lead' }] });
    const upd = await failure(conn.sobject('Lead').update({ Id: id ?? '', Title: 'x' }));
    expect(upd.errorCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    expect(emu.calls().byKind.soap).toBe(2);
  });

  it('doNotCreateOpportunity, existing account, bad status; several in one call', async () => {
    const [acc] = emu.seed('Account', [{ Name: 'Existing' }]);
    const [a, b] = emu.seed('Lead', leads(2));
    const results = await conn.soap.convertLead([
      { leadId: a ?? '', convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true, accountId: acc ?? '' },
      { leadId: b ?? '', convertedStatus: 'Open - Not Contacted', doNotCreateOpportunity: true },
    ] as never) as unknown as Array<{ success: boolean; accountId: string | null; opportunityId: string | null; errors: Array<{ statusCode: string }> }>;
    expect(results[0]).toMatchObject({ success: true, accountId: acc, opportunityId: null });
    expect(results[1]).toMatchObject({ success: false, errors: [{ statusCode: 'INVALID_STATUS' }] });
    expect(emu.all('Account')).toHaveLength(1);
    expect(emu.get('Lead', b ?? '')?.IsConverted).toBe(false);
  });

  it('SOAP calls survive session expiry (500 sf:INVALID_SESSION_ID → jsforce refresh)', async () => {
    const rconn = await refreshableConn(emu);
    emu.expireSessions();
    const vs = await rconn.metadata.read('StandardValueSet', 'LeadSource') as unknown as { fullName: string };
    expect(vs.fullName).toBe('LeadSource');
    const raw = await fetch(`${emu.url}/services/Soap/m/60.0`, { method: 'POST', headers: { 'content-type': 'text/xml', SOAPAction: '""' },
      body: '<?xml version="1.0"?><se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header><SessionHeader><sessionId>bad</sessionId></SessionHeader></se:Header><se:Body><readMetadata/></se:Body></se:Envelope>' });
    expect(raw.status).toBe(500);
    expect(await raw.text()).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
  });
});
