// The KPI job as the daemon runs it (partnerKpiJob over the app, the reports engine over the store, the sync
// cycle's flush) against the Salesforce emulator: after partners reserve and one wins, the partner Accounts carry
// the engine's numbers; a second run writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/partner.ts';
import { partnerKpiJob } from '../../src/reports/deliver-jobs.ts';
import { recordFeedback } from '../../src/services/feedback.ts';
import { reserve } from '../../src/services/reserve.ts';
import type { WebWorld } from '../e2e/browser/support.ts';
import { startWebWorld } from '../e2e/browser/support.ts';

const signal = new AbortController().signal;

describe('partner KPIs from the engine to the Salesforce Accounts', () => {
  let w: WebWorld;
  let winner: Partner;
  const holders: Partner[] = [];
  beforeAll(async () => {
    w = await startWebWorld({ partners: 6, leads: 12, syncFirst: true });
    const store = w.app.store;
    for (const p of await store.partners.list()) {
      const offer = (await store.views.pickList([p.id], 1))[0];
      const user = (await store.users.listByOrg(p.id))[0];
      if (offer === undefined || user === undefined) continue;
      expect((await reserve(w.app.ctx, { leadId: offer.lead.id, partnerId: p.id, userId: user.id })).ok).toBe(true);
      if (holders.length === 0) {
        expect((await recordFeedback(w.app.ctx, { leadId: offer.lead.id, partnerId: p.id, userId: user.id, status: 'won', amount: 31_000 })).ok).toBe(true);
        winner = p;
      }
      holders.push(p);
    }
    expect(holders.length).toBeGreaterThanOrEqual(2);
  }, 120_000);
  afterAll(async () => { await w?.close(); });

  it('writes CR, ADS, compliance and open leads to every partner Account; the next run writes nothing', async () => {
    const job = partnerKpiJob(w.app);
    const first = await job(signal);
    const partners = await w.app.store.partners.list();
    expect(first).toMatchObject({ partners: partners.length, enqueued: partners.length, skipped: 0 });
    await w.flush();
    const today = w.app.ctx.clock.now().toISOString().slice(0, 10);
    expect(w.h.emu.get('Account', winner.externalId)).toMatchObject({
      LeadRelay_Conversion_Rate__c: 100, LeadRelay_Avg_Deal_Size__c: 31000, LeadRelay_Open_Leads__c: 0, LeadRelay_KPIs_As_Of__c: today,
    });
    for (const p of holders.filter((x) => x.id !== winner.id)) {
      expect(w.h.emu.get('Account', p.externalId)).toMatchObject({ LeadRelay_Conversion_Rate__c: 0, LeadRelay_Open_Leads__c: 1, LeadRelay_Avg_Deal_Size__c: null });
    }
    for (const p of partners.filter((x) => !holders.some((h) => h.id === x.id))) {
      expect(w.h.emu.get('Account', p.externalId)).toMatchObject({ LeadRelay_Conversion_Rate__c: null, LeadRelay_Open_Leads__c: 0 });
    }
    w.h.emu.resetCalls();
    expect(await job(signal)).toMatchObject({ enqueued: 0, unchanged: partners.length });
    await w.flush();
    expect(w.h.emu.calls().byKind.collections).toBe(0);
  }, 60_000);
});
