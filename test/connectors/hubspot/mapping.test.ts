// HubSpot's side of the mapping module: conditions as CRM search filters, `company.<property>` paths, the deal
// pipeline; each mistake reported with file, line and a fix, and Salesforce files judged as before.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMappings, requiredCrmFields } from '../../../src/mapping/index.ts';
import type { MappingIssue } from '../../../src/mapping/index.ts';
import { hubspotMappings, repoRoot } from './env.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The shipped mappings of `crm` with some files replaced; the issues of loading them. */
function issues(crm: 'hubspot' | 'salesforce', files: Record<string, string>): MappingIssue[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadrelay-hs-mapping-'));
  dirs.push(dir);
  cpSync(path.join(repoRoot, 'mappings', crm), path.join(dir, crm), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, crm, name), text);
  const r = loadMappings(dir, crm, { relativeTo: dir });
  return r.ok ? [] : r.issues;
}

const lead = (mql: string, extra = ''): string => `object: contacts\nentity: lead\nmql: ${mql}\n${extra}fields:\n  email: { from: email }\n`;
const filter = (f: string): string => `{ filterGroups: [{ filters: [${f}] }] }`;

describe('hubspot mappings', () => {
  it('loads the shipped files: search filters, company paths routed to companies, the pipeline', () => {
    const m = hubspotMappings();
    expect(m.lead.mql.filterGroups).toEqual([{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'marketingqualifiedlead' }] }]);
    expect(m.lead.mql.text).toBe('lifecyclestage EQ marketingqualifiedlead');
    expect(m.partnerUser?.where?.filterGroups?.[0]?.filters[0]).toEqual({ propertyName: 'leadrelay_partner_user', operator: 'EQ', value: 'true' });
    expect(m.opportunity.pipeline).toBe('Partner Deals');
    const required = requiredCrmFields(m);
    const companies = required.find((o) => o.object === 'companies')?.fields.map((f) => f.field) ?? [];
    expect(companies).toEqual(expect.arrayContaining(['name', 'domain', 'industry', 'numberofemployees']));
    expect(required.find((o) => o.object === 'contacts')?.fields.some((f) => f.field.startsWith('company.'))).toBe(false);
  });

  it('refuses a SOQL text condition and explains the filter form', () => {
    const found = issues('hubspot', { 'lead.yaml': lead(`"lifecyclestage = 'marketingqualifiedlead'"`) });
    expect(found).toEqual([expect.objectContaining({ path: 'mql', line: 3, message: 'a HubSpot condition is a CRM search filter, not text' })]);
    expect(found[0]?.hint).toContain('filterGroups');
  });

  it('checks operators, values and the search limits (leadrelay adds its window to every group)', () => {
    const noValue = issues('hubspot', { 'lead.yaml': lead(filter('{ propertyName: lifecyclestage, operator: EQ }')) });
    expect(noValue).toEqual([expect.objectContaining({ path: 'mql.filterGroups[0].filters[0]', message: 'EQ needs a value' })]);
    const unknownOp = issues('hubspot', { 'lead.yaml': lead(filter('{ propertyName: lifecyclestage, operator: EQUALS, value: x }')) });
    expect(unknownOp[0]).toMatchObject({ path: 'mql.filterGroups[0].filters[0].operator' });
    const group = '{ filters: [{ propertyName: lifecyclestage, operator: EQ, value: x }] }';
    const many = issues('hubspot', { 'lead.yaml': lead(`{ filterGroups: [${[group, group, group, group].join(', ')}] }`, `track: { filterGroups: [${group}, ${group}] }\n`) });
    expect(many).toEqual([expect.objectContaining({ path: 'mql.filterGroups', message: '6 filter groups in one search; HubSpot allows 5' })]);
  });

  it('reads company.<property> on contacts only', () => {
    const found = issues('hubspot', { 'partner.yaml': 'object: companies\nentity: partner\nfields:\n  name: { from: company.name }\n' });
    expect(found).toEqual([expect.objectContaining({ path: 'fields.name.from', line: 4, message: "'company.' does not name an associated record of companies" })]);
  });

  it('needs a pipeline on the deal mapping and has no lead conversion', () => {
    const opp = 'object: deals\nentity: opportunity\nmode: convert\nconvertedStatus: X\nstages: { won: Closed Won }\noutbound:\n  fields:\n    stage: { to: dealstage }\n';
    const found = issues('hubspot', { 'opportunity.yaml': opp });
    expect(found.map((i) => i.message)).toEqual(expect.arrayContaining(['HubSpot has no lead conversion', 'no deal pipeline named']));
  });

  it('needs `where` on partner users (HubSpot has no partner-user flag of its own)', () => {
    const found = issues('hubspot', { 'partner-user.yaml': 'object: contacts\nentity: partner-user\nfields:\n  partnerExternalId: { from: company.hs_object_id }\n  email: { from: email }\n' });
    expect(found).toEqual([expect.objectContaining({ path: 'fields', message: 'HubSpot partner users need a `where` condition' })]);
  });

  it('judges Salesforce files as before: a filter map, a dotted from and a pipeline are mistakes there', () => {
    const found = issues('salesforce', {
      'partner-user.yaml': `object: Contact\nentity: partner-user\nwhere: ${filter('{ propertyName: x, operator: HAS_PROPERTY }')}\nfields:\n  partnerExternalId: { from: Account.Id }\n  email: { from: Email }\n`,
    });
    expect(found.map((i) => [i.path, i.message])).toEqual([
      ['where', 'a Salesforce condition is a SOQL WHERE clause (text)'],
      ['fields.partnerExternalId.from', 'not a valid CRM field or object API name'],
    ]);
  });
});
