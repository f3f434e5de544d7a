// The foundation's end-to-end scenario on HubSpot, over real sockets: @hubspot/api-client → HubSpot emulator, CLI
// in-process, real SQLite file. 5,000 contacts of which 3,000 are MQL and 200 of those lack required fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHubSpotContacts, seedHubSpotDemo } from '../../src/demo/hubspot-seed.ts';
import type { CycleSummary } from '../../src/sync/cycle.ts';
import type { HubSpotHarness } from '../connectors/hubspot/harness.ts';
import { startHubSpotHarness } from '../connectors/hubspot/harness.ts';

const CONTACTS = 5000;
const MQLS = 3000;
const INCOMPLETE = 200;

interface LeadRow { id: string; externalId: string; status: string }
interface OfferRow { partnerId: string; status: string }

describe('HubSpot end to end', () => {
  let h: HubSpotHarness;
  let first: CycleSummary;

  beforeAll(async () => {
    // A generous burst so the run is quick; test/e2e/hubspot-ratelimit.int.test.ts runs a cycle under 100 per 10 s.
    h = await startHubSpotHarness({ emulator: { burstLimit: 1000, searchLagMs: 300 }, hubspotLines: ['  rateLimit:', '    burstPer10s: 1000'] });
    const setup = await h.cli(['setup', 'hubspot']);
    expect(setup.code, setup.err).toBe(0);
    seedHubSpotDemo(h.emu, { partners: 120, leads: CONTACTS, mqlShare: MQLS / CONTACTS, incompleteMqls: INCOMPLETE });
    h.emu.resetCalls();
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.error, r.err).toBeNull();
    first = r.value;
  }, 180_000);

  afterAll(async () => {
    await h.close();
  });

  it('pulls the 3,000 MQL contacts, offers 2,800 and queues 200 for qualification with reasons', async () => {
    expect(first.leads).toMatchObject({ created: MQLS, quarantined: 0 });
    expect(first.partners).toMatchObject({ created: 120, users: 120, quarantined: 0 });
    expect(first.qualification).toEqual({ qualified: MQLS - INCOMPLETE, needs_qualification: INCOMPLETE, rejected: 0 });
    expect(first.offers?.leads).toBe(MQLS - INCOMPLETE);
    const status = await h.cliJson<{ crm: string; leads: Record<string, number>; qualificationQueue: number }>(['status']);
    expect(status.value.crm).toBe('hubspot');
    expect(status.value.qualificationQueue).toBe(INCOMPLETE);
  });

  it('writes the mapped partner status onto every offered and queued contact', () => {
    const byStatus = new Map<string, number>();
    for (const c of h.emu.all('contacts')) {
      if (c.properties['leadrelay_partner_user'] === 'true') continue;
      const s = c.properties['leadrelay_partner_status'] ?? 'none';
      byStatus.set(s === '' ? 'none' : s, (byStatus.get(s === '' ? 'none' : s) ?? 0) + 1);
    }
    const offered = (byStatus.get('Offered') ?? 0) + (byStatus.get('Unclaimed') ?? 0);
    expect(offered).toBe(MQLS - INCOMPLETE);
    expect(byStatus.get('Needs Qualification')).toBe(INCOMPLETE);
    expect(byStatus.get('none')).toBe(CONTACTS - MQLS);
  });

  it('spends at most ceil(n/200)+1 search calls on the pull and ceil(n/100)+1 batch calls on the write-back', () => {
    expect(first.apiCalls['pull-leads']).toBeLessThanOrEqual(Math.ceil(MQLS / 200) + 1);
    expect(first.apiCalls['write-lead']).toBeLessThanOrEqual(Math.ceil(MQLS / 100) + 1);
    expect(first.writeBacks).toMatchObject({ ok: MQLS, quarantined: 0, retried: 0 });
    expect(h.emu.calls().throttled).toBe(0);
  });

  it('a second sync with no changes in HubSpot makes no writes and creates no offers', async () => {
    const writesBefore = h.emu.writeLog().length;
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.error).toBeNull();
    expect(r.value.leads?.created).toBe(0);
    expect(r.value.leads?.changed).toBe(0);
    expect(r.value.offers?.offers).toBe(0);
    expect(r.value.writeBacks?.sent).toBe(0);
    expect(h.emu.writeLog().length).toBe(writesBefore);
  });

  it('reserve and feedback through the CLI land on the contact and on one deal in the right stage', async () => {
    const offered = await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'offered', '--limit', '1']);
    const lead = offered.value[0]!;
    const shown = await h.cliJson<{ offers: OfferRow[] }>(['leads', 'show', lead.id]);
    const partner = shown.value.offers[0]!.partnerId;
    expect((await h.cli(['reserve', lead.externalId, '--partner', partner])).code).toBe(0);
    expect((await h.cli(['flush'])).code).toBe(0);
    let contact = h.emu.get('contacts', lead.externalId)!.properties;
    expect(contact).toMatchObject({ leadrelay_partner_status: 'Reserved', hs_lead_status: 'IN_PROGRESS' });
    expect(contact['leadrelay_reserved_at']).toBeTruthy();
    const partnerCompany = contact['leadrelay_partner_id']!;
    expect(h.emu.get('companies', partnerCompany)?.properties['type']).toMatch(/PARTNER|RESELLER/);

    expect((await h.cli(['feedback', lead.id, '--partner', partner, '--status', 'meeting', '--comment', 'on site next week'])).code).toBe(0);
    expect((await h.cli(['feedback', lead.id, '--partner', partner, '--status', 'proposal', '--amount', '25000'])).code).toBe(0);
    expect((await h.cli(['flush'])).code).toBe(0);
    contact = h.emu.get('contacts', lead.externalId)!.properties;
    expect(contact).toMatchObject({ leadrelay_partner_status: 'Proposal', leadrelay_last_feedback: 'proposal', hs_lead_status: 'OPEN_DEAL' });
    const pipeline = h.emu.pipelines().find((p) => p.label === 'Partner Deals')!;
    const stageOf = (id: string | null | undefined): string | undefined => pipeline.stages.find((s) => s.id === id)?.label;
    let deals = h.emu.all('deals').filter((d) => d.properties['leadrelay_lead_id'] === lead.id);
    expect(deals).toHaveLength(1);
    expect(stageOf(deals[0]?.properties['dealstage'])).toBe('Proposal Sent');
    expect(deals[0]?.properties).toMatchObject({ pipeline: pipeline.id, amount: '25000', leadrelay_partner_id: partnerCompany, leadrelay_contact_id: lead.externalId });
    const dealId = deals[0]!.id;
    expect(h.emu.associations('deals', dealId, 'contacts')).toEqual([lead.externalId]);
    expect(h.emu.associations('deals', dealId, 'companies')).toEqual(h.emu.associations('contacts', lead.externalId, 'companies'));

    expect((await h.cli(['feedback', lead.id, '--partner', partner, '--status', 'won', '--amount', '31000', '--close-date', '2026-12-15'])).code).toBe(0);
    expect((await h.cli(['flush'])).code).toBe(0);
    deals = h.emu.all('deals').filter((d) => d.properties['leadrelay_lead_id'] === lead.id);
    expect(deals).toHaveLength(1);
    expect(stageOf(deals[0]?.properties['dealstage'])).toBe('Closed Won');
    expect(deals[0]?.properties['amount']).toBe('31000');
    expect(deals[0]?.properties['closedate']?.slice(0, 10)).toBe('2026-12-15');
    expect(h.emu.get('contacts', lead.externalId)?.properties['leadrelay_partner_status']).toBe('Won');
  });

  it('quarantines a contact that breaks a mapping rule and processes the rest of its page', async () => {
    const [good, bad] = seedHubSpotContacts(h.emu, 2, { mqlShare: 1, seed: 99, ageSeconds: 60 });
    h.emu.update('contacts', bad!, { leadrelay_latitude: 123.5, hs_lastmodifieddate: Date.now() - 60_000 });
    // The emulator's search index shows writes after its lag (300 ms here), in write order.
    await new Promise((r) => setTimeout(r, 500));
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.leads).toMatchObject({ created: 1, quarantined: 1 });
    const q = await h.cliJson<Array<{ externalId: string; reason: { code: string; message: string; source?: string } }>>(['quarantine', 'list']);
    const entry = q.value.find((e) => e.externalId === bad);
    expect(entry?.reason.code).toBe('MAPPING.INVALID_VALUE');
    expect(entry?.reason.source).toMatch(/mappings\/hubspot\/lead\.yaml:\d+/);
    expect(good).toBeDefined();
    expect(r.code).toBe(4);
  });

  it('withdraws the offers of a contact archived or merged away in HubSpot', async () => {
    const offered = await h.cliJson<LeadRow[]>(['leads', 'list', '--status', 'offered', '--limit', '2']);
    const [archived, merged] = offered.value;
    h.emu.remove('contacts', archived!.externalId);
    const [survivor] = seedHubSpotContacts(h.emu, 1, { mqlShare: 1, seed: 7, ageSeconds: 60 });
    h.emu.remove('contacts', merged!.externalId, { mergedInto: survivor! });
    await new Promise((r) => setTimeout(r, 500));
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.leads?.withdrawn).toBe(2);
    for (const l of [archived!, merged!]) {
      const shown = await h.cliJson<{ lead: { status: string }; offers: OfferRow[] }>(['leads', 'show', l.id]);
      expect(shown.value.lead.status).toBe('withdrawn');
      expect(shown.value.offers.every((o) => o.status !== 'open')).toBe(true);
    }
  });

  it('stops for the day on a 429 DAILY and says so in status', async () => {
    h.emu.faults.add({ throttle: { policy: 'DAILY' }, times: 1000 });
    const r = await h.cliJson<CycleSummary>(['sync']);
    expect(r.value.error).toMatch(/QuotaExhaustedError/);
    expect(r.value.pausedUntil).not.toBeNull();
    const status = await h.cliJson<{ apiUsage: { pausedUntil: string | null } }>(['status']);
    expect(status.value.apiUsage.pausedUntil).toBe(r.value.pausedUntil);
    const text = await h.cli(['status']);
    expect(text.out).toContain(`CRM API quota exhausted: CRM work paused until ${r.value.pausedUntil ?? ''}`);
    // The next sync makes no HubSpot call at all until then.
    const calls = h.emu.calls().total + h.emu.calls().rejected;
    expect((await h.cliJson<CycleSummary>(['sync'])).value.pausedUntil).toBe(r.value.pausedUntil);
    expect(h.emu.calls().total + h.emu.calls().rejected).toBe(calls);
  });
});
