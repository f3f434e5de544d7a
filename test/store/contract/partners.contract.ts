import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../src/domain/lead.ts';
import { emptyStats } from '../../../src/domain/partner.ts';
import type { Partner } from '../../../src/domain/partner.ts';
import type { Store } from '../../../src/domain/ports.ts';
import { at, bump, days, idGen, incomingPartner, partnerData, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

async function byExt(store: Store, ext: string): Promise<Partner> {
  const p = await store.partners.getByExternalId(ext);
  if (p === null) throw new Error(`no partner ${ext}`);
  return p;
}

export function partnersContract(open: OpenStore): void {
  describe('partners', () => {
    const store = useStore(open);

    it('upsertMany counts created / changed / unchanged and stores the data', async () => {
      const first = await store().partners.upsertMany(
        [incomingPartner('D1', { kind: 'distributor', level: 'gold' }), incomingPartner('R1', { active: false })], T0, idGen('P'));
      expect(first).toEqual({ created: 2, changed: 0, unchanged: 0 });
      const d1 = await byExt(store(), 'D1');
      expect(d1).toEqual({
        id: 'P00001', crm: 'salesforce', externalId: 'D1', parentId: null, contentHash: 'p-D1', createdAt: T0, updatedAt: T0,
        data: partnerData({ name: 'Partner D1', kind: 'distributor', level: 'gold' }),
      });
      expect(await store().partners.get('P00001')).toEqual(d1);
      expect(await store().partners.get('nope')).toBeNull();

      const second = await store().partners.upsertMany(
        [incomingPartner('D1', { kind: 'distributor', level: 'gold' }), incomingPartner('R1', { active: true }, 'p-R1-v2'), incomingPartner('R2')],
        at(5), idGen('Q'));
      expect(second).toEqual({ created: 1, changed: 1, unchanged: 1 });
      const r1 = await byExt(store(), 'R1');
      expect([r1.id, r1.data.active, r1.contentHash, r1.createdAt, r1.updatedAt]).toEqual(['P00002', true, 'p-R1-v2', T0, at(5)]);
      expect((await store().partners.list()).map((p) => p.externalId)).toEqual(['D1', 'R1', 'R2']);
    });

    it('listActive leaves inactive partners out', async () => {
      await store().partners.upsertMany([incomingPartner('A'), incomingPartner('B', { active: false })], T0, idGen('P'));
      expect((await store().partners.listActive()).map((p) => p.externalId)).toEqual(['A']);
    });

    it('resolves parents that arrive after their children, in the same batch or a later call', async () => {
      await store().partners.upsertMany(
        [incomingPartner('R1', { parentExternalId: 'D1' }), incomingPartner('R2', { parentExternalId: 'D2' }), incomingPartner('D1')],
        T0, idGen('P'));
      const d1 = await byExt(store(), 'D1');
      expect((await byExt(store(), 'R1')).parentId).toBe(d1.id);
      expect((await byExt(store(), 'R2')).parentId).toBeNull(); // D2 not seen yet

      // A later call with only the parent resolves the waiting child.
      await store().partners.upsertMany([incomingPartner('D2', { kind: 'distributor' })], at(1), idGen('Q'));
      const d2 = await byExt(store(), 'D2');
      expect((await byExt(store(), 'R2')).parentId).toBe(d2.id);

      // Moving to another distributor, then leaving the tree.
      await store().partners.upsertMany([incomingPartner('R1', { parentExternalId: 'D2' }, 'moved')], at(2), idGen('X'));
      expect((await byExt(store(), 'R1')).parentId).toBe(d2.id);
      await store().partners.upsertMany([incomingPartner('R1', { parentExternalId: null }, 'orphan')], at(3), idGen('X'));
      expect((await byExt(store(), 'R1')).parentId).toBeNull();
    });

    it('descendants walks the whole subtree, and survives a cycle in bad data', async () => {
      await store().partners.upsertMany([
        incomingPartner('D1'), incomingPartner('R1', { parentExternalId: 'D1' }), incomingPartner('R2', { parentExternalId: 'D1' }),
        incomingPartner('R3', { parentExternalId: 'R1' }), incomingPartner('X', { parentExternalId: 'D9' }),
      ], T0, idGen('P'));
      const ext = async (e: string) => (await store().partners.descendants((await byExt(store(), e)).id)).map((p) => p.externalId).sort();
      expect(await ext('D1')).toEqual(['R1', 'R2', 'R3']);
      expect(await ext('R1')).toEqual(['R3']);
      expect(await ext('R3')).toEqual([]);
      await store().partners.upsertMany([incomingPartner('D1', { parentExternalId: 'R3' }, 'cycle')], at(1), idGen('Q'));
      expect(await ext('D1')).toEqual(['R1', 'R2', 'R3']);
    });

    it('stats: hand-computed figures for a small history', async () => {
      const s = store();
      const [p1, p2, p3] = await seedPartners(s, ['P1', 'P2', 'P3']);
      if (p1 === undefined || p2 === undefined || p3 === undefined) throw new Error('seed');
      const leads = await seedLeads(s, ['L1', 'L2', 'L3', 'L4', 'L5', 'L6']);
      const [l1, l2, l3, l4, l5, l6] = leads as [Lead, Lead, Lead, Lead, Lead, Lead];
      const now = at(days(10));
      const offer = (lead: Lead, partner: Partner, offeredAt: Date) => ({
        leadId: lead.id, partnerId: partner.id, wave: 1, score: 1, rank: 1, offeredAt, expiresAt: at(days(30)), explanation: {},
      });
      await s.offers.createMany([
        offer(l1, p1, T0), offer(l1, p2, T0), offer(l2, p1, at(60)), offer(l3, p1, at(120)), offer(l3, p2, at(120)),
        offer(l4, p2, at(days(9))), offer(l6, p2, T0),
      ], idGen('O'));
      // L1: P1 reserves after 30 min, feedback overdue now. L2: P1 after 10 min, won. L3: P2 declines, P1 after 20 min, lost.
      await s.offers.closeForLead(l1.id, 'taken', at(30), p1.id);
      await s.leads.save(bump(l1, { status: 'reserved', partnerId: p1.id, reservedAt: at(30), feedbackDueAt: at(days(3)) }, at(30)));
      await s.offers.closeForLead(l2.id, 'taken', at(70), p1.id);
      await s.leads.save(bump(l2, { status: 'won', partnerId: p1.id, reservedAt: at(70) }, at(70)));
      await s.offers.decline(l3.id, p2.id, 'too far', at(125));
      await s.offers.closeForLead(l3.id, 'taken', at(140), p1.id);
      await s.leads.save(bump(l3, { status: 'lost', partnerId: p1.id, reservedAt: at(140) }, at(140)));
      // L5: assigned to P2 without an offer, feedback due later. L6: P2 reserved after 90 min, then revoked.
      await s.leads.save(bump(l5, { status: 'contacted', partnerId: p2.id, feedbackDueAt: at(days(12)) }, at(1)));
      await s.offers.closeForLead(l6.id, 'taken', at(90), p2.id);
      await s.leads.save(bump(l6, { status: 'qualified', partnerId: null }, at(days(5))));

      const stats = await s.partners.stats('all', now, 7);
      expect([...stats.keys()].sort()).toEqual([p1.id, p2.id, p3.id].sort());
      expect(stats.get(p1.id)).toEqual({
        partnerId: p1.id, offered: 3, reserved: 3, won: 1, lost: 1, declined: 0, open: 1, recentOffers: 0,
        medianMinutesToReserve: 20, overdue: 1,
      });
      expect(stats.get(p2.id)).toEqual({
        partnerId: p2.id, offered: 4, reserved: 2, won: 0, lost: 0, declined: 1, open: 1, recentOffers: 1,
        medianMinutesToReserve: 90, overdue: 0,
      });
      expect(stats.get(p3.id)).toEqual(emptyStats(p3.id));

      const some = await s.partners.stats([p2.id, 'unknown'], now, 7);
      expect([...some.keys()]).toEqual([p2.id, 'unknown']);
      expect(some.get(p2.id)).toEqual(stats.get(p2.id));
      expect(some.get('unknown')).toEqual(emptyStats('unknown'));
      expect((await s.partners.stats([p1.id], now, 11)).get(p1.id)?.recentOffers).toBe(3);
      expect((await s.partners.stats([], now, 7)).size).toBe(0);
      // An even count takes the mean of the middle two: P1 (10, 20, 30) plus a 60-minute one.
      const [l7] = await seedLeads(s, ['L7']);
      if (l7 === undefined) throw new Error('seed');
      await s.offers.createMany([offer(l7, p1, at(200))], idGen('O2-'));
      await s.offers.closeForLead(l7.id, 'taken', at(260), p1.id);
      expect((await s.partners.stats([p1.id], now, 7)).get(p1.id)?.medianMinutesToReserve).toBe(25);
    });
  });
}
