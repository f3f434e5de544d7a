// Lead and partner pulls against the emulator over a socket: paging, the (SystemModstamp, Id) cursor, resume after
// a crash between pages, deletes and merges, conversion, quarantine.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page, PulledLead, WriteOutcome } from '../../../src/connectors/contract.ts';
import type { Env } from './env.ts';
import { drain, mqlLeads, nonMqlLeads, signal, startEnv } from './env.ts';

const out0Crm = (o: readonly WriteOutcome[]): string | null => (o[0]?.status === 'ok' ? o[0].crmId : null);
const leadIds = (pages: ReadonlyArray<Page<PulledLead>>): string[] => pages.flatMap((p) => p.items.filter((i) => i.kind === 'lead').map((i) => i.externalId));

describe('salesforce pullLeads', () => {
  let env: Env;
  let mql: string[];

  beforeAll(async () => {
    env = await startEnv();
    await env.setup();
    // 4,500 MQL + 500 non-MQL, seeded in a few bulk loads: thousands of rows share one SystemModstamp.
    mql = [];
    for (let batch = 0; batch < 3; batch++) {
      mql.push(...env.emu.seed('Lead', mqlLeads(1500, batch * 1500)));
      env.emu.seed('Lead', nonMqlLeads(500 / 3 | 0, batch * 200));
      env.clock.advance(1);
    }
    env.emu.seed('Lead', nonMqlLeads(2, 9000));
    env.clock.advance(10);
  }, 120_000);

  afterAll(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.emu.resetCalls();
  });

  it('reads every MQL exactly once in ceil(n/2000) query calls, oldest first, cursor on every page', async () => {
    const c = env.connector();
    const pages = await drain(c.pullLeads({ from: null, signal }));
    const ids = leadIds(pages);
    expect(ids).toHaveLength(4500);
    expect(new Set(ids)).toEqual(new Set(mql));
    expect(pages).toHaveLength(3);
    expect(env.emu.calls().byKind.queryAll + env.emu.calls().byKind.queryMore + env.emu.calls().byKind.query).toBe(3);
    expect(c.usage().callsByStage['pull-leads']).toBe(3);
    const stamps = pages.flatMap((p) => p.items.map((i) => i.stamp));
    expect([...stamps].sort()).toEqual(stamps);
    // Intermediate cursors name the last row; the final one is the run's upper bound, never past its start.
    expect(pages[0]?.cursor.lastId).toBe(pages[0]?.items.at(-1)?.externalId);
    expect(pages.at(-1)?.cursor).toEqual({ stamp: new Date(env.clock.ms - 1000).toISOString().replace('.000Z', 'Z'), lastId: null });
  });

  it('resumes after a crash between pages without re-reading what it had (keyset on SystemModstamp, Id)', async () => {
    const c = env.connector();
    const first = await c.pullLeads({ from: null, signal }).next();
    const page1 = first.value as Page<PulledLead>;
    expect(page1.items).toHaveLength(2000);
    // "crash": drop the generator, start a new connector from the checkpoint.
    env.emu.resetCalls();
    const rest = await drain(env.connector().pullLeads({ from: page1.cursor, signal }));
    const again = leadIds(rest);
    expect(again).toHaveLength(2500);
    expect(new Set([...leadIds([page1]), ...again])).toEqual(new Set(mql));
    expect(again.filter((id) => leadIds([page1]).includes(id))).toEqual([]);
  });

  it('resumes after a crash between pages with an overlap: nothing lost, only the overlap window re-read', async () => {
    const c = env.connector({ sync: { overlapSeconds: 300, settleSeconds: 1 } });
    const page1 = (await c.pullLeads({ from: null, signal }).next()).value as Page<PulledLead>;
    const first = leadIds([page1]);
    env.clock.advance(400);
    // A lead changed after the crash, and an old one outside the overlap window must not come back.
    const rest = await drain(env.connector({ sync: { overlapSeconds: 300, settleSeconds: 1 } }).pullLeads({ from: page1.cursor, signal }));
    const again = leadIds(rest);
    expect(new Set([...first, ...again])).toEqual(new Set(mql));
    const windowStart = Date.parse(page1.cursor.stamp) - 300_000;
    for (const p of rest) for (const i of p.items) expect(Date.parse(i.stamp)).toBeGreaterThanOrEqual(windowStart);
  });

  it('re-reads nothing without changes, and with an overlap only the rows inside the window', async () => {
    const c = env.connector();
    const final = (await drain(c.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
    env.clock.advance(400);
    expect(leadIds(await drain(c.pullLeads({ from: final, signal })))).toEqual([]);
    // Late rows: changed 400 s after the bulk load, then a cursor just past them.
    const late = env.emu.seed('Lead', mqlLeads(5, 7000));
    env.clock.advance(3);
    const cursor = { stamp: new Date(env.clock.ms - 1000).toISOString().replace('.000Z', 'Z'), lastId: null };
    const withOverlap = env.connector({ sync: { overlapSeconds: 300, settleSeconds: 1 } });
    expect(new Set(leadIds(await drain(withOverlap.pullLeads({ from: cursor, signal }))))).toEqual(new Set(late));
  });

  it('reports deletes and merges, and converted leads with their opportunity', async () => {
    const c = env.connector();
    const final = (await drain(c.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
    env.clock.advance(5);
    const [gone, merged, survivor, converted] = mql;
    // Tracked by the `track` condition once leadrelay wrote a partner status (conversion ends its MQL status).
    env.emu.update('Lead', converted ?? '', { LeadRelay_Partner_Status__c: 'Meeting' });
    env.emu.remove('Lead', gone ?? '');
    env.emu.remove('Lead', merged ?? '', { mergedInto: survivor ?? '' });
    // Partner feedback reached a stage: convert mode turns the Lead into an Opportunity (SOAP convertLead).
    const convertMode = { ...env.mappings, opportunity: { ...env.mappings.opportunity, mode: 'convert' as const } };
    const out: WriteOutcome[] = await env.connector({ mappings: convertMode }).write([{ target: 'opportunity', leadId: 'lr-1', externalId: converted ?? '', fields: {
      leadId: 'lr-1', leadExternalId: converted ?? '', name: 'Acme heat pump', stage: 'meeting', amount: 1200, closeDate: '2025-06-30',
      partnerExternalId: null, lostReason: null, description: null,
    } }], signal);
    expect(out[0]?.status).toBe('ok');
    env.clock.advance(5);
    const pages = await drain(env.connector().pullLeads({ from: final, signal }));
    const items = pages.flatMap((p) => p.items);
    expect(items.find((i) => i.externalId === gone)).toMatchObject({ kind: 'deleted', mergedInto: null });
    expect(items.find((i) => i.externalId === merged)).toMatchObject({ kind: 'deleted', mergedInto: survivor });
    const conv = items.find((i) => i.externalId === converted);
    expect(conv).toMatchObject({ kind: 'lead', converted: true });
    expect(conv?.kind === 'lead' ? conv.opportunityId : null).toBe(out0Crm(out));
  });

  it('quarantines a record the mapping rejects and keeps the rest of the page', async () => {
    const c = env.connector();
    const final = (await drain(c.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
    env.clock.advance(5);
    const [bad] = env.emu.seed('Lead', mqlLeads(1, 8000, () => ({ Budget__c: null, Lead_Score__c: null, Latitude: 123.4 })));
    env.emu.seed('Lead', mqlLeads(3, 8001));
    env.clock.advance(5);
    const items = (await drain(c.pullLeads({ from: final, signal }))).flatMap((p) => p.items);
    expect(items.filter((i) => i.kind === 'lead')).toHaveLength(3);
    const q = items.find((i) => i.externalId === bad);
    expect(q?.kind).toBe('quarantined');
    if (q?.kind === 'quarantined') {
      expect(q.reason.code).toBe('MAPPING.INVALID_VALUE');
      expect(q.reason.source).toMatch(/mappings\/salesforce\/lead\.yaml:\d+$/);
      expect(q.reason.message).not.toContain('123.4');
    }
  });

  it('restarts from the last page when the query locator expires mid-pull', async () => {
    const expected = leadIds(await drain(env.connector().pullLeads({ from: null, signal })));
    env.emu.faults.add({ kind: 'queryMore', status: 400, body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }] });
    const pages = await drain(env.connector().pullLeads({ from: null, signal }));
    expect(env.emu.faults.injected()).toBe(1);
    expect(leadIds(pages)).toEqual(expected);
  });
});

describe('salesforce pullPartners', () => {
  let env: Env;
  afterAll(async () => {
    await env.close();
  });

  it('reads partner Accounts, then their partner-user Contacts, quarantining what the mapping rejects', async () => {
    env = await startEnv();
    await env.setup();
    const [dist, reseller, broken] = env.emu.seed('Account', [
      { Name: ' Nordwind Distribution ', Type: 'Partner', Partner_Kind__c: 'Distributor', Partner_Level__c: 'Gold', Products__c: 'Heat Pump;Solar', Service_Countries__c: 'de;at', BillingCountry: 'de' },
      { Name: 'Solar Schmidt', Type: 'Partner', Partner_Kind__c: 'Installer', Lead_Capacity__c: 12, BillingCity: 'Köln' },
      { Name: 'Broken Partner', Type: 'Partner', BillingLatitude: 95 },
    ]) as [string, string, string];
    env.emu.update('Account', reseller, { ParentId: dist });
    const [customer] = env.emu.seed('Account', [{ Name: 'Just a customer', Type: 'Customer - Direct' }]) as [string];
    const [user] = env.emu.seed('Contact', [
      { LastName: 'Schmidt', FirstName: 'Eva', Email: ' Eva@Solar-Schmidt.de ', AccountId: reseller, LeadRelay_User__c: true },
      { LastName: 'NotAUser', Email: 'no@solar-schmidt.de', AccountId: reseller, LeadRelay_User__c: false },
      { LastName: 'Customer', Email: 'c@customer.de', AccountId: customer, LeadRelay_User__c: true },
    ]) as [string];
    env.clock.advance(5);
    const c = env.connector();
    const pages = await drain(c.pullPartners({ from: null, signal }));
    expect(pages).toHaveLength(2);
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.kind)).toEqual(['partner', 'partner', 'quarantined', 'user']);
    expect(items.find((i) => i.externalId === dist)).toMatchObject({ kind: 'partner', data: { name: 'Nordwind Distribution', kind: 'distributor', level: 'gold', products: ['Heat Pump', 'Solar'], countries: ['DE', 'AT'] } });
    expect(items.find((i) => i.externalId === reseller)).toMatchObject({ kind: 'partner', data: { kind: 'reseller', parentExternalId: dist, capacity: 12 } });
    expect(items.find((i) => i.externalId === broken)).toMatchObject({ kind: 'quarantined', reason: { code: 'MAPPING.INVALID_VALUE' } });
    expect(items.find((i) => i.externalId === user)).toEqual({ kind: 'user', externalId: user, partnerExternalId: reseller, email: 'eva@solar-schmidt.de', name: 'Eva Schmidt' });
    expect(pages.at(-1)?.cursor.lastId).toBeNull();
    expect(c.usage().callsByStage['pull-partners']).toBe(2);
  });
});

