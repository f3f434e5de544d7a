import { describe, expect, it } from 'vitest';
import { requiredCrmFields } from '../../src/mapping/required-fields.ts';
import type { RequiredCrmField } from '../../src/mapping/required-fields.ts';
import { leadYaml, loadShipped, loadWith } from './helpers.ts';

const fieldsOf = (objects: ReturnType<typeof requiredCrmFields>, object: string): Map<string, RequiredCrmField> =>
  new Map((objects.find((o) => o.object === object)?.fields ?? []).map((f) => [f.field, f]));

describe('requiredCrmFields', () => {
  const objects = requiredCrmFields(loadShipped());
  const lead = fieldsOf(objects, 'Lead');

  it('lists every object the mappings touch', () => {
    expect(objects.map((o) => o.object).sort()).toEqual(['Account', 'Contact', 'Lead', 'Opportunity']);
  });

  it('infers field types from transforms and outbound keys', () => {
    expect(lead.get('Budget__c')).toMatchObject({ type: 'Number', precision: 18, scale: 2, custom: true, usage: ['read'] });
    expect(lead.get('Product_Interest__c')).toMatchObject({ type: 'LongTextArea' });
    expect(lead.get('LeadRelay_Reserved_At__c')).toMatchObject({ type: 'DateTime', usage: ['write'] });
    expect(lead.get('LeadRelay_Partner__c')).toMatchObject({ type: 'Text', length: 18 });
    expect(lead.get('LeadRelay_Partner_Name__c')).toMatchObject({ type: 'Text', length: 255 });
    expect(lead.get('LeadRelay_Feedback_Comment__c')).toMatchObject({ type: 'LongTextArea' });
    expect(lead.get('LeadRelay_Partner_Status__c')).toMatchObject({ type: 'Picklist', usage: ['write', 'condition'] });
    expect(lead.get('LeadRelay_Partner_Status__c')?.picklistValues).toContain('Needs Qualification');
    const account = fieldsOf(objects, 'Account');
    expect(account.get('Lead_Capacity__c')).toMatchObject({ type: 'Number', scale: 0 });
    expect(account.get('Partner_Active__c')).toMatchObject({ type: 'Checkbox' });
    expect(account.get('Partner_Kind__c')).toMatchObject({ type: 'Picklist', picklistValues: ['Distributor', 'Reseller', 'Dealer', 'Installer'] });
    const opp = fieldsOf(objects, 'Opportunity');
    expect(opp.get('LeadRelay_Lead_Id__c')).toMatchObject({ type: 'Text', length: 64, externalId: true, unique: true });
    expect(opp.get('Amount')).toMatchObject({ type: 'Currency', custom: false });
  });

  it('lists picklist values outbound maps need on standard fields, never inbound map keys', () => {
    expect(lead.get('Status')).toMatchObject({ custom: false, picklistValues: ['Sales Accepted', 'Closed - Not Converted', 'Nurture'] });
    expect(fieldsOf(objects, 'Opportunity').get('StageName')?.picklistValues).toEqual(['Qualification', 'Proposal/Price Quote', 'Closed Won', 'Closed Lost']);
    expect(lead.get('LeadSource')).not.toHaveProperty('picklistValues');
    expect(lead.get('LeadSource')?.sources).toHaveLength(2);
  });

  it('includes fields used only in conditions, typed by their literal', () => {
    expect(fieldsOf(objects, 'Contact').get('LeadRelay_User__c')).toMatchObject({ type: 'Checkbox', usage: ['condition'], custom: true });
    expect(lead.get('IsConverted')).toMatchObject({ usage: ['condition'], custom: false });
  });

  it('a declared type wins over inference', () => {
    const m = loadWith({ 'lead.yaml': leadYaml('  budget: { from: Budget__c, transform: [number], type: Currency }\n  custom.tier: { from: Tier__c, map: { A: gold }, type: Text }') });
    const f = fieldsOf(requiredCrmFields(m), 'Lead');
    expect(f.get('Budget__c')).toMatchObject({ type: 'Currency', precision: 18, scale: 2 });
    expect(f.get('Tier__c')).toEqual(expect.objectContaining({ type: 'Text', length: 255 }));
  });
});
