import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reserveLead } from '../../../src/domain/lifecycle.ts';
import type { Store } from '../../../src/domain/ports.ts';
import type { Dialect } from '../../../src/store/engine.ts';
import { at, bump, days, idGen, incoming, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

const RACERS = 200;

export function transactionsContract(open: OpenStore, engine: Dialect): void {
  describe('transactions', () => {
    const store = useStore(open);

    it('commits when fn resolves and returns its value', async () => {
      const result = await store().transaction(async (tx) => {
        await tx.kv.set('k', 'v', T0);
        await tx.leads.upsertIncoming([incoming('L1')], T0, idGen('L'));
        return 42;
      });
      expect(result).toBe(42);
      expect(await store().kv.get('k')).toBe('v');
      expect((await store().leads.get('L00001'))?.externalId).toBe('L1');
    });

    it('rolls everything back when fn throws, and rethrows', async () => {
      const boom = new Error('boom');
      await expect(store().transaction(async (tx) => {
        await tx.kv.set('k', 'v', T0);
        await tx.leads.upsertIncoming([incoming('L1')], T0, idGen('L'));
        await tx.outbox.enqueue([], T0);
        throw boom;
      })).rejects.toBe(boom);
      expect(await store().kv.get('k')).toBeNull();
      expect(await store().leads.get('L00001')).toBeNull();
    });

    it('nested transaction reuses the transaction; a failed inner one undoes only its own writes', async () => {
      await store().transaction(async (tx) => {
        await tx.kv.set('outer', '1', T0);
        await tx.transaction(async (inner) => inner.kv.set('inner-ok', '1', T0));
        await expect(tx.transaction(async (inner) => {
          await inner.kv.set('inner-failed', '1', T0);
          throw new Error('inner');
        })).rejects.toThrow('inner');
        expect(await tx.kv.get('inner-ok')).toBe('1');
        expect(await tx.kv.get('inner-failed')).toBeNull();
      });
      expect([await store().kv.get('outer'), await store().kv.get('inner-ok'), await store().kv.get('inner-failed')]).toEqual(['1', '1', null]);
      // A throw out of the outer fn undoes the nested writes too.
      await expect(store().transaction(async (tx) => {
        await tx.transaction(async (inner) => inner.kv.set('nested', '1', T0));
        throw new Error('outer');
      })).rejects.toThrow('outer');
      expect(await store().kv.get('nested')).toBeNull();
    });

    it('using the root store inside fn fails fast instead of deadlocking; tx is dead after fn', async () => {
      let leaked: Store | undefined;
      await expect(store().transaction(async (tx) => {
        leaked = tx;
        await store().kv.get('k');
      })).rejects.toThrow(/use the `tx` argument/);
      await expect(store().transaction(async () => store().transaction(async () => 1))).rejects.toThrow(/use the `tx` argument/);
      await expect(store().transaction(async () => store().close())).rejects.toThrow(/use the `tx` argument/);
      await expect(store().transaction(async (tx) => tx.close())).rejects.toThrow(/close the root store/);
      await expect(leaked?.kv.get('k')).rejects.toThrow(/transaction has ended/);
      expect(await store().kv.get('k')).toBeNull(); // the store still works
    });

    it('concurrent transactions never interleave: 200 read-modify-write cycles with awaits lose nothing', async () => {
      await store().kv.set('counter', '0', T0);
      await Promise.all(Array.from({ length: RACERS }, (_, i) => store().transaction(async (tx) => {
        const n = Number(await tx.kv.get('counter'));
        await sleep(i % 3); // yield to the event loop between read and write
        await tx.kv.set('counter', String(n + 1), T0);
      })));
      expect(await store().kv.get('counter')).toBe(String(RACERS));
    });

    // SQLite has one connection: a root call queues behind the transaction. PostgreSQL's pool answers it at
    // once from the last committed state. Neither ever shows the transaction's uncommitted writes.
    it(`a root call ${engine === 'sqlite' ? 'waits for' : 'runs beside'} a running transaction and never sees its uncommitted writes`, async () => {
      let release: () => void = () => {};
      let started: () => void = () => {};
      const gate = new Promise<void>((r) => { release = r; });
      const inside = new Promise<void>((r) => { started = r; });
      const tx = store().transaction(async (t) => {
        await t.kv.set('dirty', 'uncommitted', T0);
        started();
        await gate;
        throw new Error('rolled back');
      });
      await inside;
      let readDone = false;
      const read = store().kv.get('dirty').finally(() => { readDone = true; });
      await sleep(20);
      if (engine === 'sqlite') expect(readDone).toBe(false); // queued behind the transaction
      else expect([readDone, await read]).toEqual([true, null]); // answered while the transaction still runs
      release();
      await expect(tx).rejects.toThrow('rolled back');
      expect(await read).toBeNull();
    });

    it('two saves of the same version: exactly one wins (200 stale copies in concurrent transactions)', async () => {
      const [lead] = await seedLeads(store(), ['L1']);
      const partners = await seedPartners(store(), ['P1', 'P2', 'P3']);
      if (lead === undefined) throw new Error('seed');
      const qualified = bump(lead, { status: 'qualified' }, at(1));
      expect(await store().leads.save(qualified)).toBe(true);
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => store().transaction(async (tx) => {
        const partner = partners[i % partners.length];
        return tx.leads.save(bump(qualified, { status: 'reserved', partnerId: partner?.id ?? null, reservedAt: at(2) }, at(2)));
      })));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = partners[results.indexOf(true) % partners.length];
      const stored = await store().leads.get(lead.id);
      expect([stored?.status, stored?.partnerId, stored?.version]).toEqual(['reserved', winner?.id, 3]);
    });

    it('200 concurrent reservations of one lead through leads.save: exactly one succeeds, offers and history agree', async () => {
      const [lead] = await seedLeads(store(), ['L1']);
      const partners = await seedPartners(store(), Array.from({ length: 10 }, (_, i) => `P${i}`));
      if (lead === undefined) throw new Error('seed');
      await store().leads.save(bump(lead, { status: 'offered', wave: 1 }, at(1)));
      await store().offers.createMany(partners.map((p, i) => ({
        leadId: lead.id, partnerId: p.id, wave: 1, score: 1, rank: i + 1, offeredAt: at(1), expiresAt: at(61), explanation: {},
      })), idGen('O'));
      const reserve = (partnerId: string, now: Date) => store().transaction(async (tx) => {
        const current = await tx.leads.get(lead.id);
        if (current === null) return false;
        const next = reserveLead(current, partnerId, `user-${partnerId}`, now, at(days(3)));
        if (!next.ok) return false; // OFFER.ALREADY_TAKEN in the service
        if (!(await tx.leads.save({ ...next.value, version: current.version + 1 }))) return false;
        await tx.offers.closeForLead(lead.id, 'taken', now, partnerId);
        await tx.events.append([{ leadId: lead.id, at: now, type: 'reserved', actor: `partner:${partnerId}`, partnerId, data: {} }]);
        return true;
      });
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => reserve(partners[i % partners.length]?.id ?? '', at(2))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = partners[results.indexOf(true) % partners.length]?.id;
      const stored = await store().leads.get(lead.id);
      expect([stored?.status, stored?.partnerId, stored?.version]).toEqual(['reserved', winner, 3]);
      const offers = await store().offers.listByLead(lead.id);
      expect(offers.filter((o) => o.status === 'reserved').map((o) => o.partnerId)).toEqual([winner]);
      expect(offers.filter((o) => o.status === 'taken')).toHaveLength(9);
      expect((await store().events.listByLead(lead.id)).map((e) => [e.type, e.partnerId])).toEqual([['reserved', winner]]);
    });
  });

  describe('cursors, runs, kv', () => {
    const store = useStore(open);

    it('cursors: set replaces, get and list read back', async () => {
      expect(await store().cursors.get('salesforce', 'Lead')).toBeNull();
      await store().cursors.set('salesforce', 'Lead', { stamp: '2025-03-01T00:00:00.000Z', lastId: '00Q1' }, T0);
      await store().cursors.set('salesforce', 'Lead', { stamp: '2025-03-02T00:00:00.000Z', lastId: null }, at(1));
      await store().cursors.set('hubspot', 'contacts', { stamp: '1740787200000', lastId: '51' }, at(2));
      expect(await store().cursors.get('salesforce', 'Lead')).toEqual({ stamp: '2025-03-02T00:00:00.000Z', lastId: null });
      expect(await store().cursors.list()).toEqual([
        { crm: 'hubspot', object: 'contacts', cursor: { stamp: '1740787200000', lastId: '51' }, updatedAt: at(2) },
        { crm: 'salesforce', object: 'Lead', cursor: { stamp: '2025-03-02T00:00:00.000Z', lastId: null }, updatedAt: at(1) },
      ]);
    });

    it('runs: start, finish, last newest first per kind', async () => {
      const a = await store().runs.start('sync', T0);
      const b = await store().runs.start('sync', at(10));
      await store().runs.start('flush', at(11));
      await store().runs.finish(a, at(1), { pulled: 12, errors: [] }, true);
      expect(b).toBeGreaterThan(a);
      expect(await store().runs.last('sync', 5)).toEqual([
        { id: b, kind: 'sync', startedAt: at(10), finishedAt: null, ok: null, summary: {} },
        { id: a, kind: 'sync', startedAt: T0, finishedAt: at(1), ok: true, summary: { pulled: 12, errors: [] } },
      ]);
      await store().runs.finish(b, at(12), { error: 'CRM.UNAVAILABLE' }, false);
      expect((await store().runs.last('sync', 1)).map((r) => [r.id, r.ok])).toEqual([[b, false]]);
    });

    it('kv: get, set, overwrite', async () => {
      expect(await store().kv.get('sf.refreshToken')).toBeNull();
      await store().kv.set('sf.refreshToken', 'abc', T0);
      await store().kv.set('sf.refreshToken', 'def', at(1));
      expect(await store().kv.get('sf.refreshToken')).toBe('def');
    });
  });
}
