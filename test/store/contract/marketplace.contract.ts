import { describe, expect, it } from 'vitest';
import type { OpportunityPlan } from '../../../src/domain/opportunity-plan.ts';
import { opportunityPlanSchema } from '../../../src/domain/opportunity-plan.ts';
import { at, days, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

export function marketplaceContract(open: OpenStore): void {
  describe('marketplace', () => {
    const store = useStore(open);

    it('notices record once per (lead, deadline, kind) and name the revoked partners', async () => {
      const [p1, p2] = await seedPartners(store(), ['P1', 'P2']);
      const [lead] = await seedLeads(store(), ['L1']);
      if (p1 === undefined || p2 === undefined || lead === undefined) throw new Error('seed');
      const n = { leadId: lead.id, partnerId: p1.id, dueAt: at(60), kind: 'reminder' as const, at: at(30) };
      expect(await store().notices.record(n)).toBe(true);
      expect(await store().notices.record({ ...n, at: at(31) })).toBe(false);
      expect(await store().notices.record({ ...n, kind: 'revoked', at: at(200) })).toBe(true);
      expect(await store().notices.record({ ...n, partnerId: p2.id, dueAt: at(500), kind: 'revoked', at: at(600) })).toBe(true);
      expect(await store().notices.has(lead.id, at(60), 'reminder')).toBe(true);
      expect(await store().notices.has(lead.id, at(61), 'reminder')).toBe(false);
      expect((await store().notices.listByLead(lead.id)).map((x) => [x.kind, x.at])).toEqual([['reminder', at(30)], ['revoked', at(200)], ['revoked', at(600)]]);
      expect(await store().notices.revokedPartners(lead.id)).toEqual([p1.id, p2.id].sort());
    });

    it('away periods: add, list those not over, remove', async () => {
      const [p1, p2] = await seedPartners(store(), ['P1', 'P2']);
      if (p1 === undefined || p2 === undefined) throw new Error('seed');
      const a = await store().availability.add({ partnerId: p1.id, from: at(days(2)), to: at(days(9)), reason: 'holiday', createdAt: T0, createdBy: 'u1' });
      const b = await store().availability.add({ partnerId: p1.id, from: at(-days(5)), to: at(-days(1)), reason: null, createdAt: T0, createdBy: 'u1' });
      const c = await store().availability.add({ partnerId: p2.id, from: at(days(1)), to: at(days(3)), reason: null, createdAt: T0, createdBy: 'u2' });
      expect(a).toMatchObject({ partnerId: p1.id, from: at(days(2)), to: at(days(9)), reason: 'holiday', createdBy: 'u1' });
      expect((await store().availability.list([p1.id], T0)).map((x) => x.id)).toEqual([a.id]);
      expect((await store().availability.list([p1.id], at(-days(10)))).map((x) => x.id)).toEqual([b.id, a.id]);
      expect((await store().availability.list('all', T0)).map((x) => x.id)).toEqual([c.id, a.id]);
      expect(await store().availability.list([], T0)).toEqual([]);
      expect(await store().availability.remove(a.id)).toBe(true);
      expect(await store().availability.remove(a.id)).toBe(false);
    });

    it('points: a key books once; balances and entries over a half-open range', async () => {
      const [p1, p2] = await seedPartners(store(), ['P1', 'P2']);
      if (p1 === undefined || p2 === undefined) throw new Error('seed');
      const e = (partnerId: string, key: string, points: number, minute: number) => ({ partnerId, leadId: null, rule: 'reserve' as const, points, at: at(minute), key });
      expect(await store().points.add([e(p1.id, 'a', 3, 0), e(p1.id, 'b', -5, 10), e(p2.id, 'c', 1, 20), e(p2.id, 'a', 99, 30)])).toBe(3);
      expect(await store().points.add([e(p1.id, 'b', -5, 10)])).toBe(0);
      expect(await store().points.balances({})).toEqual([{ partnerId: p2.id, points: 1, entries: 1 }, { partnerId: p1.id, points: -2, entries: 2 }]);
      expect(await store().points.balances({ from: at(0), to: at(10) })).toEqual([{ partnerId: p1.id, points: 3, entries: 1 }]);
      expect((await store().points.entries({ partnerId: p1.id })).map((x) => [x.key, x.points, x.at])).toEqual([['a', 3, at(0)], ['b', -5, at(10)]]);
      expect((await store().partners.stats([p1.id, p2.id], T0, 30)).get(p1.id)?.points).toBe(-2);
    });

    it('plans: versioned puts, the same version twice loses', async () => {
      const [lead] = await seedLeads(store(), ['L1']);
      if (lead === undefined) throw new Error('seed');
      const plan: OpportunityPlan = opportunityPlanSchema.parse({ opportunity: { description: 'two hotels' } });
      expect(await store().plans.get(lead.id)).toBeNull();
      expect(await store().plans.put({ leadId: lead.id, plan, version: 1, updatedAt: T0, updatedBy: 'partner:P1' })).toBe(true);
      expect(await store().plans.put({ leadId: lead.id, plan, version: 1, updatedAt: T0, updatedBy: 'u2' })).toBe(false);
      expect(await store().plans.put({ leadId: lead.id, plan: { ...plan, milestones: [{ name: 'visit', date: '2026-12-01', done: false }] }, version: 2, updatedAt: at(5), updatedBy: 'u2' })).toBe(true);
      expect(await store().plans.put({ leadId: lead.id, plan, version: 2, updatedAt: at(6), updatedBy: 'u3' })).toBe(false);
      expect(await store().plans.get(lead.id)).toMatchObject({ version: 2, updatedAt: at(5), updatedBy: 'u2', plan: { milestones: [{ name: 'visit' }] } });
    });
  });
}
