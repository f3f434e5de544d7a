// Operations: online backup and restore; quarantined write-backs replayed after a mapping fix.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { CycleSummary } from '../../src/sync/cycle.ts';
import type { Harness } from '../support/harness.ts';
import { repoRoot, startHarness, writeConfig } from '../support/harness.ts';

describe('operations', () => {
  let h: Harness;
  let leadMapping: string;
  beforeAll(async () => {
    h = await startHarness();
    // A private copy of the mappings that the test can break and fix.
    cpSync(join(repoRoot, 'mappings'), join(h.dir, 'mappings'), { recursive: true });
    writeConfig(h.dir, h.emu.url, { mappingsDir: join(h.dir, 'mappings') });
    leadMapping = join(h.dir, 'mappings/salesforce/lead.yaml');
    expect((await h.cli(['setup', 'salesforce'])).code).toBe(0);
    seedDemoOrg(h.emu, { partners: 15, leads: 100, mqlShare: 0.5, incompleteMqls: 0 });
  }, 60_000);
  afterAll(async () => { await h.close(); });

  it('a value the CRM rejects is quarantined with its mapping line; after the fix, quarantine retry writes it', async () => {
    const good = readFileSync(leadMapping, 'utf8');
    writeFileSync(leadMapping, good.replace('offered: Offered', 'offered: Angeboten'));
    const first = await h.cliJson<CycleSummary>(['sync']);
    expect(first.value.writeBacks?.quarantined).toBe(50);
    const q = await h.cliJson<Array<{ id: number; kind: string; reason: { code: string; source?: string } }>>(['quarantine', 'list', '--kind', 'write-back']);
    expect(q.value).toHaveLength(50);
    // The rule writing the rejected field (its `values` hold the fix).
    const line = good.split('\n').findIndex((l) => l.trim() === 'partnerStatus:') + 1;
    expect(q.value[0]!.reason).toMatchObject({ code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', source: `mappings/salesforce/lead.yaml:${line}` });
    expect(h.emu.all('Lead').filter((l) => l['LeadRelay_Partner_Status__c'] === 'Offered')).toHaveLength(0);

    writeFileSync(leadMapping, good);
    expect((await h.cli(['quarantine', 'retry'])).out).toMatch(/^50 write-backs queued again/);
    const second = await h.cliJson<CycleSummary>(['flush']);
    expect(second.value.writeBacks).toMatchObject({ ok: 50, quarantined: 0 });
    expect(h.emu.all('Lead').filter((l) => l['LeadRelay_Partner_Status__c'] === 'Offered')).toHaveLength(50);
    expect((await h.cliJson<unknown[]>(['quarantine', 'list', '--kind', 'write-back'])).value).toEqual([]);
  });

  it('backup is consistent and restore brings the database back; a bad file is refused', async () => {
    const file = join(h.dir, 'backup.db');
    expect((await h.cli(['backup', file])).code).toBe(0);
    const before = (await h.cliJson<{ leads: Record<string, number> }>(['status'])).value.leads;
    h.emu.seed('Lead', [{ LastName: 'After', Company: 'After Backup GmbH', Status: 'Marketing Qualified', Country: 'DE', Email: 'after@backup.test', Product_Interest__c: 'heat-pump', SystemModstamp: new Date(Date.now() - 10_000).toISOString() }]);
    await h.cli(['sync']);
    expect((await h.cliJson<{ leads: Record<string, number> }>(['status'])).value.leads).not.toEqual(before);

    const junk = join(h.dir, 'junk.db');
    writeFileSync(junk, 'this is not a database');
    const refused = await h.cli(['restore', junk, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/restore refused: .*junk\.db: not a readable SQLite database/);
    expect((await h.cliJson<{ leads: Record<string, number> }>(['status'])).value.leads).not.toEqual(before);

    expect((await h.cli(['restore', file, '--yes'])).code).toBe(0);
    expect((await h.cliJson<{ leads: Record<string, number> }>(['status'])).value.leads).toEqual(before);
  });
});
