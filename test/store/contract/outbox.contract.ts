import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../src/domain/lead.ts';
import type { QuarantineReason } from '../../../src/domain/ports.ts';
import type { WriteBack } from '../../../src/domain/write-back.ts';
import { at, leadWriteBack, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

const reason: QuarantineReason = { code: 'MAPPING.INVALID_VALUE', message: 'Status "x" has no picklist value', source: 'mappings/salesforce/lead.yaml:12', fields: ['Status'] };

export function outboxContract(open: OpenStore): void {
  describe('outbox', () => {
    const store = useStore(open);
    const twoLeads = async (): Promise<[Lead, Lead]> => {
      const [a, b] = await seedLeads(store(), ['L1', 'L2']);
      if (a === undefined || b === undefined) throw new Error('seed');
      return [a, b];
    };

    it('enqueue inserts; a newer snapshot of the same record coalesces into the pending item', async () => {
      const [a, b] = await twoLeads();
      await store().outbox.enqueue([leadWriteBack(a, 'v1'), leadWriteBack(b)], T0);
      const [first] = await store().outbox.due(T0, 10);
      expect(first).toEqual({ id: first?.id, key: `lead:${a.id}`, writeBack: leadWriteBack(a, 'v1'), revision: 1, attempts: 0, nextAttemptAt: T0, lastError: null, sentRevision: null });
      await store().outbox.retryLater(first?.id ?? 0, 1, at(30), 'HTTP 503');
      expect((await store().outbox.due(at(1), 10)).map((i) => i.key)).toEqual([`lead:${b.id}`]);

      await store().outbox.enqueue([leadWriteBack(a, 'v2')], at(2));
      const due = await store().outbox.due(at(2), 10);
      expect(due.map((i) => [i.id, i.key, i.revision, i.attempts, i.nextAttemptAt, i.lastError])).toEqual([
        [first?.id, `lead:${a.id}`, 2, 0, at(2), null], [due[1]?.id, `lead:${b.id}`, 1, 0, T0, null],
      ]);
      expect(due[0]?.writeBack).toEqual(leadWriteBack(a, 'v2'));
      expect(await store().outbox.backlog()).toEqual({ pending: 2, oldest: T0, quarantined: 0 });
    });

    it('markSent records the revision sent; a newer snapshot is no longer "maybe applied"', async () => {
      const [a, b] = await twoLeads();
      await store().outbox.enqueue([leadWriteBack(a, 'v1'), leadWriteBack(b, 'v1')], T0);
      const [ia, ib] = await store().outbox.due(at(1), 10);
      await store().outbox.markSent([{ id: ia!.id, revision: ia!.revision }, { id: ib!.id, revision: ib!.revision }]);
      await store().outbox.enqueue([leadWriteBack(a, 'v2')], at(2));
      const due = await store().outbox.due(at(3), 10);
      expect(due.map((i) => [i.key, i.revision, i.sentRevision])).toEqual([[`lead:${a.id}`, 2, 1], [`lead:${b.id}`, 1, 1]]);
      expect(await store().outbox.complete([{ id: ib!.id, revision: 1 }], at(4))).toBe(1);
      await store().outbox.markSent([{ id: ia!.id, revision: 1 }]);
      expect((await store().outbox.due(at(5), 10)).map((i) => [i.revision, i.sentRevision])).toEqual([[2, 1]]);
    });

    it('an identical snapshot changes nothing; within one batch the last snapshot wins', async () => {
      const [a, b] = await twoLeads();
      await store().outbox.enqueue([leadWriteBack(a, 'v1')], T0);
      await store().outbox.retryLater((await store().outbox.due(T0, 1))[0]?.id ?? 0, 1, at(30), 'timeout');
      await store().outbox.enqueue([leadWriteBack(a, 'v1')], at(1));
      expect((await store().outbox.due(at(30), 10)).map((i) => [i.revision, i.attempts, i.nextAttemptAt])).toEqual([[1, 1, at(30)]]);
      await store().outbox.enqueue([leadWriteBack(b, 'x'), leadWriteBack(b, 'y')], at(2));
      const items = await store().outbox.due(at(30), 10);
      expect(items.map((i) => [i.key, i.revision])).toEqual([[`lead:${a.id}`, 1], [`lead:${b.id}`, 1]]);
      expect(items[1]?.writeBack).toEqual(leadWriteBack(b, 'y'));
    });

    it('due: oldest first, limited, filtered by target', async () => {
      const [a, b] = await twoLeads();
      const opp: WriteBack = {
        target: 'opportunity', leadId: a.id, externalId: a.externalId,
        fields: { leadId: a.id, leadExternalId: a.externalId, name: 'Acme heat pump', stage: 'proposal', amount: 1000, closeDate: '2025-05-01', partnerExternalId: 'P1', lostReason: null, description: null },
      };
      const [p] = await seedPartners(store(), ['P1']);
      const partnerWb: WriteBack = { target: 'partner', partnerId: p?.id ?? '', externalId: 'P1', fields: { Overdue__c: 2, Level__c: null, Name: 'x' } };
      await store().outbox.enqueue([leadWriteBack(b), opp], T0);
      await store().outbox.enqueue([partnerWb], at(1));
      expect((await store().outbox.due(at(1), 10)).map((i) => i.key)).toEqual([`lead:${b.id}`, `opportunity:${a.id}`, `partner:${p?.id ?? ''}`]);
      expect((await store().outbox.due(T0, 10)).map((i) => i.key)).toEqual([`lead:${b.id}`, `opportunity:${a.id}`]);
      expect((await store().outbox.due(at(1), 1)).map((i) => i.key)).toEqual([`lead:${b.id}`]);
      const filtered = await store().outbox.due(at(1), 10, ['opportunity', 'partner']);
      expect(filtered.map((i) => i.writeBack)).toEqual([opp, partnerWb]);
      expect(await store().outbox.due(at(1), 10, [])).toEqual([]);
    });

    it('complete marks done only the revision that was sent (a snapshot coalesced mid-flush stays pending)', async () => {
      const [a, b] = await twoLeads();
      await store().outbox.enqueue([leadWriteBack(a, 'v1'), leadWriteBack(b)], T0);
      const sent = await store().outbox.due(T0, 10); // the flush reads both …
      await store().outbox.enqueue([leadWriteBack(a, 'v2')], at(1)); // … a change lands while it sends
      const done = await store().outbox.complete(sent.map((i) => ({ id: i.id, revision: i.revision })), at(2));
      expect(done).toBe(1);
      const left = await store().outbox.due(at(2), 10);
      expect(left.map((i) => [i.key, i.revision])).toEqual([[`lead:${a.id}`, 2]]);
      expect(left[0]?.writeBack).toEqual(leadWriteBack(a, 'v2'));
      expect(await store().outbox.complete([{ id: left[0]?.id ?? 0, revision: 2 }], at(3))).toBe(1);
      expect(await store().outbox.complete([{ id: left[0]?.id ?? 0, revision: 2 }], at(3))).toBe(0);
      expect(await store().outbox.backlog()).toEqual({ pending: 0, oldest: null, quarantined: 0 });
      // A done item is history: the next change of that record is a new item.
      await store().outbox.enqueue([leadWriteBack(a, 'v3')], at(4));
      const next = await store().outbox.due(at(4), 10);
      expect(next.map((i) => i.revision)).toEqual([1]);
      expect(next[0]?.id).not.toBe(left[0]?.id);
      expect(await store().outbox.complete([], at(5))).toBe(0);
    });

    it('retryLater records the error and delays; a stale revision is ignored', async () => {
      const [a] = await twoLeads();
      await store().outbox.enqueue([leadWriteBack(a)], T0);
      const [item] = await store().outbox.due(T0, 1);
      if (item === undefined) throw new Error('due');
      await store().outbox.retryLater(item.id, 1, at(10), 'HTTP 503 from /sobjects/Lead');
      await store().outbox.retryLater(item.id, 1, at(20), 'HTTP 503 again');
      expect(await store().outbox.due(at(19), 10)).toEqual([]);
      expect((await store().outbox.due(at(20), 10)).map((i) => [i.attempts, i.lastError, i.nextAttemptAt])).toEqual([[2, 'HTTP 503 again', at(20)]]);
      await store().outbox.retryLater(item.id, 99, at(500), 'stale');
      expect((await store().outbox.due(at(20), 10)).map((i) => i.attempts)).toEqual([2]);
    });

    it('quarantine round trip: out of the queue with its reason, listed, requeued', async () => {
      const [a, b] = await twoLeads();
      await store().outbox.enqueue([leadWriteBack(a), leadWriteBack(b)], T0);
      const [item] = await store().outbox.due(T0, 1);
      if (item === undefined) throw new Error('due');
      await store().outbox.quarantine(item.id, 99, reason, at(1)); // stale revision: ignored
      expect((await store().outbox.backlog()).quarantined).toBe(0);
      await store().outbox.quarantine(item.id, 1, reason, at(1));
      expect(await store().outbox.backlog()).toEqual({ pending: 1, oldest: T0, quarantined: 1 });
      expect((await store().outbox.due(at(5), 10)).map((i) => i.key)).toEqual([`lead:${b.id}`]);
      const [entry] = await store().quarantine.list('write-back');
      expect(entry).toEqual({
        id: entry?.id, kind: 'write-back', crm: 'salesforce', object: 'lead', externalId: 'L1', reason, payload: leadWriteBack(a), createdAt: at(1), attempts: 1,
      });
      expect(await store().quarantine.count()).toEqual({ record: 0, writeBack: 1 });

      expect(await store().outbox.requeueQuarantined([entry?.id ?? 0], at(6))).toBe(1);
      expect(await store().quarantine.count()).toEqual({ record: 0, writeBack: 0 });
      const due = await store().outbox.due(at(6), 10);
      expect(due.map((i) => [i.id, i.attempts, i.nextAttemptAt, i.lastError])).toEqual([[item.id, 0, at(6), null], [due[1]?.id, 0, T0, null]]);
      expect(await store().outbox.backlog()).toEqual({ pending: 2, oldest: T0, quarantined: 0 });
      expect(await store().outbox.requeueQuarantined([], at(7))).toBe(0);
    });

    it('a quarantined snapshot superseded by a newer one is never re-sent', async () => {
      const [a, b] = await twoLeads();
      const quarantineDue = async (now: Date) => {
        for (const i of await store().outbox.due(now, 10)) await store().outbox.quarantine(i.id, i.revision, reason, now);
      };
      await store().outbox.enqueue([leadWriteBack(a, 'old'), leadWriteBack(b, 'old')], T0);
      await quarantineDue(T0);
      await store().outbox.enqueue([leadWriteBack(a, 'new'), leadWriteBack(b, 'new')], at(1));
      // b's newer snapshot gets through: b's quarantined one is obsolete and leaves the quarantine.
      const bItem = (await store().outbox.due(at(1), 10)).find((i) => i.key === `lead:${b.id}`);
      await store().outbox.complete([{ id: bItem?.id ?? 0, revision: 1 }], at(2));
      expect((await store().quarantine.list('write-back')).map((e) => e.externalId)).toEqual(['L1']);
      // a's newer one is still pending: requeueing the old one drops it instead.
      expect(await store().outbox.requeueQuarantined('all', at(3))).toBe(0);
      expect(await store().quarantine.count()).toEqual({ record: 0, writeBack: 0 });
      const due = await store().outbox.due(at(3), 10);
      expect(due.map((i) => i.writeBack)).toEqual([leadWriteBack(a, 'new')]);
      // Quarantining the newer one replaces nothing twice: one entry per record.
      await quarantineDue(at(4));
      await store().outbox.enqueue([leadWriteBack(a, 'newest')], at(5));
      await quarantineDue(at(5));
      const entries = await store().quarantine.list('write-back');
      expect(entries.map((e) => e.payload)).toEqual([leadWriteBack(a, 'newest')]);
      expect((await store().outbox.backlog()).quarantined).toBe(1);
      // Dropping it forgets the write-back for good.
      expect(await store().quarantine.drop([entries[0]?.id ?? 0])).toBe(1);
      expect(await store().outbox.backlog()).toEqual({ pending: 0, oldest: null, quarantined: 0 });
    });
  });

  describe('quarantine (records)', () => {
    const store = useStore(open);

    it('putRecord upserts per (crm, object, externalId); release and drop remove entries', async () => {
      const put = (ext: string, r: QuarantineReason, now: Date, object = 'Lead') =>
        store().quarantine.putRecord({ crm: 'salesforce', object, externalId: ext, reason: r, payload: { Id: ext, Email: 'bad' } }, now);
      await put('00Q1', { code: 'MAPPING.MISSING_FIELD', message: 'Company is required' }, T0);
      await put('00Q2', reason, at(1));
      await put('00Q1', reason, at(2));
      await put('00Q1', reason, at(3), 'Account');
      await store().quarantine.putRecord({ crm: 'hubspot', object: 'contacts', externalId: '77', reason, payload: null }, at(4));
      const all = await store().quarantine.list();
      expect(all.map((e) => [e.crm, e.object, e.externalId, e.attempts, e.createdAt])).toEqual([
        ['salesforce', 'Lead', '00Q1', 2, T0], ['salesforce', 'Lead', '00Q2', 1, at(1)], ['salesforce', 'Account', '00Q1', 1, at(3)], ['hubspot', 'contacts', '77', 1, at(4)],
      ]);
      expect(all[0]).toEqual({ id: all[0]?.id, kind: 'record', crm: 'salesforce', object: 'Lead', externalId: '00Q1', reason, payload: { Id: '00Q1', Email: 'bad' }, createdAt: T0, attempts: 2 });
      expect(all[3]?.payload).toBeNull();
      expect((await store().quarantine.list('record', 2)).map((e) => e.externalId)).toEqual(['00Q1', '00Q2']);
      expect(await store().quarantine.list('write-back')).toEqual([]);
      expect(await store().quarantine.count()).toEqual({ record: 4, writeBack: 0 });

      expect(await store().quarantine.release('salesforce', 'Lead', ['00Q1', 'nope'])).toBe(1);
      expect(await store().quarantine.release('salesforce', 'Lead', [])).toBe(0);
      expect((await store().quarantine.list()).map((e) => `${e.object}/${e.externalId}`)).toEqual(['Lead/00Q2', 'Account/00Q1', 'contacts/77']);
      const reasonless = (await store().quarantine.list())[0]?.reason;
      expect(reasonless).toEqual(reason);
      const ids = (await store().quarantine.list()).map((e) => e.id);
      expect(await store().quarantine.drop([ids[0] ?? 0, 999_999])).toBe(1);
      expect(await store().quarantine.count()).toEqual({ record: 2, writeBack: 0 });
    });

    it('a reason without optional keys reads back without them', async () => {
      await store().quarantine.putRecord({ crm: 'hubspot', object: 'contacts', externalId: '1', reason: { code: 'X', message: 'y' }, payload: 'raw' }, T0);
      const [entry] = await store().quarantine.list();
      expect(entry?.reason).toStrictEqual({ code: 'X', message: 'y' });
      expect(entry?.payload).toBe('raw');
    });
  });
}
