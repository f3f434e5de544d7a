// `setup salesforce`: plan, apply through the Metadata API (batches of 10), idempotence, SFDX export, and the
// describe check afterwards.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from './env.ts';
import { signal, startEnv } from './env.ts';
import { withBadPartnerStatus } from './fixtures.ts';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('salesforce setup', () => {
  let env: Env;
  beforeEach(async () => {
    env = await startEnv();
  });
  afterEach(async () => {
    await env.close();
  });

  it('--plan lists the missing fields and picklist values and changes nothing', async () => {
    const c = env.connector();
    const before = await c.checkMapping(signal);
    expect(before.length).toBeGreaterThan(10);
    const report = await c.setup({ plan: true, signal });
    expect(report.applied).toEqual([]);
    expect(report.errors).toEqual([]);
    const creates = report.planned.filter((p) => p.action === 'create-field');
    expect(creates.map((p) => `${p.object}.${p.field}`)).toContain('Lead.LeadRelay_Partner_Status__c');
    expect(creates.find((p) => p.field === 'LeadRelay_Lead_Id__c')?.detail).toMatch(/external id, unique/);
    expect(report.planned.filter((p) => p.action === 'add-picklist-values')).toEqual([{ object: 'Lead', field: 'Status', action: 'add-picklist-values', detail: "add 'Sales Accepted', 'Nurture' to standard value set LeadStatus" }]);
    expect(env.emu.calls().byKind.metadata).toBe(0);
    expect(await env.connector().checkMapping(signal)).toEqual(before);
  });

  it('creates the fields in batches of 10, adds the values, and a second run plans nothing', async () => {
    const c = env.connector();
    const report = await c.setup({ plan: false, signal });
    expect(report.errors).toEqual([]);
    const key = (p: { object: string; field: string; action: string }): string => `${p.action} ${p.object}.${p.field}`;
    expect(report.applied.map(key).sort()).toEqual(report.planned.map(key).sort());
    const creates = report.planned.filter((p) => p.action === 'create-field').length;
    // reads of the value set + ceil(creates / 10) creates + 1 value-set update
    expect(c.usage().callsByStage['metadata']).toBe(1 + Math.ceil(creates / 10) + 1);
    expect(await c.checkMapping(signal)).toEqual([]);
    const again = await env.connector().setup({ plan: false, signal });
    expect(again).toEqual({ planned: [], applied: [], errors: [] });
  });

  it('adds a value leadrelay newly writes to an existing custom picklist', async () => {
    await env.setup();
    const c = env.connector({ mappings: withBadPartnerStatus(env.mappings, 'contacted', 'Contacted by Partner') });
    const plan = await c.setup({ plan: true, signal });
    expect(plan.planned).toEqual([{ object: 'Lead', field: 'LeadRelay_Partner_Status__c', action: 'add-picklist-values', detail: "add 'Contacted by Partner' to the field's value set" }]);
    const applied = await c.setup({ plan: false, signal });
    expect(applied.errors).toEqual([]);
    expect(await c.checkMapping(signal)).toEqual([]);
  });

  it('exports the same changes as an SFDX source folder: well-formed, deployable layout, nothing applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadrelay-sfdx-'));
    try {
      const c = env.connector();
      const report = await c.setup({ plan: false, signal, exportDir: dir });
      expect(report.applied).toEqual([]);
      const list = files(dir);
      expect(list).toContain('sfdx-project.json');
      expect(list).toContain('force-app/main/default/objects/Lead/fields/LeadRelay_Partner_Status__c.field-meta.xml');
      expect(list).toContain('force-app/main/default/objects/Opportunity/fields/LeadRelay_Lead_Id__c.field-meta.xml');
      expect(list).toContain('force-app/main/default/standardValueSets/LeadStatus.standardValueSet-meta.xml');
      expect(list).toContain('force-app/main/default/permissionsets/LeadRelay_Integration.permissionset-meta.xml');
      expect(list.filter((f) => f.endsWith('.field-meta.xml'))).toHaveLength(report.planned.filter((p) => p.action === 'create-field').length);
      const project = JSON.parse(readFileSync(join(dir, 'sfdx-project.json'), 'utf8')) as { packageDirectories: Array<{ path: string }>; sourceApiVersion: string };
      expect(project).toMatchObject({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '60.0' });
      const parser = new XMLParser({ ignoreAttributes: false });
      for (const f of list.filter((x) => x.endsWith('.xml'))) {
        const xml = readFileSync(join(dir, f), 'utf8');
        expect(XMLValidator.validate(xml), f).toBe(true);
        expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
      }
      const field = parser.parse(readFileSync(join(dir, 'force-app/main/default/objects/Lead/fields/LeadRelay_Partner_Status__c.field-meta.xml'), 'utf8')) as { CustomField: Record<string, unknown> };
      expect(field.CustomField).toMatchObject({ '@_xmlns': 'http://soap.sforce.com/2006/04/metadata', fullName: 'LeadRelay_Partner_Status__c', type: 'Picklist' });
      const svs = parser.parse(readFileSync(join(dir, 'force-app/main/default/standardValueSets/LeadStatus.standardValueSet-meta.xml'), 'utf8')) as { StandardValueSet: { standardValue: Array<{ fullName: string; converted: boolean }> } };
      const values = svs.StandardValueSet.standardValue.map((v) => v.fullName);
      expect(values).toEqual(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted', 'Sales Accepted', 'Nurture']);
      expect(svs.StandardValueSet.standardValue.find((v) => v.fullName === 'Closed - Converted')?.converted).toBe(true);
      // Nothing reached the org.
      expect((await env.connector().setup({ plan: true, signal })).planned).toEqual(report.planned);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
