// CLI behaviour an operator relies on: validate, setup --plan, partners import, init, and the daemon's drain.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { Harness } from '../support/harness.ts';
import { repoRoot, startHarness, writeConfig } from '../support/harness.ts';

describe('leadrelay CLI', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); }, 60_000);
  afterAll(async () => { await h.close(); });

  it('validate --offline lists the three mistakes of a mapping with file, line and a fix', async () => {
    const dir = join(h.dir, 'bad');
    mkdirSync(dir);
    const cfg = writeConfig(dir, h.emu.url, { mappingsDir: join(repoRoot, 'test/fixtures/mappings/three-mistakes') });
    const r = await h.cli(['--config', cfg, 'validate', '--offline']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^3 problems:/);
    const lines = r.out.split('\n').filter((l) => /\.yaml:\d+/.test(l));
    expect(lines).toHaveLength(3);
    expect(r.out.match(/fix: /g)).toHaveLength(3);
    const json = await h.cliJson<{ ok: boolean; issues: Array<{ file: string; line: number; hint: string }> }>(['--config', cfg, 'validate', '--offline']);
    expect(json.value.ok).toBe(false);
    for (const i of json.value.issues) {
      expect(i.file).toMatch(/three-mistakes\/salesforce\/.+\.yaml$/);
      expect(i.line).toBeGreaterThan(0);
      expect(i.hint.length).toBeGreaterThan(0);
    }
  });

  it('setup --export writes an SFDX source folder for admins who deploy with sf', async () => {
    const dir = join(h.dir, 'sfdx');
    const r = await h.cli(['setup', 'salesforce', '--plan', '--export', dir]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'sfdx-project.json'))).toBe(true);
    const field = join(dir, 'force-app/main/default/objects/Lead/fields/LeadRelay_Partner_Status__c.field-meta.xml');
    expect(readFileSync(field, 'utf8')).toMatch(/<fullName>LeadRelay_Partner_Status__c<\/fullName>/);
  });

  it('validate checks the mappings against the org; setup --plan changes nothing; setup makes validate pass', async () => {
    const before = await h.cliJson<{ ok: boolean; crmChecked: boolean; issues: Array<{ message: string; hint: string }> }>(['validate']);
    expect(before.value.crmChecked).toBe(true);
    expect(before.value.ok).toBe(false);
    expect(before.value.issues.some((i) => /Lead\.LeadRelay_Partner_Status__c does not exist/.test(i.message) && /setup salesforce/.test(i.hint))).toBe(true);
    const plan = await h.cliJson<{ planned: unknown[]; applied: unknown[] }>(['setup', 'salesforce', '--plan']);
    expect(plan.value.planned.length).toBeGreaterThan(10);
    expect(plan.value.applied).toEqual([]);
    expect(h.emu.writeLog()).toEqual([]);
    expect((await h.cliJson<{ planned: unknown[] }>(['setup', 'salesforce', '--plan'])).value.planned).toHaveLength(plan.value.planned.length);
    const applied = await h.cliJson<{ applied: unknown[]; errors: string[] }>(['setup', 'salesforce']);
    expect(applied.value.errors).toEqual([]);
    expect(applied.value.applied).toHaveLength(plan.value.planned.length);
    expect((await h.cliJson<{ planned: unknown[] }>(['setup', 'salesforce', '--plan'])).value.planned).toEqual([]);
    const after = await h.cli(['validate']);
    expect(after.code).toBe(0);
    expect(after.out).toMatch(/match the CRM schema/);
  });

  it('partners import reports a bad row with its line and imports the good ones', async () => {
    const file = join(h.dir, 'partners.csv');
    writeFileSync(file, [
      'externalId,name,kind,level,products,countries,postalCode,country,capacity,userEmails,attributes.languages',
      'P-1,Solar Nord GmbH,reseller,gold,solar-pv;wallbox,DE,20095,DE,30,anna@solar-nord.test,de;en',
      'P-2,,reseller,silver,heat-pump,DE,80331,DE,10,,de',
      'P-3,Wärme Süd KG,distributor,platinum,heat-pump,DE;AT,80331,DE,,,de',
    ].join('\n'));
    const r = await h.cli(['partners', 'import', file]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/partners\.csv:3 name:/);
    const json = await h.cliJson<{ created: number; unchanged: number; errors: string[] }>(['partners', 'import', file]);
    expect(json.value).toMatchObject({ created: 0, unchanged: 2 });
  });

  it('init writes a config and the mappings, and keeps existing files', async () => {
    const dir = join(h.dir, 'project');
    const first = await h.cli(['init', dir]);
    expect(first.out).toMatch(/created .*config\/leadrelay\.yaml/);
    expect(existsSync(join(dir, 'mappings/salesforce/lead.yaml'))).toBe(true);
    const second = await h.cli(['init', dir]);
    expect(second.out).not.toMatch(/created/);
    expect(second.out).toMatch(/kept .*config\/leadrelay\.yaml/);
  });

  it('the daemon syncs at start, and SIGTERM drains it and closes the database', async () => {
    seedDemoOrg(h.emu, { partners: 10, leads: 40, mqlShare: 0.5, incompleteMqls: 0 });
    const child = spawn(process.execPath, [join(repoRoot, 'bin/leadrelay'), '--config', h.configFile, 'daemon'], {
      cwd: h.dir, env: { ...process.env, ...h.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const until = Date.now() + 60_000;
    while (!h.emu.all('Lead').some((l) => l['LeadRelay_Partner_Status__c'] === 'Offered')) {
      if (Date.now() > until) throw new Error(`daemon did not sync: ${err.slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/daemon stopped/);
    // The database closed cleanly: the CLI opens it at once and sees the daemon's run.
    const status = await h.cliJson<{ lastRuns: Array<{ ok: boolean }> }>(['status']);
    expect(status.value.lastRuns[0]?.ok).toBe(true);
  }, 90_000);
});
