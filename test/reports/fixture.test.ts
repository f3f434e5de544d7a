// The report engine against a hand-checked fixture (test/reports/fixture.ts describes the story). Every expected
// figure below is computed by hand from that story; the comment beside each says how.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, readReportFacts } from '../../src/reports/report.ts';
import { parsePeriod } from '../../src/reports/period.ts';
import type { Fixture } from './fixture.ts';
import { AS_OF, seedReportFixture } from './fixture.ts';

let f: Fixture;
beforeAll(async () => {
  f = await seedReportFixture();
}, 30_000);
afterAll(async () => {
  await f.t.close();
});

const report = (period: string, slice: Parameters<typeof buildReport>[1]['slice'] = { kind: 'all' }) =>
  buildReport(f.t.store, { period: parsePeriod(period, AS_OF), slice, asOf: AS_OF });

describe('report fixture, whole channel', () => {
  it('the tick re-offered the revoked lead to A and C and escalated L5 (the story the figures rest on)', async () => {
    const l4 = await f.t.store.offers.listByLead(f.lead(4));
    expect(l4.map((o) => [o.partnerId, o.status, o.offeredAt.toISOString()]).sort()).toEqual([
      [f.A.id, 'reserved', '2026-11-20T21:00:00.000Z'], [f.B.id, 'reserved', '2026-11-16T09:00:00.000Z'], [f.C.id, 'taken', '2026-11-20T21:00:00.000Z'],
    ].sort());
    expect((await f.t.store.leads.get(f.lead(5)))?.status).toBe('expired');
  });

  it('W47: counts, time to reserve, CR, ADT, ADS, pipeline, compliance, points', async () => {
    const r = await report('2026-W47');
    expect(r.period).toMatchObject({ label: '2026-W47', from: new Date('2026-11-16T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') });
    expect(r.kpis).toEqual({
      offered: 8, // L2 x3, L3, L4, L5, L4 re-offer x2 (A, C)
      declined: 1, // C on L2
      expired: 1, // C's L5 offer, closed by the tick on 11-20
      reserved: 4, // L2 (B), L3 (A), L4 (B), L6 (C, assigned)
      assigned: 1,
      revoked: 1, // L4 (B)
      won: 1, // L2; L1 is won in W48
      lost: 1, // L3
      returned: 1, // L3 after its loss
      open: 2, // at 11-23 00:00: L1 (A, from W46, proposal) and L6 (C, contacted); L4 was revoked
      timeToReserve: { samples: 3, medianHours: 12, p90Hours: 24 }, // 6 h, 12 h, 24 h; L6 was assigned
      feedbackDue: 6, // L2 meeting, L2 won, L3 lost, L1 proposal, L6 contacted + the L4 revocation (L3 returned had no deadline)
      feedbackOnTime: 4, // all but L6 (due 11-21 12:00, given 11-22 12:00) and the revocation
      feedbackCompliance: 4 / 6,
      overdueNow: 1, // L4, held by A, due 11-25 10:00 < as-of 11-27 12:00
      reservedWon: 1, // L2
      conversionRate: 0.25, // 1 of the 4 reservations of W47
      averageDealDays: 2.75, // L2: 11-16 15:00 -> 11-19 09:00 = 2 d 18 h
      averageDealSizeCents: 500_000,
      wonAmountCents: 500_000,
      pipelineCents: { reserved: 0, contacted: 3_000_000, meeting: 0, proposal: 1_234_567 }, // L6 budget 30,000.00; L1 proposal 12,345.67
      lostReasons: { price: 1 },
      pointsEarned: 15, // A: reserve L3 2 + on time 1 + 1 = 4; B: reserve 2 + 2, on time 1 + 1, won 10, revoked -5 = 11; C: 0
      escalated: 1, // L5
      activity: 10, // 4 reservations + 6 feedback reports
    });
  });

  it('W46 is the previous period; its CR counts L1 won later in W48', async () => {
    const r = await report('2026-W47');
    expect(r.previousPeriod.label).toBe('2026-W46');
    expect(r.previous).toMatchObject({
      offered: 3, declined: 1, reserved: 1, won: 0, reservedWon: 1, conversionRate: 1, averageDealDays: null, averageDealSizeCents: null,
      timeToReserve: { samples: 1, medianHours: 24, p90Hours: 24 }, feedbackDue: 1, feedbackOnTime: 1, feedbackCompliance: 1,
      open: 1, pipelineCents: { reserved: 0, contacted: 3_000_000, meeting: 0, proposal: 0 }, pointsEarned: 3,
    });
  });

  it('W48: the win of a lead reserved in W46 counts here, with its deal time and size', async () => {
    const r = await report('2026-W48');
    expect(r.kpis).toMatchObject({
      won: 1, wonAmountCents: 1_234_567, averageDealSizeCents: 1_234_567,
      averageDealDays: 14.25, // 11-10 09:00 -> 11-24 15:00 = 14 d 6 h
      reserved: 1, reservedWon: 0, conversionRate: 0, // L4 by A, not won (yet)
      timeToReserve: { samples: 1, medianHours: 61, p90Hours: 61 }, // re-offer 11-20 21:00 -> 11-23 10:00
      open: 2, // at the as-of time: L4 (A) and L6 (C); L1 was won
    });
    expect(r.kpis.averageDealDays! * 24).toBe(342);
  });

  it('partner rows, quadrant, blocked partners, escalations without a taker, trend', async () => {
    const r = await report('2026-W47');
    const row = (id: string) => r.partners.find((p) => p.partnerId === id)!;
    expect(r.partners.map((p) => p.partnerName)).toEqual(['Alpha Heat', 'Beta Distribution', 'Gamma Install']);
    expect(row(f.A.id).kpis).toMatchObject({ offered: 3, reserved: 1, won: 0, lost: 1, returned: 1, conversionRate: 0, open: 1, activity: 4, pointsEarned: 4, feedbackCompliance: 1 });
    expect(row(f.B.id).kpis).toMatchObject({
      offered: 2, reserved: 2, won: 1, revoked: 1, conversionRate: 0.5, averageDealDays: 2.75, activity: 4, pointsEarned: 11,
      timeToReserve: { samples: 2, medianHours: 9, p90Hours: 12 }, feedbackDue: 3, feedbackOnTime: 2,
    });
    // C: no won deals at all.
    expect(row(f.C.id).kpis).toMatchObject({
      offered: 3, declined: 1, expired: 1, reserved: 1, assigned: 1, won: 0, conversionRate: 0, averageDealDays: null, averageDealSizeCents: null,
      wonAmountCents: 0, feedbackCompliance: 0, activity: 2, pipelineCents: { reserved: 0, contacted: 3_000_000, meeting: 0, proposal: 0 },
    });
    // Medians over A (4, 0), B (4, 0.5), C (2, 0): activity 4, CR 0. Busy = at or above 4; strong = above 0.
    expect(r.quadrantSplit).toEqual({ activity: 4, conversionRate: 0 });
    expect(r.partners.map((p) => [p.partnerName, p.quadrant, p.blocked])).toEqual([
      ['Alpha Heat', 'busy_weak', true], ['Beta Distribution', 'busy_strong', false], ['Gamma Install', 'quiet_weak', false],
    ]);
    expect(row(f.A.id).overdueLeadIds).toEqual([f.lead(4)]);
    // Row counts add up to the total (every counted fact has one partner).
    for (const k of ['offered', 'declined', 'expired', 'reserved', 'won', 'lost', 'returned', 'revoked', 'open', 'pointsEarned', 'activity'] as const) {
      expect(r.partners.reduce((s, p) => s + p.kpis[k], 0)).toBe(r.kpis[k]);
    }
    expect(r.escalatedWithoutTaker).toEqual([{ leadId: f.lead(5), company: 'Company L5', since: new Date('2026-11-20T21:00:00Z') }]);
    expect(r.trend.map((w) => w.label)).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47']);
    expect(r.trend.slice(-2).map((w) => [w.offered, w.reserved, w.won, w.conversionRate, w.wonAmountCents])).toEqual([[3, 1, 0, 1, 0], [8, 4, 1, 0.25, 500_000]]);
    expect(r.trend.slice(0, 6).every((w) => w.offered === 0 && w.reserved === 0 && w.conversionRate === null)).toBe(true);
  });
});

describe('report fixture, reading window', () => {
  // With one trend week the store reads from the previous period's start only (W47 for W48): L1's reservation
  // (W46) and its first feedback come from the history read for leads received before the window. The
  // figures must not depend on how far back the store reads.
  it.each(['2026-W47', '2026-W48'])('%s: a narrow window gives the same KPIs and rows as a wide one', async (label) => {
    for (const slice of [{ kind: 'all' }, { kind: 'partner', id: 'P001' }, { kind: 'organisation', id: 'P002' }] as const) {
      const period = parsePeriod(label, AS_OF);
      const wide = await buildReport(f.t.store, { period, slice, asOf: AS_OF });
      const narrow = await buildReport(f.t.store, { period, slice, asOf: AS_OF, trendWeeks: 1 });
      expect(narrow.kpis).toEqual(wide.kpis);
      expect(narrow.previous).toEqual(wide.previous);
      expect(narrow.partners).toEqual(wide.partners);
    }
    // Facts read once for the channel give every slice the same report as its own read.
    const period = parsePeriod(label, AS_OF);
    const facts = await readReportFacts(f.t.store, { period, asOf: AS_OF });
    for (const slice of [{ kind: 'all' }, { kind: 'partner', id: 'P003' }, { kind: 'organisation', id: 'P002' }, { kind: 'temperature', value: 'warm' }] as const) {
      expect(await buildReport(f.t.store, { period, slice, asOf: AS_OF, facts })).toEqual(await buildReport(f.t.store, { period, slice, asOf: AS_OF }));
    }
    const w48 = await buildReport(f.t.store, { period: parsePeriod('2026-W48', AS_OF), slice: { kind: 'partner', id: 'P001' }, asOf: AS_OF, trendWeeks: 1 });
    expect(w48.kpis).toMatchObject({ won: 1, averageDealDays: 14.25, wonAmountCents: 1_234_567 });
  });
});

describe('report fixture, slices', () => {
  it('partner C (by CRM id): no won deals; the escalated L5 was offered to C', async () => {
    const r = await report('2026-W47', { kind: 'partner', id: 'P003' });
    expect(r.slice).toEqual({ kind: 'partner', id: f.C.id });
    expect(r.sliceLabel).toBe('Partner Gamma Install');
    expect(r.partners.map((p) => p.partnerId)).toEqual([f.C.id]);
    expect(r.kpis).toMatchObject({ offered: 3, reserved: 1, won: 0, conversionRate: 0, averageDealDays: null, averageDealSizeCents: null, escalated: 1, overdueNow: 0 });
    expect(r.escalatedWithoutTaker.map((e) => e.leadId)).toEqual([f.lead(5)]);
  });

  it('organisation B = B + its reseller C', async () => {
    const r = await report('2026-W47', { kind: 'organisation', id: f.B.id });
    expect(r.partners.map((p) => p.partnerName)).toEqual(['Beta Distribution', 'Gamma Install']);
    expect(r.kpis).toMatchObject({ offered: 5, reserved: 3, won: 1, reservedWon: 1, pointsEarned: 11, revoked: 1 });
    expect(r.kpis.conversionRate).toBeCloseTo(1 / 3, 12);
  });

  it('attribute slices: every lead is warm; none is hot', async () => {
    const all = await report('2026-W47');
    const warm = await report('2026-W47', { kind: 'temperature', value: 'warm' });
    expect(warm.kpis).toEqual(all.kpis);
    const hot = await report('2026-W47', { kind: 'temperature', value: 'hot' });
    expect(hot.kpis).toMatchObject({ offered: 0, reserved: 0, won: 0, conversionRate: null, averageDealDays: null, feedbackCompliance: null, open: 0, pointsEarned: 0 });
    expect(hot.partners).toEqual([]);
  });

  it('portfolio (by email): the partners the manager looks after, as on the web; a non-manager is refused', async () => {
    await f.t.store.users.upsert({ id: 'user-cm', email: 'Cm@Maker.test', name: 'Carla Manager', orgId: 'manufacturer', roles: ['channel_manager'], active: true, externalId: null });
    await f.t.store.identity.setScopes('user-cm', [{ kind: 'partner', value: f.B.id }]);
    const r = await report('2026-W47', { kind: 'portfolio', userId: 'cm@maker.test' });
    expect(r.slice).toEqual({ kind: 'portfolio', userId: 'user-cm' });
    expect(r.sliceLabel).toBe('Portfolio of Carla Manager');
    expect(r.partners.map((p) => p.partnerName)).toEqual(['Beta Distribution', 'Gamma Install']);
    const org = await report('2026-W47', { kind: 'organisation', id: f.B.id });
    expect(r.kpis).toEqual(org.kpis);
    await f.t.store.users.upsert({ id: 'user-rep', email: 'rep@alpha.test', name: null, orgId: f.A.id, roles: ['sales_rep'], active: true, externalId: null });
    await expect(report('2026-W47', { kind: 'portfolio', userId: 'user-rep' })).rejects.toThrow('--slice portfolio:user-rep: rep@alpha.test is not a channel manager (roles: sales_rep)');
  });

  it('unknown partner is a clear error', async () => {
    await expect(report('2026-W47', { kind: 'partner', id: 'P999' })).rejects.toThrow('--slice partner:P999: no partner with this id or CRM id');
  });
});
