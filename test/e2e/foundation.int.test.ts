// Foundation acceptance, end to end over real sockets: jsforce → Salesforce emulator, CLI in-process, real
// SQLite file. 5,000 Leads of which 3,000 are MQL and 200 of those lack required fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleSummary } from '../../src/sync/cycle.ts';
import { leadRecords } from '../../src/demo/seed-data.ts';
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';

const LEADS = 5000;
const MQLS = 3000;
const INCOMPLETE = 200;

interface LeadRow { id: string; externalId: string; status: string; partnerId: string | null }
interface OfferRow { partnerId: string; status: string }

describe('foundation: Salesforce end to end', () => {
  let h: Harness;
  let first: CycleSummary;

  beforeAll(async () => {
    h = await startHarness();
    const setup = await h.cli(['setup', 'salesforce']);
    expect(setup.code, setup.err).toBe(0);
    seedDemoOrg(h.emu, { partners: 120, leads: LEADS, mqlShare: MQLS / LEADS, incompleteMqls: INCOMPLETE });
    h.emu.resetCalls();
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.error, r.err).toBeNull();
    first = r.value;
  }, 180_000);

  afterAll(async () => {
    await h.close();
  });

  it('pulls the 3,000 MQLs, offers 2,800 and queues 200 for qualification with reasons', async () => {
    expect(first.leads).toMatchObject({ created: MQLS, quarantined: 0 });
    expect(first.qualification).toEqual({ qualified: MQLS - INCOMPLETE, needs_qualification: INCOMPLETE, rejected: 0 });
    expect(first.offers?.leads).toBe(MQLS - INCOMPLETE);
    expect(first.offers?.unmatched).toBe(0);
    const status = await h.cliJson<{ leads: Record<string, number>; qualificationQueue: number }>(['status']);
    expect(status.value.leads).toEqual({ offered: MQLS - INCOMPLETE, needs_qualification: INCOMPLETE });
    expect(status.value.qualificationQueue).toBe(INCOMPLETE);
    const queued = await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'needs_qualification', '--limit', '1000']);
    expect(queued.value).toHaveLength(INCOMPLETE);
    for (const l of queued.value as unknown as Array<{ qualification: { reasons: Array<{ rule: string; message: string }> } }>) {
      expect(l.qualification.reasons.length).toBeGreaterThan(0);
      expect(l.qualification.reasons.map((r) => r.message).join(' ')).toMatch(/productInterest|country/);
    }
  });

  it('writes the mapped partner status onto every offered and queued Lead', () => {
    const leads = h.emu.all('Lead');
    const byStatus = new Map<string, number>();
    for (const l of leads) {
      const s = typeof l['LeadRelay_Partner_Status__c'] === 'string' ? l['LeadRelay_Partner_Status__c'] : 'none';
      byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    }
    expect(Object.fromEntries(byStatus)).toEqual({ Offered: MQLS - INCOMPLETE, 'Needs Qualification': INCOMPLETE, none: LEADS - MQLS });
    const queued = leads.filter((l) => l['LeadRelay_Partner_Status__c'] === 'Needs Qualification');
    for (const l of queued) expect(String(l['LeadRelay_Qualification_Reasons__c'])).toMatch(/required/);
  });

  it('spends at most ceil(3000/2000)+1 query calls on the pull and ceil(n/200)+1 calls per write-back stage', () => {
    expect(first.apiCalls['pull-leads']).toBeLessThanOrEqual(Math.ceil(MQLS / 2000) + 1);
    expect(first.apiCalls['write-lead']).toBeLessThanOrEqual(Math.ceil(MQLS / 200) + 1);
    expect(first.writeBacks).toMatchObject({ ok: MQLS, quarantined: 0, retried: 0 });
  });

  it('a second sync with no changes in Salesforce makes no writes and creates no offers', async () => {
    const writesBefore = h.emu.writeLog().length;
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.error).toBeNull();
    expect(r.value.leads?.created).toBe(0);
    expect(r.value.leads?.changed).toBe(0);
    expect(r.value.offers?.offers).toBe(0);
    expect(r.value.writeBacks?.sent).toBe(0);
    expect(r.value.apiCalls['write-lead'] ?? 0).toBe(0);
    expect(h.emu.writeLog().length).toBe(writesBefore);
  });

  it('reserve and feedback through the CLI land on the Lead and an Opportunity after the flush', async () => {
    const offered = await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'offered', '--limit', '1']);
    const lead = offered.value[0]!;
    const shown = await h.cliJson<{ offers: OfferRow[] }>(['leads', 'show', lead.id]);
    const [winner, loser] = shown.value.offers;
    expect(winner).toBeDefined();
    const partner = winner!.partnerId;
    expect((await h.cli(['reserve', lead.externalId, '--partner', partner])).code).toBe(0);
    if (loser) {
      const late = await h.cliJson<{ error: { code: string } }>(['reserve', lead.id, '--partner', loser.partnerId]);
      expect(late.code).toBe(1);
      expect(late.value.error.code).toBe('OFFER.ALREADY_TAKEN');
    }
    expect((await h.cli(['flush'])).code).toBe(0);
    let sf = h.emu.get('Lead', lead.externalId)!;
    expect(sf['Status']).toBe('Sales Accepted');
    expect(sf['LeadRelay_Partner_Status__c']).toBe('Reserved');
    expect(sf['LeadRelay_Reserved_At__c']).toBeTruthy();
    const partnerCrmId = sf['LeadRelay_Partner__c'] as string;
    expect(h.emu.get('Account', partnerCrmId)?.['Type']).toBe('Partner');

    expect((await h.cli(['feedback', lead.id, '--partner', partner, '--status', 'meeting', '--comment', 'on site next week'])).code).toBe(0);
    expect((await h.cli(['feedback', lead.id, '--partner', partner, '--status', 'proposal', '--amount', '25000'])).code).toBe(0);
    expect((await h.cli(['flush'])).code).toBe(0);
    sf = h.emu.get('Lead', lead.externalId)!;
    expect(sf['LeadRelay_Partner_Status__c']).toBe('Proposal');
    expect(sf['LeadRelay_Last_Feedback__c']).toBe('proposal');
    let opps = h.emu.all('Opportunity').filter((o) => o['LeadRelay_Lead_Id__c'] === lead.id);
    expect(opps).toHaveLength(1);
    expect(opps[0]).toMatchObject({ StageName: 'Proposal/Price Quote', Amount: 25000, LeadRelay_Partner__c: partnerCrmId, LeadRelay_Lead__c: lead.externalId });

    expect((await h.cli(['feedback', lead.id, '--partner', partner, '--status', 'won', '--amount', '31000', '--close-date', '2026-12-15'])).code).toBe(0);
    expect((await h.cli(['flush'])).code).toBe(0);
    opps = h.emu.all('Opportunity').filter((o) => o['LeadRelay_Lead_Id__c'] === lead.id);
    expect(opps).toHaveLength(1);
    expect(opps[0]).toMatchObject({ StageName: 'Closed Won', Amount: 31000, CloseDate: '2026-12-15' });
    expect(h.emu.get('Lead', lead.externalId)?.['LeadRelay_Partner_Status__c']).toBe('Won');
  });

  it('quarantines a record that breaks a mapping rule and processes the rest of its page', async () => {
    const [good, bad] = leadRecords(2, { mqlShare: 1, seed: 99, ageSeconds: 5 });
    const [, badId] = h.emu.seed('Lead', [good!, { ...bad!, Latitude: 123.5 }]);
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.leads).toMatchObject({ created: 1, quarantined: 1 });
    const q = await h.cliJson<Array<{ externalId: string; reason: { code: string; message: string; source?: string } }>>(['quarantine', 'list']);
    const entry = q.value.find((e) => e.externalId === badId);
    expect(entry?.reason.code).toBe('MAPPING.INVALID_VALUE');
    expect(entry?.reason.message).toMatch(/latitude|Latitude/);
    expect(entry?.reason.source).toMatch(/mappings\/salesforce\/lead\.yaml:\d+/);
    expect(r.code).toBe(4);
  });
});
