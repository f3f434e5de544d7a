// Partner KPIs into the CRM: `setup` plans the KPI fields, the job enqueues one snapshot per partner through the
// write-back outbox, the flush writes them in CRM batches (Collections 200 / batch 100) to the emulators over real
// sockets, and a second run with unchanged numbers writes nothing.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import type { CrmKind } from '../../src/domain/lead.ts';
import type { Store } from '../../src/domain/ports.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { enqueuePartnerKpis, kpiFieldsOf } from '../../src/reports/crm-kpis.ts';
import type { Kpis, PartnerKpis } from '../../src/reports/model.ts';
import { flushWriteBacks } from '../../src/services/flush-write-backs.ts';
import * as sf from '../connectors/salesforce/env.ts';
import * as hs from '../connectors/hubspot/env.ts';
import type { TestContext } from '../support/context.ts';
import { testContext } from '../support/context.ts';

const signal = new AbortController().signal;

function kpis(over: Partial<Kpis>): Kpis {
  const none = { samples: 0, medianHours: null, p90Hours: null };
  return {
    offered: 0, reserved: 0, declined: 0, expired: 0, revoked: 0, returned: 0, won: 0, lost: 0, open: 0, timeToReserve: none,
    feedbackCompliance: null, overdueNow: 0, conversionRate: null, averageDealDays: null, averageDealSizeCents: null,
    wonAmountCents: 0, pipelineCents: {}, lostReasons: {}, pointsEarned: 0,
    reservedWon: 0, assigned: 0, feedbackDue: 0, feedbackOnTime: 0, escalated: 0, activity: 0,
    ...over,
  };
}

/** Partner i: CR i%7/7, ADT i/3 days, ADS i*1000.50, compliance 1 - i%4/8, i%5 open leads. */
function rowFor(id: string, name: string, externalId: string, i: number): PartnerKpis {
  const k = kpis({ conversionRate: (i % 7) / 7, averageDealDays: i / 3, averageDealSizeCents: i * 100_050, feedbackCompliance: 1 - (i % 4) / 8, open: i % 5 });
  return { partnerId: id, partnerName: name, externalId, kpis: k, blocked: false, quadrant: null, overdueLeadIds: [] };
}

/** Every 10th partner had no activity in the window: the engine gives it no row. */
async function storePartners(store: Store, crm: CrmKind, externalIds: readonly string[]): Promise<PartnerKpis[]> {
  await store.partners.upsertMany(externalIds.map((e, i) => ({
    crm, externalId: e, contentHash: `h-${e}`, data: partnerDataSchema.parse({ name: `Partner ${i}` }),
  })), new Date('2026-11-01T00:00:00Z'), () => `partner-${randomUUID()}`);
  const rows: PartnerKpis[] = [];
  for (const [i, e] of externalIds.entries()) {
    const p = (await store.partners.getByExternalId(e))!;
    if (i % 10 !== 0) rows.push(rowFor(p.id, p.data.name, e, i));
  }
  return rows;
}

describe('partner KPIs to the CRM', () => {
  let t: TestContext;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('Salesforce: setup plans the Account fields; 250 Accounts written in 2 collection calls; a second run writes nothing', async () => {
    const env = await sf.startEnv();
    t = await testContext();
    closers.push(() => env.close(), () => t.close());
    const plan = await env.connector().setup({ plan: true, signal });
    expect(plan.planned.filter((p) => p.object === 'Account').map((p) => `${p.field} ${p.detail.split(';')[0]}`)).toEqual(expect.arrayContaining([
      'LeadRelay_Conversion_Rate__c Number', 'LeadRelay_Avg_Deal_Days__c Number', 'LeadRelay_Avg_Deal_Size__c Currency',
      'LeadRelay_Feedback_Compliance__c Number', 'LeadRelay_Open_Leads__c Number', 'LeadRelay_KPIs_As_Of__c Date',
    ]));
    await env.setup();
    const ids = env.emu.seed('Account', Array.from({ length: 250 }, (_, i) => ({ Name: `Partner ${i}`, Type: 'Partner' })));
    const rows = await storePartners(t.store, 'salesforce', ids);
    const deps = { store: t.store, logger: nullLogger, now: () => t.clock.now(), partnerKpis: async () => rows };

    expect(await enqueuePartnerKpis(deps, 90)).toEqual({ partners: 250, enqueued: 250, unchanged: 0, skipped: 0 });
    env.emu.resetCalls();
    const flushed = await flushWriteBacks(t.ctx, env.connector(), signal);
    expect(flushed).toMatchObject({ ok: 250, quarantined: 0, retried: 0, stopped: null });
    expect(env.emu.calls().byKind.collections).toBe(2);

    expect(env.emu.get('Account', ids[1]!)).toMatchObject({
      LeadRelay_Conversion_Rate__c: 14.29, LeadRelay_Avg_Deal_Days__c: 0.3, LeadRelay_Avg_Deal_Size__c: 1000.5,
      LeadRelay_Feedback_Compliance__c: 87.5, LeadRelay_Open_Leads__c: 1, LeadRelay_KPIs_As_Of__c: '2026-11-02',
    });
    expect(env.emu.get('Account', ids[13]!)).toMatchObject({
      LeadRelay_Conversion_Rate__c: 85.71, LeadRelay_Avg_Deal_Days__c: 4.3, LeadRelay_Avg_Deal_Size__c: 13006.5,
      LeadRelay_Feedback_Compliance__c: 87.5, LeadRelay_Open_Leads__c: 3,
    });
    // No activity in the window (no row): the fields are cleared, the count is 0 (not "unknown").
    expect(env.emu.get('Account', ids[20]!)).toMatchObject({ LeadRelay_Conversion_Rate__c: null, LeadRelay_Avg_Deal_Size__c: null, LeadRelay_Open_Leads__c: 0 });

    // A day later, same numbers: nothing enqueued, nothing sent.
    t.clock.advance(86_400_000);
    env.emu.resetCalls();
    expect(await enqueuePartnerKpis(deps, 90)).toMatchObject({ enqueued: 0, unchanged: 250 });
    expect(await flushWriteBacks(t.ctx, env.connector(), signal)).toMatchObject({ sent: 0 });
    expect(env.emu.calls().byKind.collections).toBe(0);

    // One partner's numbers move and another goes quiet: exactly those two Accounts are written.
    rows[0] = { ...rows[0]!, kpis: { ...rows[0]!.kpis, open: 4 } };
    const quiet = rows.splice(1, 1)[0]!;
    expect(quiet.externalId).toBe(ids[2]);
    expect(await enqueuePartnerKpis(deps, 90)).toMatchObject({ enqueued: 2, unchanged: 248 });
    expect(await flushWriteBacks(t.ctx, env.connector(), signal)).toMatchObject({ sent: 2, ok: 2 });
    expect(env.emu.get('Account', ids[1]!)).toMatchObject({ LeadRelay_Open_Leads__c: 4, LeadRelay_KPIs_As_Of__c: '2026-11-03' });
    expect(env.emu.get('Account', ids[2]!)).toMatchObject({ LeadRelay_Conversion_Rate__c: null, LeadRelay_Open_Leads__c: 0, LeadRelay_KPIs_As_Of__c: '2026-11-03' });
  }, 60_000);

  it('HubSpot: setup creates the company properties; 150 companies written in 2 batch calls; a second run writes nothing', async () => {
    const env = await hs.startEnv();
    t = await testContext();
    closers.push(() => env.close(), () => t.close());
    await env.setup();
    expect(env.emu.property('companies', 'leadrelay_conversion_rate')).toMatchObject({ type: 'number', groupName: 'leadrelay' });
    expect(env.emu.property('companies', 'leadrelay_kpis_as_of')).toMatchObject({ type: 'date' });
    const ids = env.emu.seed('companies', Array.from({ length: 150 }, (_, i) => ({ name: `Partner ${i}`, type: 'PARTNER' })));
    const rows = await storePartners(t.store, 'hubspot', ids);
    const deps = { store: t.store, logger: nullLogger, now: () => t.clock.now(), partnerKpis: async () => rows };

    expect(await enqueuePartnerKpis(deps, 90)).toMatchObject({ enqueued: 150 });
    env.emu.resetCalls();
    expect(await flushWriteBacks(t.ctx, env.connector(), signal)).toMatchObject({ ok: 150, quarantined: 0, stopped: null });
    expect(env.emu.calls().byKind.batchUpdate).toBe(2);
    const props = env.emu.get('companies', ids[13]!)?.properties;
    expect(props).toMatchObject({
      leadrelay_conversion_rate: '85.71', leadrelay_avg_deal_days: '4.3', leadrelay_avg_deal_size: '13006.5',
      leadrelay_feedback_compliance: '87.5', leadrelay_open_leads: '3', leadrelay_kpis_as_of: '2026-11-02',
    });

    env.emu.resetCalls();
    expect(await enqueuePartnerKpis(deps, 90)).toMatchObject({ enqueued: 0, unchanged: 150 });
    expect(await flushWriteBacks(t.ctx, env.connector(), signal)).toMatchObject({ sent: 0 });
    expect(env.emu.calls().byKind.batchUpdate).toBe(0);
  }, 60_000);

  it('turns rates into percentages and cents into currency units', () => {
    const r = rowFor('p', 'P', 'X', 1);
    expect(kpiFieldsOf(r, new Date('2026-11-02T23:59:00Z'))).toEqual({
      conversionRate: 14.29, averageDealDays: 0.3, averageDealSize: 1000.5, feedbackCompliance: 87.5, openLeads: 1, kpisAsOf: '2026-11-02',
    });
  });
});
