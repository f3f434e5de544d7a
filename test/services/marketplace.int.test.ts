// Marketplace services on a real SQLite file with a movable clock: waves that everyone declined, away partners
// and working hours, the feedback SLA per stage, reminders / overdue / revocation (idempotent for any clock),
// hand-computed points, and the opportunity plan.
import { afterEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/partner.ts';
import { matchingConfigSchema } from '../../src/rules/config-schema.ts';
import { configSchema } from '../../src/config/schema.ts';
import { markAway } from '../../src/services/away.ts';
import { recordFeedback } from '../../src/services/feedback.ts';
import { offerQualifiedLeads } from '../../src/services/offer-leads.ts';
import { savePlan } from '../../src/services/opportunity-plan.ts';
import { leaderboard, periodRange } from '../../src/services/points.ts';
import { decline, reserve } from '../../src/services/reserve.ts';
import { tick } from '../../src/services/tick.ts';
import type { MarketContext } from '../support/market.ts';
import { marketContext, offerTo, seedPartners, seedQualifiedLead } from '../support/market.ts';

const HOUR = 3_600_000;
const defaults = configSchema.parse({});
const twoPerWave = { matching: matchingConfigSchema.parse({ offerCount: 2 }) };

describe('marketplace services', () => {
  let t: MarketContext;
  afterEach(async () => {
    await t.close();
  });

  it('a wave whose partners all declined moves on at once; the last one escalates', async () => {
    t = await marketContext(twoPerWave, '2026-11-16T09:00:00.000Z');
    await seedPartners(t.store, 4, t.clock.now());
    const lead = await seedQualifiedLead(t.store, 'L1', 'warm', t.clock.now());
    await offerQualifiedLeads(t.ctx);
    const wave1 = (await t.store.offers.listByLead(lead.id)).map((o) => o.partnerId);
    expect(wave1).toHaveLength(2);
    expect((await decline(t.ctx, lead.id, wave1[0]!, 'no capacity')).ok).toBe(true);
    expect((await t.store.leads.get(lead.id))?.wave).toBe(1);
    expect((await decline(t.ctx, lead.id, wave1[1]!, 'not our product')).ok).toBe(true);
    const after = await t.store.offers.listByLead(lead.id);
    expect((await t.store.leads.get(lead.id))).toMatchObject({ status: 'offered', wave: 2 });
    expect(after.filter((o) => o.wave === 2 && o.status === 'open').map((o) => o.partnerId).sort()).toEqual(
      (await t.store.partners.listActive()).map((p) => p.id).filter((id) => !wave1.includes(id)).sort());
    const events = await t.store.events.listByLead(lead.id);
    expect(events.at(-1)).toMatchObject({ type: 'offered', data: { wave: 2, reason: 'every partner of the wave declined' } });
    for (const o of after.filter((x) => x.wave === 2)) await decline(t.ctx, lead.id, o.partnerId, 'no');
    expect(await t.store.leads.get(lead.id)).toMatchObject({ status: 'expired' });
    expect((await t.store.events.listByLead(lead.id)).at(-1)?.type).toBe('escalated');
  });

  it('away partners get no offers; wave deadlines count working hours, per partner calendar', async () => {
    // Friday 17:00 UTC. 24 working hours (Mon–Fri 08–18 UTC): Fri 1 + Mon 10 + Tue 10 + Wed 3 → Wednesday 11:00.
    t = await marketContext({ ...twoPerWave }, '2026-11-20T17:00:00.000Z');
    const [p1, p2, p3] = await seedPartners(t.store, 3, t.clock.now()) as [Partner, Partner, Partner];
    const away = await markAway(t.ctx, { partnerId: p1.id, from: t.clock.now(), to: new Date('2026-11-30T00:00:00Z'), reason: 'trade fair', by: 'test' });
    expect(away.ok).toBe(true);
    const lead = await seedQualifiedLead(t.store, 'L1', 'warm', t.clock.now());
    await offerQualifiedLeads(t.ctx);
    const offers = await t.store.offers.listByLead(lead.id);
    expect(offers.map((o) => o.partnerId).sort()).toEqual([p2.id, p3.id].sort());
    expect(offers.map((o) => o.expiresAt.toISOString())).toEqual(['2026-11-25T11:00:00.000Z', '2026-11-25T11:00:00.000Z']);
    expect((await t.store.events.listByLead(lead.id)).at(-1)?.data).toMatchObject({ skipped: [p1.id] });

    // A partner working Mon–Thu in Vienna (UTC+1) stretches the wave: every partner gets 24 of its own hours.
    await t.close();
    t = await marketContext({
      ...twoPerWave, calendar: { ...defaults.calendar, partners: { P002: { timezone: 'Europe/Vienna', days: ['mon', 'tue', 'wed', 'thu'] } } },
    }, '2026-11-20T17:00:00.000Z');
    await seedPartners(t.store, 2, t.clock.now());
    const l2 = await seedQualifiedLead(t.store, 'L2', 'warm', t.clock.now());
    await offerQualifiedLeads(t.ctx);
    // Vienna: Friday is off; Mon 07–17Z 10 h, Tue 10 h, Wed 4 h → Wednesday 11:00Z (08:00 local + 4 h = 12:00 local).
    expect((await t.store.offers.listByLead(l2.id)).map((o) => o.expiresAt.toISOString())).toEqual(['2026-11-25T11:00:00.000Z', '2026-11-25T11:00:00.000Z']);
    await t.close();
    t = await marketContext({ ...twoPerWave, offers: { ...defaults.offers, waveClock: 'wall' } }, '2026-11-20T17:00:00.000Z');
    await seedPartners(t.store, 2, t.clock.now());
    const l3 = await seedQualifiedLead(t.store, 'L3', 'warm', t.clock.now());
    await offerQualifiedLeads(t.ctx);
    expect((await t.store.offers.listByLead(l3.id))[0]?.expiresAt.toISOString()).toBe('2026-11-21T17:00:00.000Z');
  });

  it('feedback SLA per stage, reminder → overdue → revocation, each once whatever the clock does; re-offer skips the revoked partner', async () => {
    t = await marketContext({
      ...twoPerWave,
      feedback: { ...defaults.feedback, firstHours: 24, reminderHours: 6, graceHours: 12, stages: { contacted: { days: 3 } } },
    }, '2026-11-16T09:00:00.000Z');
    const [a, b, c, d] = await seedPartners(t.store, 4, t.clock.now()) as [Partner, Partner, Partner, Partner];
    const now = () => t.clock.now();
    const lead = await offerTo(t.store, await seedQualifiedLead(t.store, 'L1', 'cold', now()), [a, b], now(), new Date(now().getTime() + 100 * HOUR));
    const held = await reserve(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null });
    expect(held.ok && held.value.feedbackDueAt?.toISOString()).toBe('2026-11-17T09:00:00.000Z');
    const fb = await recordFeedback(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null, status: 'contacted' });
    expect(fb.ok && fb.value.feedbackDueAt?.toISOString()).toBe('2026-11-19T09:00:00.000Z'); // contacted: 3 days

    t.clock.set('2026-11-19T02:00:00.000Z'); // 7 h before: nothing yet
    expect(await tick(t.ctx)).toMatchObject({ reminders: 0, newlyOverdue: 0, revoked: 0 });
    t.clock.set('2026-11-19T03:30:00.000Z'); // 5.5 h before: reminder
    expect(await tick(t.ctx)).toMatchObject({ reminders: 1 });
    expect(await tick(t.ctx)).toMatchObject({ reminders: 0 });
    t.clock.set('2026-11-19T09:00:00.000Z'); // the deadline: overdue, the gate closes
    expect(await tick(t.ctx)).toMatchObject({ newlyOverdue: 1, overdue: 1 });
    expect(await tick(t.ctx)).toMatchObject({ newlyOverdue: 0, overdue: 1 });
    const other = await offerTo(t.store, await seedQualifiedLead(t.store, 'L2', 'hot', now()), [a], now(), new Date(now().getTime() + 100 * HOUR));
    const gate = await reserve(t.ctx, { leadId: other.id, partnerId: a.id, userId: null });
    expect(!gate.ok && gate.error).toMatchObject({ code: 'FEEDBACK.OVERDUE', meta: { overdueLeadIds: [lead.id] } });
    t.clock.set('2026-11-19T03:00:00.000Z'); // the clock going back changes nothing
    expect(await tick(t.ctx)).toMatchObject({ reminders: 0, newlyOverdue: 0, revoked: 0 });
    t.clock.set('2026-11-19T21:00:00.000Z'); // deadline + 12 h grace: revoked, re-offered to c and d only
    expect(await tick(t.ctx)).toMatchObject({ revoked: 1, reoffered: 1 });
    expect(await tick(t.ctx)).toMatchObject({ revoked: 0, reoffered: 0, reminders: 0 });
    const after = await t.store.leads.get(lead.id);
    expect(after).toMatchObject({ status: 'offered', partnerId: null, wave: 1 });
    expect((await t.store.offers.listByLead(lead.id)).filter((o) => o.status === 'open').map((o) => o.partnerId).sort()).toEqual([c.id, d.id].sort());
    const types = (await t.store.events.listByLead(lead.id)).map((e) => e.type);
    expect(types.filter((x) => x === 'reminder')).toHaveLength(1);
    expect(types.filter((x) => x === 'revoked')).toHaveLength(1);
    // Points: cold reserve 3, on-time feedback 1, revocation -5.
    expect((await t.store.points.balances({ partnerId: a.id }))[0]?.points).toBe(-1);
    // The revoked partner cannot take it back; the gate opened again (it holds nothing overdue).
    const back = await reserve(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null });
    expect(!back.ok && back.error.code).toBe('OFFER.EXPIRED');
  });

  it('away: a deadline falling in the away period waits; no reminder, no revocation, no penalty meanwhile', async () => {
    t = await marketContext({ ...twoPerWave, feedback: { ...defaults.feedback, firstHours: 24, reminderHours: 6, graceHours: 12 } }, '2026-11-16T09:00:00.000Z');
    const [a] = await seedPartners(t.store, 1, t.clock.now()) as [Partner];
    const lead = await offerTo(t.store, await seedQualifiedLead(t.store, 'L1', 'hot', t.clock.now()), [a], t.clock.now(), new Date(t.clock.now().getTime() + 48 * HOUR));
    await reserve(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null }); // due 17 Nov 09:00
    // Away from 17 Nov 00:00 (9 h left) to 24 Nov 00:00 → held to 24 Nov 09:00, revoked at 21:00.
    expect((await markAway(t.ctx, { partnerId: a.id, from: new Date('2026-11-17T00:00:00Z'), to: new Date('2026-11-24T00:00:00Z'), reason: null, by: 'test' })).ok).toBe(true);
    for (const at of ['2026-11-17T05:00:00Z', '2026-11-17T09:30:00Z', '2026-11-20T00:00:00Z', '2026-11-24T02:00:00Z']) {
      t.clock.set(at);
      expect(await tick(t.ctx)).toMatchObject({ reminders: 0, newlyOverdue: 0, revoked: 0 });
    }
    t.clock.set('2026-11-24T03:30:00Z');
    expect(await tick(t.ctx)).toMatchObject({ reminders: 1 });
    t.clock.set('2026-11-24T20:59:00Z');
    expect(await tick(t.ctx)).toMatchObject({ newlyOverdue: 1, revoked: 0 });
    t.clock.set('2026-11-24T21:00:00Z');
    expect(await tick(t.ctx)).toMatchObject({ revoked: 1 });
    const bad = await markAway(t.ctx, { partnerId: a.id, from: new Date('2026-12-02T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), reason: null, by: 'x' });
    expect(!bad.ok && bad.error.code).toBe('AWAY.INVALID');
  });

  it('points: balances match the hand-computed ledger of a scripted week with hot and cold leads', async () => {
    // Rules (defaults): reserve hot 1 / warm 2 / cold 3, on-time feedback 1 (once per deadline), won 10, revoked -5.
    t = await marketContext({ feedback: { ...defaults.feedback, firstHours: 48, updateDays: 14, reminderHours: 24, graceHours: 48 } }, '2026-11-16T09:00:00.000Z');
    const [a, b, c] = await seedPartners(t.store, 3, t.clock.now()) as [Partner, Partner, Partner];
    const offer = async (ext: string, temp: 'hot' | 'cold', ps: Partner[]) =>
      offerTo(t.store, await seedQualifiedLead(t.store, ext, temp, t.clock.now()), ps, t.clock.now(), new Date(t.clock.now().getTime() + 200 * HOUR));
    const hot1 = await offer('HOT-1', 'hot', [a, b]);
    const cold1 = await offer('COLD-1', 'cold', [a, b, c]);
    const cold2 = await offer('COLD-2', 'cold', [b, c]);
    const hot2 = await offer('HOT-2', 'hot', [c]);
    const ok = async (p: Promise<{ ok: boolean }>) => expect((await p).ok).toBe(true);
    await ok(reserve(t.ctx, { leadId: hot1.id, partnerId: a.id, userId: null })); // A +1
    await ok(reserve(t.ctx, { leadId: cold1.id, partnerId: a.id, userId: null })); // A +3
    await ok(reserve(t.ctx, { leadId: cold2.id, partnerId: b.id, userId: null })); // B +3
    await ok(reserve(t.ctx, { leadId: hot2.id, partnerId: c.id, userId: null })); // C +1
    t.clock.advance(24 * HOUR);
    // Feedback points are booked once per deadline (the deadline the report answers).
    await ok(recordFeedback(t.ctx, { leadId: hot1.id, partnerId: a.id, userId: null, status: 'meeting' })); // answers D1 (+48 h): A +1; D2 = now + 14 d
    await ok(recordFeedback(t.ctx, { leadId: hot1.id, partnerId: a.id, userId: null, status: 'meeting', comment: 'moved' })); // answers D2: A +1; D3 = D2
    await ok(recordFeedback(t.ctx, { leadId: cold2.id, partnerId: b.id, userId: null, status: 'contacted' })); // B +1
    t.clock.advance(1 * HOUR);
    await ok(recordFeedback(t.ctx, { leadId: hot1.id, partnerId: a.id, userId: null, status: 'proposal', amount: 20_000 })); // answers D3 = D2, booked: A +0
    t.clock.advance(23 * HOUR);
    await ok(recordFeedback(t.ctx, { leadId: hot1.id, partnerId: a.id, userId: null, status: 'won', amount: 21_000, closeDate: '2026-11-30' })); // answers D4: A +1, won +10
    t.clock.advance(2 * HOUR); // 50 h after the reservations: cold1 (A) and hot2 (C) are 2 h late
    await ok(recordFeedback(t.ctx, { leadId: hot2.id, partnerId: c.id, userId: null, status: 'contacted' })); // late: C +0
    t.clock.advance(48 * HOUR); // cold1's deadline + grace passed: revoked, A -5
    expect(await tick(t.ctx)).toMatchObject({ revoked: 1 });
    expect(await tick(t.ctx)).toMatchObject({ revoked: 0 });
    const week = periodRange(t.ctx, '2026-W47');
    expect(week.ok).toBe(true);
    if (!week.ok) return;
    const board = await leaderboard(t.ctx, week.value);
    // A: reserve 1 + 3, feedback 1 + 1 + 0 + 1, won 10, revoked −5 = 12; B: 3 + 1 = 4; C: 1 + 0 (late) = 1.
    expect(board.map((r) => [r.externalId, r.points, r.rank])).toEqual([['P001', 12, 1], ['P002', 4, 2], ['P003', 1, 3]]);
    const nextWeek = periodRange(t.ctx, '2026-W48');
    expect(nextWeek.ok && (await leaderboard(t.ctx, nextWeek.value))).toEqual([]);
    expect((await t.store.partners.stats([a.id], t.clock.now(), 30)).get(a.id)?.points).toBe(12);
    const bad = periodRange(t.ctx, 'last-week');
    expect(!bad.ok && bad.error.code).toBe('POINTS.INVALID_PERIOD');
  });

  it('opportunity plan: validated, editable by the holder and channel managers only, carried as the opportunity description', async () => {
    t = await marketContext({}, '2026-11-16T09:00:00.000Z');
    const [a, b] = await seedPartners(t.store, 2, t.clock.now()) as [Partner, Partner];
    await t.store.users.upsert({ id: 'cm-1', email: 'cm@maker.test', name: 'Chris Manager', orgId: 'manufacturer', roles: ['channel_manager'], active: true, externalId: null });
    await t.store.users.upsert({ id: 'rep-b', email: 'rep@b.test', name: 'B Rep', orgId: b.id, roles: ['sales_rep'], active: true, externalId: null });
    const lead = await offerTo(t.store, await seedQualifiedLead(t.store, 'L1', 'warm', t.clock.now()), [a, b], t.clock.now(), new Date(t.clock.now().getTime() + 24 * HOUR));
    const plan = { opportunity: { description: 'Two hotels', budget: 180_000, urgency: 'high' }, milestones: [{ name: 'Site visit', date: '2026-12-03' }] };
    const early = await savePlan(t.ctx, { leadId: lead.id, editor: { partnerId: a.id }, plan });
    expect(!early.ok && early.error.code).toBe('PLAN.LEAD_NOT_RESERVED');
    await reserve(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null });
    const invalid = await savePlan(t.ctx, { leadId: lead.id, editor: { partnerId: a.id }, plan: { milestones: [{ name: 'x', date: 'soon' }] } });
    expect(!invalid.ok && invalid.error).toMatchObject({ code: 'PLAN.INVALID', meta: { problems: ['milestones.0.date: must be a date like 2026-12-31'] } });
    for (const editor of [{ partnerId: b.id }, { userId: 'rep-b' }, { userId: 'nobody' }]) {
      const r = await savePlan(t.ctx, { leadId: lead.id, editor, plan });
      expect(!r.ok && r.error.code).toBe('PLAN.NOT_ALLOWED');
    }
    expect(await savePlan(t.ctx, { leadId: lead.id, editor: { partnerId: a.id }, plan })).toMatchObject({ ok: true, value: { version: 1, updatedBy: `partner:${a.id}` } });
    expect(await savePlan(t.ctx, { leadId: lead.id, editor: { userId: 'cm-1' }, plan: { ...plan, competitors: [{ name: 'ThermoCorp', strategy: 'service' }] } }))
      .toMatchObject({ ok: true, value: { version: 2, updatedBy: 'cm-1' } });
    await recordFeedback(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null, status: 'meeting' });
    const due = await t.store.outbox.due(new Date(t.clock.now().getTime() + HOUR), 50);
    const opp = due.find((i) => i.key === `opportunity:${lead.id}`)?.writeBack;
    expect(opp?.target === 'opportunity' && opp.fields.description).toMatch(/OPPORTUNITY PLAN[\s\S]*Two hotels[\s\S]*ThermoCorp[\s\S]*our strategy: service/);
    expect((await t.store.events.listByLead(lead.id)).filter((e) => e.type === 'plan_updated')).toHaveLength(2);
  });

  it('lost reasons from the configured list', async () => {
    t = await marketContext({ feedback: { ...defaults.feedback, lostReasons: ['price', 'timing'] } }, '2026-11-16T09:00:00.000Z');
    const [a] = await seedPartners(t.store, 1, t.clock.now()) as [Partner];
    const lead = await offerTo(t.store, await seedQualifiedLead(t.store, 'L1', 'warm', t.clock.now()), [a], t.clock.now(), new Date(t.clock.now().getTime() + HOUR));
    await reserve(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null });
    const r = await recordFeedback(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null, status: 'lost', lostReason: 'weather' });
    expect(!r.ok && r.error).toMatchObject({ code: 'FEEDBACK.INVALID', message: 'The lost reason must be one of: price, timing.' });
    expect((await recordFeedback(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null, status: 'lost', lostReason: 'price' })).ok).toBe(true);
  });
});
