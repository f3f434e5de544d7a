import { describe, expect, it } from 'vitest';
import { checkAgainstDescribe } from '../../src/mapping/describe-check.ts';
import type { DescribeField, DescribeResult } from '../../src/mapping/describe-check.ts';
import { requiredCrmFields } from '../../src/mapping/required-fields.ts';
import type { LoadedMappings } from '../../src/mapping/types.ts';
import { loadShipped } from './helpers.ts';

const m = loadShipped();

/** A describe in which every field the mappings need exists with a fitting type (what setup would create). */
function perfectDescribe(mappings: LoadedMappings): Record<string, { fields: DescribeField[] }> {
  const sfType: Record<string, string> = {
    Text: 'string', Number: 'double', Currency: 'currency', Checkbox: 'boolean', Date: 'date', DateTime: 'datetime',
    Picklist: 'picklist', MultiselectPicklist: 'multipicklist', LongTextArea: 'textarea', Email: 'email', Phone: 'phone', Url: 'url', Lookup: 'reference',
  };
  return Object.fromEntries(requiredCrmFields(mappings).map((o) => [o.object, {
    fields: o.fields.map((f) => ({ name: f.field, type: sfType[f.type] ?? 'string', picklistValues: [...(f.picklistValues ?? [])], updateable: true, createable: true })),
  }]));
}

function withField(d: Record<string, { fields: DescribeField[] }>, object: string, name: string, patch: Partial<DescribeField> | null): DescribeResult {
  const fields = (d[object]?.fields ?? []).flatMap((f) => (f.name !== name ? [f] : patch === null ? [] : [{ ...f, ...patch }]));
  return { ...d, [object]: { fields } };
}

describe('checkAgainstDescribe', () => {
  const good = perfectDescribe(m);

  it('finds nothing when the org has what the mappings need', () => {
    expect(checkAgainstDescribe(m, good)).toEqual([]);
  });

  it('reports a missing custom field with the setup hint, at the mapping line', () => {
    const issues = checkAgainstDescribe(m, withField(good, 'Lead', 'Budget__c', null));
    const line = m.lead.fields.find((f) => f.target === 'budget')?.line;
    expect(issues).toEqual([{ file: 'mappings/salesforce/lead.yaml', line, path: 'fields.budget', message: 'Lead.Budget__c does not exist', hint: 'run `leadrelay setup salesforce` to create it' }]);
  });

  it('reports a missing standard field with a field-level-security hint, and missing condition fields', () => {
    const issues = checkAgainstDescribe(m, withField(good, 'Lead', 'IsConverted', null));
    expect(issues).toEqual([expect.objectContaining({ line: m.lead.mql.line, path: 'mql', hint: expect.stringContaining('field-level security') })]);
  });

  it('reports a missing object', () => {
    const { Contact: _c, ...rest } = good;
    expect(checkAgainstDescribe(m, rest)).toEqual([expect.objectContaining({ file: 'mappings/salesforce/partner-user.yaml', path: 'object', message: 'object Contact is not in the CRM' })]);
  });

  it('reports picklist values the org lacks, for status maps and opportunity stages', () => {
    const d1 = withField(good, 'Lead', 'Status', { picklistValues: ['Open', 'Sales Accepted', 'Nurture'] });
    expect(checkAgainstDescribe(m, d1)).toEqual([expect.objectContaining({ path: 'outbound.status.values', message: "'Closed - Not Converted' is not a value of the Lead.Status picklist" })]);
    const d2 = withField(good, 'Opportunity', 'StageName', { picklistValues: ['Closed Won', 'Closed Lost'] });
    expect(checkAgainstDescribe(m, d2).map((i) => [i.path, i.line])).toEqual([['stages', m.opportunity.stagesLine], ['stages', m.opportunity.stagesLine]]);
  });

  it('reports writes to read-only fields', () => {
    const issues = checkAgainstDescribe(m, withField(good, 'Lead', 'LeadRelay_Partner_Name__c', { updateable: false }));
    expect(issues).toEqual([expect.objectContaining({ path: 'outbound.fields.partnerName', message: expect.stringContaining('read-only') })]);
  });

  it('reports transforms that do not fit the field type', () => {
    expect(checkAgainstDescribe(m, withField(good, 'Lead', 'Budget__c', { type: 'string' }))).toEqual([
      expect.objectContaining({ path: 'fields.budget', message: "Budget__c is a string field: 'number' will quarantine every record whose value is not a number" }),
    ]);
    expect(checkAgainstDescribe(m, withField(good, 'Opportunity', 'Amount', { type: 'string' }))).toEqual([
      expect.objectContaining({ path: 'outbound.fields.amount' }),
    ]);
  });
});
