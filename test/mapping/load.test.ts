import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/mapping/load.ts';
import { issuesFor, leadYaml, loadShipped, repoRoot } from './helpers.ts';

describe('loadMappings', () => {
  it('loads the shipped Salesforce mappings clean', () => {
    const m = loadShipped();
    expect(m.lead.file).toBe('mappings/salesforce/lead.yaml');
    expect(m.lead.object).toBe('Lead');
    expect(m.partnerUser?.object).toBe('Contact');
    expect(m.opportunity.mode).toBe('create');
    expect(m.lead.selectFields()).toContain('Product_Interest__c');
    // LeadSource feeds two targets but is selected once.
    expect(m.lead.selectFields().filter((f) => f === 'LeadSource')).toHaveLength(1);
    const budget = m.lead.fields.find((f) => f.target === 'budget');
    expect(budget?.source).toMatch(/^mappings\/salesforce\/lead\.yaml:\d+$/);
    expect(m.lead.status?.values['reserved']).toBe('Sales Accepted');
  });

  it('reports exactly the three mistakes of the fixture, each with file, line and hint', () => {
    const dir = path.join(repoRoot, 'test/fixtures/mappings/three-mistakes');
    const r = loadMappings(dir, 'salesforce', { relativeTo: repoRoot });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(3);
    const file = 'test/fixtures/mappings/three-mistakes/salesforce/lead.yaml';
    for (const i of r.issues) {
      expect(i.file).toBe(file);
      expect(i.line).toBeGreaterThan(0);
      expect(i.hint).not.toBe('');
    }
    const [a, b, c] = r.issues;
    expect(a).toMatchObject({ line: 25, path: 'fields.emial', hint: "rename it to 'email'" });
    expect(a?.message).toContain("did you mean 'email'");
    expect(b).toMatchObject({ line: 40, path: 'fields.budget.transform[1]' });
    expect(b?.message).toContain("'number' cannot follow 'split'");
    expect(c).toMatchObject({ line: 51, path: 'fields.temperature.map.Trade Show' });
    expect(c?.message).toContain("did you mean 'warm'");
  });

  it('reports a missing crm folder', () => {
    const r = loadMappings(path.join(repoRoot, 'test/fixtures/mappings/three-mistakes'), 'hubspot', { relativeTo: repoRoot });
    expect(r).toMatchObject({ ok: false, issues: [{ file: 'test/fixtures/mappings/three-mistakes/hubspot', line: null }] });
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesFor({ 'partner.yaml': 'object: Account\nentity: partner\nfields:\n  name: { from: Name\n' });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^YAML syntax error/);
    expect(issues[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it('names unknown keys with a suggestion at the key line', () => {
    const issues = issuesFor({ 'lead.yaml': leadYaml('  email: { from: Email, tranform: [trim] }\n  custom.x: { from: X__c, defualt: 1 }') });
    expect(issues).toEqual([
      expect.objectContaining({ line: 5, path: 'fields.email.tranform', message: "unknown key 'tranform' — did you mean 'transform'?" }),
      expect.objectContaining({ line: 6, path: 'fields.custom.x.defualt', message: "unknown key 'defualt' — did you mean 'default'?" }),
    ]);
  });

  it('checks entity names, one mapping per entity, and the required ones', () => {
    expect(issuesFor({ 'extra.yaml': 'object: Contact\nentity: partner-usr\nfields: {}\n' })).toEqual([
      expect.objectContaining({ file: 'salesforce/extra.yaml', line: 2, path: 'entity', message: "unknown entity 'partner-usr' — did you mean 'partner-user'?" }),
    ]);
    const dup = issuesFor({ 'lead2.yaml': leadYaml('  email: { from: Email }') });
    expect(dup).toEqual([expect.objectContaining({ file: 'salesforce/lead2.yaml', path: 'entity', message: expect.stringContaining('second lead mapping') })]);
    expect(issuesFor({ 'opportunity.yaml': null })).toEqual([expect.objectContaining({ file: 'salesforce', line: null, message: 'no opportunity mapping' })]);
    // partner-user is optional
    expect(issuesFor({ 'partner-user.yaml': null })).toEqual([]);
  });

  it('reports schema and cross-check problems of one file together', () => {
    const issues = issuesFor({
      'lead.yaml': leadYaml(`  email: { from: E-mail }
  productInterest: { from: Products__c }
  score: { from: Score__c, transform: [number, trim] }
  temperature: { from: LeadSource, map: { Web: tepid } }`),
    });
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [5, 'fields.email.from'],
      [6, 'fields.productInterest'],
      [7, 'fields.score.transform[1]'],
      [8, 'fields.temperature.map.Web'],
    ]);
    expect(issues[0]?.hint).toContain('letters, digits and _');
    expect(issues[1]?.hint).toBe('add transform: [split]');
  });

  it('checks targets against their kinds: text, enum, number and list', () => {
    const issues = issuesFor({
      'lead.yaml': leadYaml(`  company: { from: Company, transform: [number] }
  budget: { from: Budget__c, transform: [split] }
  custom.tags: { from: Tags__c, transform: [split, lower] }
  custom.bad-name: { from: X__c }
  score: { from: Score__c, default: high }`),
    });
    expect(issues.map((i) => i.path)).toEqual(['fields.company.transform', 'fields.budget.transform', 'fields.custom.bad-name', 'fields.score.default']);
  });

  it('requires the fields a canonical record cannot do without', () => {
    const issues = issuesFor({ 'partner.yaml': 'object: Account\nentity: partner\nfields:\n  city: { from: BillingCity }\n' });
    expect(issues).toEqual([expect.objectContaining({ line: 3, path: 'fields', message: "required field 'name' is not mapped" })]);
  });

  it('rejects a field both read and written on one object', () => {
    const issues = issuesFor({
      'lead.yaml': leadYaml('  remarks: { from: Description }', 'outbound:\n  fields:\n    feedbackComment: { to: Description }\n'),
    });
    expect(issues).toEqual([expect.objectContaining({ line: 8, path: 'outbound.fields.feedbackComment.to', message: expect.stringContaining('pull its own write back') })]);
  });

  it('checks outbound keys, value maps and duplicate targets', () => {
    const issues = issuesFor({
      'lead.yaml': leadYaml('  email: { from: Email }', `outbound:
  fields:
    partnerStatu: { to: A__c }
    partnerStatus: { to: B__c, values: { reserved: Reserved, reservd: Reserved } }
    partnerName: { to: B__c, values: { x: y } }
  status:
    to: Status
    values: { won: Closed - Converted, wonn: X }`),
    });
    expect(issues.map((i) => [i.path, i.message.slice(0, 40)])).toEqual([
      ['outbound.fields.partnerStatu', "unknown write-back key 'partnerStatu' — "],
      ['outbound.fields.partnerStatus.values.reservd', "'reservd' is not a canonical partnerStat"],
      ['outbound.fields.partnerName.to', 'B__c is already written by partnerStatus'],
      ['outbound.fields.partnerName.values', 'partnerName has no fixed set of values t'],
      ['outbound.status.values.wonn', "'wonn' is not a canonical status value —"],
    ]);
  });

  it('checks mql, track and where as SOQL conditions', () => {
    const issues = issuesFor({
      'lead.yaml': `object: Lead\nentity: lead\nmql: "Status = 'Open' AND"\ntrack: "Id != null LIMIT 5"\nfields:\n  email: { from: Email }\n`,
      'partner.yaml': `object: Account\nentity: partner\nwhere: "Type = 'Partner"\nfields:\n  name: { from: Name }\n`,
    });
    expect(issues.map((i) => [i.file, i.line, i.path])).toEqual([
      ['salesforce/lead.yaml', 3, 'mql'],
      ['salesforce/lead.yaml', 4, 'track'],
      ['salesforce/partner.yaml', 3, 'where'],
    ]);
    expect(issues[0]?.message).toContain('the condition ended');
    expect(issues[1]?.message).toContain('LIMIT');
  });

  it('checks opportunity stages, the upsert key and convert mode', () => {
    const issues = issuesFor({
      'opportunity.yaml': `object: Opportunity
entity: opportunity
mode: convert
stages: { won: Closed Won, wonn: X }
outbound:
  fields:
    name: { to: Name }
    stage: { to: StageName, values: { won: Closed Won } }
    leadId: { to: LeadRelay_Lead_Id__c }
`,
    });
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [3, 'mode'],
      [4, 'stages.wonn'],
      [8, 'outbound.fields.stage.values'],
    ]);
    const create = issuesFor({ 'opportunity.yaml': 'object: Opportunity\nentity: opportunity\nstages: { won: Closed Won }\noutbound:\n  fields:\n    stage: { to: StageName }\n' });
    expect(create).toEqual([expect.objectContaining({ line: 5, message: expect.stringContaining('externalId: true') })]);
  });
});
