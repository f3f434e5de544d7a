// Which mails the lead history causes, for whom, when: new offers (instant, digest, filtered, quiet hours),
// reminders, block notices, revocations and escalations, each once.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leadDataSchema } from '../../src/domain/lead.ts';
import { notificationPrefsSchema } from '../../src/domain/notification-prefs.ts';
import { planEvents } from '../../src/notify/planner.ts';
import { contentHash } from '../../src/services/context.ts';
import { tick } from '../../src/services/tick.ts';
import type { WebFixture } from '../web/fixture.ts';
import { webFixture } from '../web/fixture.ts';

const HOUR = 3_600_000;

describe('mail planner', () => {
  let f: WebFixture;
  beforeEach(async () => { f = await webFixture(); });
  afterEach(async () => { await f.close(); });

  const sent = (to: string, subject: RegExp) => f.mails.filter((m) => m.to === to && subject.test(m.subject));

  async function offerNewLead(temperature: 'hot' | 'warm' | 'cold' = 'warm'): Promise<string> {
    const { store, clock } = f.t;
    const data = leadDataSchema.parse({ lastName: 'SECRET-NEW', email: 'new@secret.example', company: 'Company-NEW', country: 'DE', region: 'Berlin', productInterest: ['heatpump'], source: 'Demo Request' });
    const [o] = await store.leads.upsertIncoming([{ crm: 'salesforce', externalId: `SF-${randomUUID()}`, data, contentHash: contentHash(data), crmStamp: 'x', crmConverted: false, crmOpportunityId: null }], clock.now(), () => randomUUID());
    const lead = o!.lead;
    await store.leads.save({ ...lead, status: 'offered', wave: 1, temperature, version: lead.version + 1 });
    await store.offers.createMany([f.partners.A1, f.partners.B1].map((p, i) => ({ leadId: lead.id, partnerId: p, wave: 1, score: 1, rank: i + 1, offeredAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 24 * HOUR), explanation: {} })), () => randomUUID());
    await store.events.append([{ leadId: lead.id, at: clock.now(), type: 'offered', actor: 'system', partnerId: null, data: { wave: 1, partners: [f.partners.A1, f.partners.B1] } }]);
    return lead.id;
  }

  it('a new offer mails each partner\'s people a teaser with a reserve button; never contact data', async () => {
    await offerNewLead();
    await f.notifier.runOnce();
    for (const u of [f.users.pmA1, f.users.repA1, f.users.pmB1]) {
      const [m] = sent(u.email, /^New lead for you/);
      expect(m, u.email).toBeDefined();
      expect(m!.html).toContain('/a/');
      for (const secret of ['SECRET-NEW', 'new@secret.example', 'Company-NEW']) expect(m!.html + m!.text).not.toContain(secret);
    }
    expect(f.mails.filter((m) => m.to === f.users.pmA2.email || m.to === f.users.dmA.email)).toHaveLength(0);
  });

  it('honours preferences: filters, digest (one mail at the digest time) and quiet hours', async () => {
    const { store, clock } = f.t;
    await store.identity.setPreferences(f.users.repA1.id, notificationPrefsSchema.parse({ filters: { temperatures: ['hot'] } }), clock.now());
    await store.identity.setPreferences(f.users.pmB1.id, notificationPrefsSchema.parse({ offers: 'digest', digestTimes: ['12:00'] }), clock.now());
    await store.identity.setPreferences(f.users.pmA1.id, notificationPrefsSchema.parse({ quietHours: { from: '08:00', to: '10:00' } }), clock.now());
    await offerNewLead('warm');
    await offerNewLead('warm');
    await f.notifier.runOnce(); // 09:00 UTC: pmA1 is in quiet hours, pmB1 waits for 12:00, repA1 filters warm out
    expect(f.mails).toHaveLength(0);
    clock.set('2026-11-02T10:00:30Z');
    await f.notifier.runOnce();
    expect(sent(f.users.pmA1.email, /^New lead/)).toHaveLength(2);
    expect(sent(f.users.pmB1.email, /./)).toHaveLength(0);
    clock.set('2026-11-02T12:00:30Z');
    await f.notifier.runOnce();
    await f.notifier.runOnce();
    const digest = sent(f.users.pmB1.email, /new leads? offered to you/);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.subject).toBe('2 new leads offered to you');
    expect(f.mails.filter((m) => m.to === f.users.repA1.email)).toHaveLength(0);
  });

  it('planning the same events twice queues nothing new', async () => {
    await offerNewLead();
    const events = await f.t.store.mail.eventsAfter(0, 1000);
    const first = await f.t.store.transaction((tx) => planEvents(tx, f.notifier.deps, events, f.t.clock.now()));
    const again = await f.t.store.transaction((tx) => planEvents(tx, f.notifier.deps, events, f.t.clock.now()));
    expect(first).toBeGreaterThan(0);
    expect(again).toBe(0);
  });

  it('deadlines: a reminder with one-click buttons, a block notice, then the revocation notice', async () => {
    const { ctx, clock } = f.t;
    clock.advance(30 * HOUR); // 18 h before the 48 h deadline, inside the 24 h reminder window
    await tick(ctx);
    await f.notifier.runOnce();
    const [reminder] = sent(f.users.pmA1.email, /^Feedback due/);
    expect(reminder).toBeDefined();
    for (const label of ['Contacted', 'Meeting scheduled', 'Won', 'Lost']) expect(reminder!.html).toContain(`>${label}</a>`);
    clock.advance(20 * HOUR);
    await tick(ctx);
    await f.notifier.runOnce();
    const [blocked] = sent(f.users.pmA1.email, /reserving is paused/);
    expect(blocked?.text).toContain('Company-RA1-X');
    clock.advance(50 * HOUR);
    await tick(ctx);
    await f.notifier.runOnce();
    // Each partner hears about its own leads only.
    expect(sent(f.users.pmA1.email, /^Lead taken back/).map((m) => m.subject).sort()).toEqual(['Lead taken back: Company-RA1-X · Berlin', 'Lead taken back: Company-RA1r-X · Berlin']);
    expect(sent(f.users.pmB1.email, /^Lead taken back/).map((m) => m.subject)).toEqual(['Lead taken back: Company-RB1-X · Berlin']);
    expect(f.mails.filter((m) => m.to === f.users.pmB1.email).map((m) => m.html + m.text).join('')).not.toContain('-RA1');
  });

  it('escalations go to the channel managers whose portfolio covers the lead, else to the admins', async () => {
    const { store, clock } = f.t;
    for (const k of ['E1', 'E2'] as const) {
      await store.events.append([{ leadId: f.leads[k], at: clock.now(), type: 'escalated', actor: 'system', partnerId: null, data: { reason: 'last wave ended unclaimed' } }]);
    }
    await f.notifier.runOnce();
    expect(sent(f.users.cm.email, /^Unclaimed lead/).map((m) => m.subject)).toEqual(['Unclaimed lead: Company-E1-X · Berlin']);
    expect(sent(f.users.admin.email, /^Unclaimed lead/).map((m) => m.subject)).toEqual(['Unclaimed lead: Company-E2-X · Wien']);
  });
});
