// The rules issue through the CLI: the qualification queue worked by an agency, `explain` and `simulate`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';

interface LeadRow { id: string; externalId: string; status: string; temperature: string; data: { country: string | null; productInterest: string[] } }

describe('qualification queue, explain and simulate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    expect((await h.cli(['setup', 'salesforce'])).code).toBe(0);
    seedDemoOrg(h.emu, { partners: 40, leads: 300, mqlShare: 0.5, incompleteMqls: 20 });
    expect((await h.cli(['sync'])).code).toBe(0);
  }, 120_000);
  afterAll(async () => { await h.close(); });

  it('an agency completes a queued lead, sets its temperature and remarks; the next sync offers it', async () => {
    const queue = await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'needs_qualification']);
    expect(queue.value).toHaveLength(20);
    const lead = queue.value.find((l) => l.data.country === null)!;
    const r = await h.cliJson<{ lead: { status: string; temperature: string } }>([
      'qualify', lead.id, '--by', 'agency:callcenter-anna', '--set', 'country=DE', '--temperature', 'hot', '--remarks', 'Called back: wants an offer before winter',
    ]);
    expect(r.value.lead).toEqual(expect.objectContaining({ status: 'qualified', temperature: 'hot' }));
    const sync = await h.cliJson<{ offers: { leads: number } }>(['sync']);
    expect(sync.value.offers.leads).toBe(1);
    const sf = h.emu.get('Lead', lead.externalId)!;
    expect(sf['LeadRelay_Partner_Status__c']).toBe('Offered');
    expect(sf['LeadRelay_Temperature__c']).toBe('hot');
    const shown = await h.cliJson<{ lead: { data: { remarks: string } }; events: Array<{ type: string; actor: string }> }>(['leads', 'show', lead.id]);
    expect(shown.value.lead.data.remarks).toContain('Qualifier: Called back');
    expect(shown.value.events.map((e) => [e.type, e.actor])).toContainEqual(['qualified', 'agency:callcenter-anna']);
  });

  it('a rejection needs a reason and reaches the CRM with it', async () => {
    const [lead] = (await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'needs_qualification'])).value;
    const refused = await h.cli(['qualify', lead!.id, '--by', 'agency:bob', '--decision', 'rejected']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Say why/);
    expect((await h.cli(['qualify', lead!.id, '--by', 'agency:bob', '--decision', 'rejected', '--reason', 'student project, no budget'])).code).toBe(0);
    expect((await h.cli(['flush'])).code).toBe(0);
    const sf = h.emu.get('Lead', lead!.externalId)!;
    expect(sf['LeadRelay_Partner_Status__c']).toBe('Rejected');
    expect(sf['LeadRelay_Qualification_Reasons__c']).toMatch(/qualifier: Decided by agency:bob: student project/);
    expect(sf['Status']).toBe('Closed - Not Converted');
  });

  it('explain shows the reasons, the offers and every criterion with partner names', async () => {
    const [lead] = (await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'offered', '--limit', '1'])).value;
    const r = await h.cli(['explain', lead!.id]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Qualification:[\s\S]*qualified/);
    expect(r.out).toMatch(/Offers made:[\s\S]*wave/);
    expect(r.out).toMatch(/Candidates: \d+ passed every filter/);
    expect(r.out).toMatch(/products +\d+ × +\d\.\d\d += +\d+\.\d/);
    expect(r.out).toMatch(/Excluded: \d+ partners?; \d+ outside the lead's area/);
    expect(r.out).toMatch(/\[001[A-Za-z0-9]{15}\]/);
    const json = await h.cliJson<{ matchNow: { candidates: Array<{ score: number }> } }>(['explain', lead!.id]);
    const scores = json.value.matchNow.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('simulate spreads a lead file over the partners and states the fairness figure, offering nothing', async () => {
    const file = join(h.dir, 'leads.csv');
    const lines = ['company,country,city,postalCode,productInterest,email,source,custom.language'];
    for (let i = 0; i < 60; i++) lines.push(`Kunde ${i} GmbH,${i % 3 === 0 ? 'AT' : 'DE'},,${i % 3 === 0 ? '1010' : '80331'},${i % 2 ? 'heat-pump' : 'solar-pv;wallbox'},k${i}@kunde.test,Web,de`);
    lines.push('No Country AG,,,,heat-pump,x@y.test,Web,de');
    lines.push('Bad Row AG,DE,,,heat-pump,z@y.test,Web,de,extra');
    writeFileSync(file, lines.slice(0, -1).join('\n'));
    const offersBefore = (await h.cliJson<{ leads: Record<string, number> }>(['status'])).value.leads;
    const r = await h.cliJson<{ leads: number; outcomes: Record<string, number>; fairness: { gini: number; offers: number; eligiblePartners: number }; spread: Array<{ offers: number }> }>(['simulate', '--leads', file]);
    expect(r.value.leads).toBe(61);
    expect(r.value.outcomes).toMatchObject({ qualified: 60, needs_qualification: 1, invalid: 0 });
    expect(r.value.fairness.offers).toBe(r.value.spread.reduce((s, x) => s + x.offers, 0));
    expect(r.value.fairness.gini).toBeGreaterThanOrEqual(0);
    expect(r.value.fairness.gini).toBeLessThan(1);
    expect((await h.cliJson<{ leads: Record<string, number> }>(['status'])).value.leads).toEqual(offersBefore);
    const text = await h.cli(['simulate', '--leads', file]);
    expect(text.out).toMatch(/61 leads: 60 qualified, 1 to the qualification queue/);
    expect(text.out).toMatch(/Gini 0\.\d{3}/);
  });
});
