import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../src/domain/lead.ts';
import { at, bump, days, idGen, incoming, leadData, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

export function leadsContract(open: OpenStore): void {
  describe('leads', () => {
    const store = useStore(open);

    it('duplicate keys: indexed once, found within the window, most recent first', async () => {
      const [a] = await seedLeads(store(), ['K1'], T0);
      const [b] = await seedLeads(store(), ['K2'], at(days(10)));
      const [c] = await seedLeads(store(), ['K3'], at(days(20)));
      await store().leads.indexKeys(a!.id, ['h:email', 'h:phone'], T0);
      await store().leads.indexKeys(a!.id, ['h:email'], T0);
      await store().leads.indexKeys(b!.id, ['h:phone'], at(days(10)));
      await store().leads.indexKeys(c!.id, ['h:other'], at(days(20)));
      expect((await store().leads.findByKeys(['h:phone', 'h:email'], T0)).map((l) => l.id)).toEqual([b!.id, a!.id]);
      expect((await store().leads.findByKeys(['h:phone'], at(days(5)))).map((l) => l.id)).toEqual([b!.id]);
      expect(await store().leads.findByKeys(['h:none'], T0)).toEqual([]);
      expect(await store().leads.findByKeys([], T0)).toEqual([]);
    });

    it('upsertIncoming creates new leads as status new, version 1, and reads them back exactly', async () => {
      const hot = incoming('00Q1', { data: leadData({ temperature: 'hot', company: 'Hot AG' }), crmStamp: 'S1' });
      const out = await store().leads.upsertIncoming([hot, incoming('00Q2')], T0, idGen('L'));
      expect(out.map((o) => o.kind)).toEqual(['created', 'created']);
      const expected: Lead = {
        id: 'L00001', crm: 'salesforce', externalId: '00Q1', data: hot.data, contentHash: 'hash-00Q1', status: 'new',
        statusChangedAt: T0, temperature: 'hot', qualification: null, wave: 0, partnerId: null, reservedAt: null,
        reservedByUserId: null, feedbackDueAt: null, lastFeedbackAt: null, crmStamp: 'S1', crmConverted: false,
        crmOpportunityId: null, receivedAt: T0, updatedAt: T0, version: 1,
      };
      expect(out[0]?.lead).toEqual(expected);
      expect(await store().leads.get('L00001')).toEqual(expected);
      expect(await store().leads.getByExternalId('salesforce', '00Q1')).toEqual(expected);
      // No CRM temperature hint: cold until qualification decides.
      expect((await store().leads.get('L00002'))?.temperature).toBe('cold');
      expect(await store().leads.get('nope')).toBeNull();
      expect(await store().leads.getByExternalId('hubspot', '00Q1')).toBeNull();
    });

    it('a changed content hash updates data, bumps the version and returns the previous lead', async () => {
      const [created] = await seedLeads(store(), ['00Q1']);
      if (created === undefined) throw new Error('seed');
      const qualified = bump(created, { status: 'qualified', statusChangedAt: at(5) }, at(5));
      expect(await store().leads.save(qualified)).toBe(true);

      const newData = leadData({ company: 'Renamed GmbH', city: 'Köln' });
      const [out] = await store().leads.upsertIncoming([incoming('00Q1', { data: newData, contentHash: 'hash-2', crmStamp: 'S2' })], at(10), idGen('X'));
      expect(out?.kind).toBe('changed');
      if (out?.kind !== 'changed') throw new Error('kind');
      expect(out.previous).toEqual(qualified);
      expect(out.lead).toEqual({ ...qualified, data: newData, contentHash: 'hash-2', crmStamp: 'S2', updatedAt: at(10), version: 3 });
      expect(await store().leads.get(created.id)).toEqual(out.lead);
    });

    it('an unchanged hash only refreshes crmStamp, crmConverted and crmOpportunityId, without a version bump', async () => {
      const [created] = await seedLeads(store(), ['00Q1']);
      if (created === undefined) throw new Error('seed');
      const [out] = await store().leads.upsertIncoming(
        [incoming('00Q1', { crmStamp: 'S9', crmConverted: true, crmOpportunityId: '006X' })], at(10), idGen('X'));
      const expected = { ...created, crmStamp: 'S9', crmConverted: true, crmOpportunityId: '006X' };
      expect(out).toEqual({ kind: 'unchanged', lead: expected });
      expect(await store().leads.get(created.id)).toEqual(expected);
      // Fully identical: still unchanged, nothing moves.
      const [again] = await store().leads.upsertIncoming(
        [incoming('00Q1', { crmStamp: 'S9', crmConverted: true, crmOpportunityId: '006X' })], at(20), idGen('X'));
      expect(again).toEqual({ kind: 'unchanged', lead: expected });
    });

    it('a record repeated in one batch is applied in order', async () => {
      const out = await store().leads.upsertIncoming(
        [incoming('00Q1'), incoming('00Q1', { contentHash: 'h2', crmStamp: 'S2' }), incoming('00Q1', { contentHash: 'h2', crmStamp: 'S3' })],
        T0, idGen('L'));
      expect(out.map((o) => [o.kind, o.lead.version, o.lead.crmStamp])).toEqual([
        ['created', 1, '2025-03-01T00:00:00.000Z'], ['changed', 2, 'S2'], ['unchanged', 2, 'S3'],
      ]);
      const stored = await store().leads.get('L00001');
      expect([stored?.version, stored?.contentHash, stored?.crmStamp]).toEqual([2, 'h2', 'S3']);
    });

    it('a large batch crosses statement chunks: created, then unchanged, then changed', async () => {
      const batch = Array.from({ length: 2000 }, (_, i) => incoming(`B${i}`));
      const created = await store().leads.upsertIncoming(batch, T0, idGen('L'));
      expect(created.filter((o) => o.kind === 'created')).toHaveLength(2000);
      const same = await store().leads.upsertIncoming(batch, at(1), idGen('X'));
      expect(same.every((o) => o.kind === 'unchanged')).toBe(true);
      const changed = await store().leads.upsertIncoming(batch.map((b) => ({ ...b, contentHash: `${b.contentHash}-v2` })), at(2), idGen('X'));
      expect(changed.every((o) => o.kind === 'changed' && o.lead.version === 2)).toBe(true);
      expect((await store().leads.countByStatus()).new).toBe(2000);
      expect((await store().leads.getByExternalId('salesforce', 'B1999'))?.contentHash).toBe('hash-B1999-v2');
    });

    it('save is optimistic: of two saves of the same version exactly one wins', async () => {
      const [lead] = await seedLeads(store(), ['00Q1']);
      if (lead === undefined) throw new Error('seed');
      const a = bump(lead, { status: 'qualified', statusChangedAt: at(1) }, at(1));
      const b = bump(lead, { status: 'rejected', statusChangedAt: at(2) }, at(2));
      const results = await Promise.all([store().leads.save(a), store().leads.save(b)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] === true ? a : b;
      expect(await store().leads.get(lead.id)).toEqual(winner);
      // A save that skips a version is refused too.
      expect(await store().leads.save({ ...winner, version: winner.version + 2 })).toBe(false);
      expect(await store().leads.save(bump(lead, {}, at(3)))).toBe(false);
    });

    it('save writes the lifecycle and data, never the CRM-owned refresh columns', async () => {
      const [lead] = await seedLeads(store(), ['00Q1']);
      if (lead === undefined) throw new Error('seed');
      const [p] = await seedPartners(store(), ['P1']);
      // A pull refreshes the stamp (no version bump) while a reservation holds an older copy.
      await store().leads.upsertIncoming([incoming('00Q1', { crmStamp: 'NEWER', crmConverted: true })], at(1), idGen('X'));
      const reserved = bump(lead, {
        status: 'reserved', statusChangedAt: at(2), partnerId: p?.id ?? null, reservedAt: at(2), reservedByUserId: 'u1',
        feedbackDueAt: at(days(3)), temperature: 'warm', wave: 2, data: leadData({ company: 'Fixed by qualifier' }),
        qualification: {
          outcome: 'qualified', temperature: 'warm', decidedAt: at(1), decidedBy: 'rules',
          reasons: [{ rule: 'country', message: 'DE is served' }, { rule: 'budget', outcome: 'qualified', message: 'ok', fields: ['budget'] }],
        },
      }, at(2));
      expect(await store().leads.save(reserved)).toBe(true);
      expect(await store().leads.get(lead.id)).toEqual({ ...reserved, crmStamp: 'NEWER', crmConverted: true });
    });

    it('list filters by status, partner(s), feedback due date, with limit and offset', async () => {
      const [p1, p2] = await seedPartners(store(), ['P1', 'P2']);
      if (p1 === undefined || p2 === undefined) throw new Error('seed');
      const leads = await store().leads.upsertIncoming(['A', 'B', 'C', 'D'].map((e) => incoming(e)), T0, idGen('L'));
      const [a, b, c] = leads.map((o) => o.lead);
      if (a === undefined || b === undefined || c === undefined) throw new Error('seed');
      await store().leads.save(bump(a, { status: 'reserved', partnerId: p1.id, feedbackDueAt: at(60) }, at(1)));
      await store().leads.save(bump(b, { status: 'contacted', partnerId: p1.id, feedbackDueAt: at(180) }, at(1)));
      await store().leads.save(bump(c, { status: 'reserved', partnerId: p2.id, feedbackDueAt: at(30) }, at(1)));
      const ids = async (q: Parameters<ReturnType<typeof store>['leads']['list']>[0]) => (await store().leads.list(q)).map((l) => l.externalId);
      expect(await ids({})).toEqual(['A', 'B', 'C', 'D']);
      expect(await ids({ status: ['reserved'] })).toEqual(['A', 'C']);
      expect(await ids({ partnerId: p1.id })).toEqual(['A', 'B']);
      expect(await ids({ partnerIds: [p2.id, p1.id] })).toEqual(['A', 'B', 'C']);
      expect(await ids({ feedbackDueBefore: at(61) })).toEqual(['A', 'C']);
      expect(await ids({ status: ['reserved', 'contacted'], partnerId: p1.id, feedbackDueBefore: at(120) })).toEqual(['A']);
      expect(await ids({ limit: 2 })).toEqual(['A', 'B']);
      expect(await ids({ limit: 2, offset: 2 })).toEqual(['C', 'D']);
      expect(await ids({ offset: 3 })).toEqual(['D']);
      expect(await ids({ status: [] })).toEqual([]);
      expect(await ids({ partnerIds: [] })).toEqual([]);
    });

    it('countByStatus counts every status, zero included', async () => {
      const [a] = await seedLeads(store(), ['A', 'B', 'C']);
      if (a === undefined) throw new Error('seed');
      await store().leads.save(bump(a, { status: 'qualified' }, at(1)));
      const counts = await store().leads.countByStatus();
      expect(counts.new).toBe(2);
      expect(counts.qualified).toBe(1);
      expect(counts.won).toBe(0);
      expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(3);
    });
  });
}
