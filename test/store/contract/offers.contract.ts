import { describe, expect, it } from 'vitest';
import type { Feedback, LeadEvent } from '../../../src/domain/offer.ts';
import type { NewOffer } from '../../../src/domain/ports.ts';
import type { User } from '../../../src/domain/partner.ts';
import { at, idGen, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

const newOffer = (leadId: string, partnerId: string, over: Partial<NewOffer> = {}): NewOffer => ({
  leadId, partnerId, wave: 1, score: 0.75, rank: 1, offeredAt: T0, expiresAt: at(60), explanation: { distance: 0.5, products: 0.25 }, ...over,
});

export function offersContract(open: OpenStore): void {
  describe('offers', () => {
    const store = useStore(open);

    it('createMany is idempotent per (lead, partner) and returns only the created offers', async () => {
      const [p1, p2, p3] = await seedPartners(store(), ['P1', 'P2', 'P3']);
      const [lead] = await seedLeads(store(), ['L1']);
      if (p1 === undefined || p2 === undefined || p3 === undefined || lead === undefined) throw new Error('seed');
      const first = await store().offers.createMany([newOffer(lead.id, p1.id), newOffer(lead.id, p2.id, { rank: 2, score: 0.5 })], idGen('O'));
      expect(first).toEqual([
        { id: 'O00001', leadId: lead.id, partnerId: p1.id, wave: 1, status: 'open', score: 0.75, rank: 1, offeredAt: T0, expiresAt: at(60), closedAt: null, declineReason: null },
        { id: 'O00002', leadId: lead.id, partnerId: p2.id, wave: 1, status: 'open', score: 0.5, rank: 2, offeredAt: T0, expiresAt: at(60), closedAt: null, declineReason: null },
      ]);
      // Re-run of the wave plus one new partner (and a duplicate inside the batch): only P3 is new.
      const again = await store().offers.createMany(
        [newOffer(lead.id, p1.id, { wave: 2 }), newOffer(lead.id, p3.id, { wave: 2 }), newOffer(lead.id, p3.id, { wave: 3 })], idGen('Q'));
      expect(again.map((o) => [o.partnerId, o.wave])).toEqual([[p3.id, 2]]);
      expect((await store().offers.listByLead(lead.id)).map((o) => [o.partnerId, o.wave])).toEqual([[p1.id, 1], [p2.id, 1], [p3.id, 2]]);
      expect(await store().offers.get('O00001')).toEqual(first[0]);
      expect(await store().offers.get('nope')).toBeNull();
      expect(await store().offers.explanation('O00001')).toEqual({ distance: 0.5, products: 0.25 });
      expect(await store().offers.explanation('nope')).toBeNull();
      expect(await store().offers.createMany([], idGen('Z'))).toEqual([]);
    });

    it('listOpenForPartners returns open offers of the given partners only, newest first', async () => {
      const [p1, p2, p3] = await seedPartners(store(), ['P1', 'P2', 'P3']);
      const [l1, l2, l3] = await seedLeads(store(), ['L1', 'L2', 'L3']);
      if (p1 === undefined || p2 === undefined || p3 === undefined || l1 === undefined || l2 === undefined || l3 === undefined) throw new Error('seed');
      await store().offers.createMany([
        newOffer(l1.id, p1.id, { offeredAt: at(1) }), newOffer(l2.id, p1.id, { offeredAt: at(3) }), newOffer(l3.id, p1.id, { offeredAt: at(2) }),
        newOffer(l1.id, p2.id, { offeredAt: at(4) }), newOffer(l2.id, p3.id, { offeredAt: at(5) }),
      ], idGen('O'));
      await store().offers.decline(l3.id, p1.id, 'no capacity', at(6));
      const list = async (ids: string[], limit: number) => (await store().offers.listOpenForPartners(ids, limit)).map((o) => [o.partnerId, o.leadId]);
      expect(await list([p1.id], 10)).toEqual([[p1.id, l2.id], [p1.id, l1.id]]);
      expect(await list([p1.id, p2.id], 10)).toEqual([[p2.id, l1.id], [p1.id, l2.id], [p1.id, l1.id]]);
      expect(await list([p1.id, p2.id], 2)).toEqual([[p2.id, l1.id], [p1.id, l2.id]]);
      expect(await list([], 10)).toEqual([]);
    });

    it('closeForLead closes every open offer in one go: the winner reserved, the rest as asked', async () => {
      const [p1, p2, p3] = await seedPartners(store(), ['P1', 'P2', 'P3']);
      const [lead, other] = await seedLeads(store(), ['L1', 'L2']);
      if (p1 === undefined || p2 === undefined || p3 === undefined || lead === undefined || other === undefined) throw new Error('seed');
      await store().offers.createMany([newOffer(lead.id, p1.id), newOffer(lead.id, p2.id), newOffer(lead.id, p3.id), newOffer(other.id, p1.id)], idGen('O'));
      expect(await store().offers.decline(lead.id, p3.id, 'too far', at(5))).toBe(true);
      expect(await store().offers.decline(lead.id, p3.id, 'again', at(6))).toBe(false);
      expect(await store().offers.closeForLead(lead.id, 'taken', at(10), p2.id)).toBe(2);
      expect((await store().offers.listByLead(lead.id)).map((o) => [o.partnerId, o.status, o.closedAt, o.declineReason])).toEqual([
        [p1.id, 'taken', at(10), null], [p2.id, 'reserved', at(10), null], [p3.id, 'declined', at(5), 'too far'],
      ]);
      expect(await store().offers.closeForLead(lead.id, 'taken', at(11), p1.id)).toBe(0);
      expect(await store().offers.decline(lead.id, p1.id, 'late', at(12))).toBe(false);
      expect((await store().offers.listByLead(other.id))[0]?.status).toBe('open');
      expect(await store().offers.closeForLead(other.id, 'withdrawn', at(13))).toBe(1);
      expect((await store().offers.listByLead(other.id))[0]?.status).toBe('withdrawn');
      expect(await store().offers.countByStatus()).toEqual({ taken: 1, reserved: 1, declined: 1, withdrawn: 1 });
    });

    it('a late reservation of an expired wave claims the winner\'s expired offer', async () => {
      const [p1, p2] = await seedPartners(store(), ['P1', 'P2']);
      const [lead] = await seedLeads(store(), ['L1']);
      if (p1 === undefined || p2 === undefined || lead === undefined) throw new Error('seed');
      await store().offers.createMany([newOffer(lead.id, p1.id), newOffer(lead.id, p2.id)], idGen('O'));
      expect(await store().offers.closeForLead(lead.id, 'expired', at(61))).toBe(2);
      expect(await store().offers.closeForLead(lead.id, 'taken', at(90), p2.id)).toBe(1);
      expect((await store().offers.listByLead(lead.id)).map((o) => o.status)).toEqual(['expired', 'reserved']);
    });

    it('listExpiring returns open offers whose deadline passed, earliest first', async () => {
      const [p1, p2, p3] = await seedPartners(store(), ['P1', 'P2', 'P3']);
      const [lead] = await seedLeads(store(), ['L1']);
      if (p1 === undefined || p2 === undefined || p3 === undefined || lead === undefined) throw new Error('seed');
      await store().offers.createMany([
        newOffer(lead.id, p1.id, { expiresAt: at(30) }), newOffer(lead.id, p2.id, { expiresAt: at(10) }), newOffer(lead.id, p3.id, { expiresAt: at(90) }),
      ], idGen('O'));
      await store().offers.decline(lead.id, p2.id, 'no', at(5));
      expect((await store().offers.listExpiring(at(30), 10)).map((o) => o.partnerId)).toEqual([p1.id]);
      expect((await store().offers.listExpiring(at(100), 10)).map((o) => o.partnerId)).toEqual([p1.id, p3.id]);
      expect((await store().offers.listExpiring(at(100), 1)).map((o) => o.partnerId)).toEqual([p1.id]);
      expect(await store().offers.listExpiring(at(29), 10)).toEqual([]);
    });
  });

  describe('feedback, events, users', () => {
    const store = useStore(open);

    it('feedback: listByLead in time order, last is the latest (ties: recorded last)', async () => {
      const [p1] = await seedPartners(store(), ['P1']);
      const [lead] = await seedLeads(store(), ['L1']);
      if (p1 === undefined || lead === undefined) throw new Error('seed');
      const fb = (id: string, status: Feedback['status'], t: Date, over: Partial<Feedback> = {}): Feedback => ({
        id, leadId: lead.id, partnerId: p1.id, userId: 'u1', status, amount: null, closeDate: null, lostReason: null, comment: null, at: t, ...over,
      });
      expect(await store().feedback.last(lead.id)).toBeNull();
      const won = fb('f3', 'won', at(30), { amount: 12500.5, closeDate: '2025-04-01', comment: 'signed' });
      await store().feedback.add(fb('f2', 'meeting', at(20)));
      await store().feedback.add(fb('f1', 'contacted', at(10), { userId: null }));
      await store().feedback.add(won);
      await store().feedback.add(fb('f4', 'not_reachable', at(30), { lostReason: 'n/a' }));
      expect((await store().feedback.listByLead(lead.id)).map((f) => f.id)).toEqual(['f1', 'f2', 'f3', 'f4']);
      expect((await store().feedback.listByLead(lead.id))[2]).toEqual(won);
      expect((await store().feedback.last(lead.id))?.id).toBe('f4');
      await expect(store().feedback.add(fb('f1', 'won', at(40)))).rejects.toThrow();
    });

    it('events: appended in order, data round trip', async () => {
      const [lead, other] = await seedLeads(store(), ['L1', 'L2']);
      if (lead === undefined || other === undefined) throw new Error('seed');
      const events: LeadEvent[] = [
        { leadId: lead.id, at: T0, type: 'received', actor: 'crm', partnerId: null, data: {} },
        { leadId: lead.id, at: at(1), type: 'qualified', actor: 'system', partnerId: null, data: { rules: ['country'], score: 3 } },
        { leadId: other.id, at: at(1), type: 'received', actor: 'crm', partnerId: null, data: {} },
        { leadId: lead.id, at: at(2), type: 'reserved', actor: 'partner:P1', partnerId: 'P1', data: { offerId: 'O1', nested: { a: null } } },
      ];
      await store().events.append(events);
      await store().events.append([]);
      expect(await store().events.listByLead(lead.id)).toEqual([events[0], events[1], events[3]]);
      expect(await store().events.listByLead(other.id)).toEqual([events[2]]);
    });

    it('users: upsert by id, lookup by email ignoring case, list by organisation', async () => {
      const ann: User = { id: 'u1', email: 'Ann@Partner.test', name: 'Ann', orgId: 'P1', roles: ['partner_manager', 'sales_rep'], active: true, externalId: '005A' };
      const bob: User = { id: 'u2', email: 'bob@partner.test', name: null, orgId: 'P1', roles: ['sales_rep'], active: false, externalId: null };
      await store().users.upsert(ann);
      await store().users.upsert(bob);
      await store().users.upsert({ id: 'u3', email: 'cm@maker.test', name: 'CM', orgId: 'manufacturer', roles: ['channel_manager'], active: true, externalId: null });
      expect(await store().users.get('u1')).toEqual(ann);
      expect(await store().users.getByEmail('ann@partner.TEST')).toEqual(ann);
      expect(await store().users.getByEmail('nobody@x.test')).toBeNull();
      expect((await store().users.listByOrg('P1')).map((u) => u.id)).toEqual(['u1', 'u2']);
      const renamed = { ...ann, name: 'Ann B.', roles: ['admin' as const], active: false };
      await store().users.upsert(renamed);
      expect(await store().users.get('u1')).toEqual(renamed);
      await expect(store().users.upsert({ ...bob, id: 'u9', email: 'BOB@partner.test' })).rejects.toThrow();
    });
  });
}
