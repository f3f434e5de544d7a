// Marketplace acceptance, time travel end to end: the services run on a movable clock (buildApp's injected
// clock), the store is a real SQLite file, and every step is flushed through jsforce to the Salesforce emulator
// over a real socket, where we read what the CRM shows. Three walks:
//   (a) wave 1 → wave 2 → escalation (Unclaimed) → manual assignment (Reserved)
//   (b) reservation → reminder → block (the gate lists the overdue lead) → feedback → unblocked
//   (c) reservation → reminder → revocation (penalty) → re-offer to partners never offered it before
// plus the CLI around it: leads show (reminder and revoked in the history), points, plan, away.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lead } from '../../src/domain/lead.ts';
import type { App } from '../../src/runtime/app.ts';
import { buildApp } from '../../src/runtime/app.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { recordFeedback } from '../../src/services/feedback.ts';
import { flushWriteBacks } from '../../src/services/flush-write-backs.ts';
import { periodRange } from '../../src/services/points.ts';
import { reserve } from '../../src/services/reserve.ts';
import { tick } from '../../src/services/tick.ts';
import { runSyncCycle } from '../../src/sync/cycle.ts';
import type { TestClock } from '../support/context.ts';
import { testClock } from '../support/context.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const signal = new AbortController().signal;

/** The first Monday 08:00 UTC after now: the fake clock must stay ahead of the emulator's change stamps. */
function nextMonday(): Date {
  const d = new Date(Date.now() + DAY);
  d.setUTCHours(8, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

const partner = (name: string, products: string) => ({
  Name: name, Type: 'Partner', Partner_Kind__c: 'Reseller', Partner_Level__c: 'gold', Products__c: products,
  Service_Countries__c: 'DE', BillingCountry: 'DE', BillingCity: 'Berlin', BillingPostalCode: '10115', Partner_Active__c: true,
});
let phone = 1_234_560;
const lead = (last: string, products: string) => ({
  // Distinct names, emails and phones: duplicate detection would attach a look-alike to the first one.
  FirstName: 'Kim', LastName: last, Company: `${last} GmbH`, Email: `${last.toLowerCase()}@customer.test`, Phone: `+49 30 ${++phone}`,
  Street: 'Hauptstraße 1', City: 'Berlin', PostalCode: '10115', Country: 'DE', Status: 'Marketing Qualified',
  Product_Interest__c: products, LeadSource: 'Web', Budget__c: 25000,
});

describe('marketplace: time travel through the CRM', () => {
  let h: Harness;
  let app: App;
  let clock: TestClock;
  const ids: Record<string, string> = {};
  const sf = (key: string) => h.emu.get('Lead', ids[key]!)!;
  const local = async (key: string): Promise<Lead> => (await app.store.leads.getByExternalId('salesforce', ids[key]!))!;
  const flush = async () => {
    const r = await flushWriteBacks(app.ctx, app.connector(), signal);
    expect(r.stopped).toBeNull();
    expect(r.quarantined).toBe(0);
    return r;
  };
  const offeredTo = async (key: string, wave: number) => (await app.store.offers.listByLead((await local(key)).id))
    .filter((o) => o.wave === wave).map((o) => o.partnerId);

  beforeAll(async () => {
    h = await startHarness({ extraConfig: ['matching:', '  offerCount: 2', 'offers:', '  waveHours: 40', ''].join('\n') });
    expect((await h.cli(['setup', 'salesforce'])).code).toBe(0);
    h.emu.seed('Account', [
      ...['Wallbox Nord', 'Wallbox Süd', 'Wallbox Ost', 'Wallbox West'].map((n) => partner(n, 'wallbox')),
      ...['Speicher Eins', 'Speicher Zwei'].map((n) => partner(n, 'battery-storage')),
      ...['Wärme A', 'Wärme B', 'Wärme C', 'Wärme D', 'Wärme E'].map((n) => partner(n, 'heat-pump')),
    ]);
    ids['A'] = h.emu.seed('Lead', [lead('Alpha', 'wallbox')])[0]!;
    clock = testClock(nextMonday());
    app = await buildApp({ configPath: h.configFile, env: h.env, cwd: h.dir, clock, logger: nullLogger });
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('(a) wave 1 → wave 2 → escalation → manual assignment, each in the CRM after the flush', async () => {
    const s = await runSyncCycle(app.ctx, app.connector(), { leads: 'Lead', partners: 'Account' }, { signal });
    expect(s.error).toBeNull();
    const wave1 = await offeredTo('A', 1);
    expect(wave1).toHaveLength(2);
    expect(sf('A')['LeadRelay_Partner_Status__c']).toBe('Offered');
    // 40 working hours from Monday 08:00 end Thursday 18:00.
    expect((await app.store.offers.listByLead((await local('A')).id))[0]?.expiresAt.getTime()).toBe(clock.now().getTime() + 3 * DAY + 10 * HOUR);

    const writes = () => h.emu.writeLog().filter((w) => w.sobject === 'Lead' && w.id === ids['A']).length;
    const before = writes();
    clock.advance(4 * DAY); // Friday 08:00: wave 1 is over
    expect(await tick(app.ctx)).toMatchObject({ nextWaves: 1, escalated: 0 });
    const wave2 = await offeredTo('A', 2);
    expect(wave2).toHaveLength(2);
    expect(wave2.some((p) => wave1.includes(p))).toBe(false);
    await flush();
    expect(writes()).toBe(before + 1);
    expect(sf('A')['LeadRelay_Partner_Status__c']).toBe('Offered');

    clock.advance(7 * DAY);
    expect(await tick(app.ctx)).toMatchObject({ escalated: 1 });
    expect(await local('A')).toMatchObject({ status: 'expired' });
    await flush();
    expect(sf('A')['LeadRelay_Partner_Status__c']).toBe('Unclaimed');

    const chosen = wave1[0]!;
    const assigned = await reserve(app.ctx, { leadId: (await local('A')).id, partnerId: chosen, userId: null, assignment: { by: 'cm-eva' } });
    expect(assigned.ok).toBe(true);
    await flush();
    const partnerCrmId = (await app.store.partners.get(chosen))!.externalId;
    expect(sf('A')).toMatchObject({ LeadRelay_Partner_Status__c: 'Reserved', LeadRelay_Partner__c: partnerCrmId, Status: 'Sales Accepted', LeadRelay_Feedback_State__c: 'Due' });
    expect((await app.store.events.listByLead((await local('A')).id)).map((e) => e.type)).toEqual(
      ['received', 'qualified', 'offered', 'offered', 'escalated', 'assigned']);
  });

  it('(b) reservation → reminder → block → feedback → unblocked', async () => {
    clock.set(new Date(nextMonday().getTime() + 14 * DAY));
    // Stamped in the fake present: the pull cursor has moved with the clock, past the emulator's real time.
    const stamp = new Date(clock.now().getTime() - 600_000).toISOString();
    const stamped = (r: Record<string, unknown>) => ({ ...r, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp });
    const [b1Id, b2Id, cId] = h.emu.seed('Lead', [lead('Bravo', 'battery-storage'), lead('Bremen', 'battery-storage'), lead('Charlie', 'heat-pump')].map(stamped));
    Object.assign(ids, { B1: b1Id!, B2: b2Id!, C: cId! });
    const cyc = await runSyncCycle(app.ctx, app.connector(), { leads: 'Lead', partners: 'Account' }, { signal });
    expect(cyc.error).toBeNull();
    expect(cyc.qualification).toMatchObject({ qualified: 3 });
    const [x] = await offeredTo('B1', 1);
    expect((await offeredTo('B2', 1))).toContain(x);
    const b1 = await local('B1');
    const b2 = await local('B2');
    expect((await reserve(app.ctx, { leadId: b1.id, partnerId: x!, userId: null })).ok).toBe(true);
    await flush();
    const due = new Date(clock.now().getTime() + 48 * HOUR);
    expect(sf('B1')).toMatchObject({ LeadRelay_Partner_Status__c: 'Reserved', LeadRelay_Feedback_State__c: 'Due' });
    expect(new Date(String(sf('B1')['LeadRelay_Feedback_Due_At__c'])).getTime()).toBe(due.getTime());

    clock.advance(30 * HOUR); // 18 h before the deadline (reminderHours 24)
    expect(await tick(app.ctx)).toMatchObject({ reminders: 1 });
    await flush();
    expect(sf('B1')['LeadRelay_Feedback_State__c']).toBe('Reminder Sent');

    clock.advance(19 * HOUR); // 1 h past the deadline
    expect(await tick(app.ctx)).toMatchObject({ newlyOverdue: 1 });
    await flush();
    expect(sf('B1')['LeadRelay_Feedback_State__c']).toBe('Overdue');
    const blocked = await reserve(app.ctx, { leadId: b2.id, partnerId: x!, userId: null });
    expect(!blocked.ok && blocked.error).toMatchObject({ code: 'FEEDBACK.OVERDUE', meta: { overdueLeadIds: [b1.id] } });
    expect(!blocked.ok && blocked.error.message).toMatch(/Give feedback on 1 lead/);

    expect((await recordFeedback(app.ctx, { leadId: b1.id, partnerId: x!, userId: null, status: 'contacted', comment: 'called, visit next week' })).ok).toBe(true);
    await flush();
    expect(sf('B1')).toMatchObject({ LeadRelay_Partner_Status__c: 'Contacted', LeadRelay_Feedback_State__c: 'Due', LeadRelay_Feedback_Comment__c: 'called, visit next week' });
    expect((await reserve(app.ctx, { leadId: b2.id, partnerId: x!, userId: null })).ok).toBe(true);
    await flush();
    expect(sf('B2')['LeadRelay_Partner_Status__c']).toBe('Reserved');
  });

  it('(c) reservation → reminder → revocation → re-offer excluding the revoked partner', async () => {
    const c = await local('C');
    const wave1 = await offeredTo('C', 1);
    const holder = wave1[0]!;
    expect((await reserve(app.ctx, { leadId: c.id, partnerId: holder, userId: null })).ok).toBe(true);
    await flush();
    const holderCrmId = (await app.store.partners.get(holder))!.externalId;
    expect(sf('C')).toMatchObject({ LeadRelay_Partner_Status__c: 'Reserved', LeadRelay_Partner__c: holderCrmId });

    clock.advance(30 * HOUR);
    expect((await tick(app.ctx)).reminders).toBeGreaterThanOrEqual(1); // B2, reserved at the same time, too
    expect((await app.store.notices.listByLead(c.id)).map((n) => n.kind)).toEqual(['reminder']);
    clock.advance(67 * HOUR); // deadline 48 h + grace 48 h passed
    const t = await tick(app.ctx);
    expect(t.revoked).toBeGreaterThanOrEqual(1);
    expect(await tick(app.ctx)).toMatchObject({ revoked: 0, reminders: 0, newlyOverdue: 0 });
    const after = await local('C');
    expect(after).toMatchObject({ status: 'offered', partnerId: null, wave: 1 });
    const reoffered = (await app.store.offers.listByLead(c.id)).filter((o) => o.status === 'open').map((o) => o.partnerId);
    expect(reoffered).toHaveLength(2);
    expect(reoffered).not.toContain(holder);
    expect(reoffered.some((p) => wave1.includes(p))).toBe(false);
    await flush();
    expect(sf('C')).toMatchObject({ LeadRelay_Partner_Status__c: 'Offered', LeadRelay_Partner__c: null, LeadRelay_Feedback_State__c: null });

    const shown = await h.cli(['leads', 'show', c.id]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/reminder\s+system\s+\S+\s+due \S+Z, 18 h left/);
    expect(shown.out).toMatch(/revoked\s+system\s+\S+\s+was due \S+Z, -5 points/);
    expect(shown.out).toMatch(/offered\s+system\s+wave 1 to \S+Z \(revoked\)/);
    // The reservation (cold: +3) and the revocation (−5) fall in the same ISO week.
    const period = periodRange(app.ctx);
    expect(period.ok && period.value.label).toMatch(/^\d{4}-W\d{2}$/);
    if (!period.ok) return;
    const week = await h.cliJson<{ leaderboard: Array<{ partnerId: string; points: number }> }>(['points', '--period', period.value.label]);
    expect(week.value.leaderboard.find((r) => r.partnerId === holder)?.points).toBe(3 - 5);
    const mine = await h.cliJson<{ balance: number; entries: Array<{ rule: string; points: number }> }>(['points', '--period', period.value.label, '--partner', holder]);
    expect(mine.value.entries.map((e) => [e.rule, e.points])).toEqual([['reserve', 3], ['revoked', -5]]);
  });

  it('CLI: plan from a file (synced as the opportunity description), plan show, away', async () => {
    const b1 = await local('B1');
    const holder = b1.partnerId!;
    const file = join(h.dir, 'plan.json');
    writeFileSync(file, JSON.stringify({
      opportunity: { description: 'Battery storage for the logistics centre', budget: 90000, urgency: 'medium', problem: 'Peak load charges' },
      keyPersons: [{ name: 'Ms. Vogel', roleInDecision: 'economic_buyer', attitude: 'neutral', values: 'payback under 6 years' }],
      milestones: [{ name: 'Offer presentation', date: '2027-01-15' }],
    }));
    const other = (await app.store.partners.listActive()).find((p) => p.id !== holder)!;
    const bad = await h.cli(['plan', b1.id, '--file', file, '--partner', other.externalId]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/PLAN.NOT_ALLOWED/);
    const saved = await h.cli(['plan', b1.id, '--file', file, '--partner', holder]);
    expect(saved.code, saved.err).toBe(0);
    const show = await h.cli(['plan', 'show', b1.id]);
    expect(show.out).toContain('Ms. Vogel, economic buyer'.replace(', economic', ': economic'));
    expect((await recordFeedback(app.ctx, { leadId: b1.id, partnerId: holder, userId: null, status: 'meeting' })).ok).toBe(true);
    await flush();
    const opp = h.emu.all('Opportunity').find((o) => o['LeadRelay_Lead_Id__c'] === b1.id);
    expect(opp?.['StageName']).toBe('Qualification');
    expect(String(opp?.['Description'])).toMatch(/OPPORTUNITY PLAN[\s\S]*Battery storage for the logistics centre[\s\S]*Ms\. Vogel: economic buyer/);

    const away = await h.cliJson<{ away: Array<{ from: string; to: string; reason: string }> }>(['away', holder, '--from', '2030-07-01', '--to', '2030-07-14', '--reason', 'summer']);
    expect(away.code, away.err).toBe(0);
    expect(away.value.away).toEqual([expect.objectContaining({ from: '2030-07-01T00:00:00.000Z', to: '2030-07-15T00:00:00.000Z', reason: 'summer' })]);
  });
});

