// PostgreSQL-specific behaviour the contract cannot see: migrations and column types, url handling without
// leaking passwords, transactions re-run after a serialization failure, a swallowed error not committing
// silently, and reservation exactly once through the real service across several pooled stores.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/domain/ports.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { seededRandom } from '../../src/services/context.ts';
import { reserve } from '../../src/services/reserve.ts';
import { backup, migrate, openStore, restore } from '../../src/store/index.ts';
import { postgresMigrations, sqliteMigrations } from '../../src/store/migrations/index.ts';
import { defaultSettings, testClock } from '../support/context.ts';
import { offerTo, seedPartners as seedMarketPartners, seedQualifiedLead } from '../support/market.ts';
import type { PgSchema } from '../support/stores.ts';
import { freshPgSchema, openTestStore, testPgUrl, withPgClient } from '../support/stores.ts';
import { idGen, incoming, incomingPartner, T0 } from './contract/fixtures.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
async function schema(): Promise<PgSchema> {
  const s = await freshPgSchema();
  cleanup.push(() => s.drop());
  return s;
}
async function store(poolSize?: number): Promise<Store> {
  const s = await openTestStore('postgres', poolSize === undefined ? {} : { poolSize });
  cleanup.push(() => s.close());
  return s;
}

describe('postgres engine: schema', () => {
  it('both engines list the same migrations in the same order', () => {
    expect(Object.keys(postgresMigrations)).toEqual(Object.keys(sqliteMigrations));
  });

  it('migrate applies every migration once, then nothing; postgresql:// is accepted too', async () => {
    const s = await schema();
    expect(await migrate(s.url)).toEqual(Object.keys(postgresMigrations).sort());
    expect(await migrate(s.url.replace(/^postgres:/, 'postgresql:'))).toEqual([]);
  });

  it('two leadrelay schemas in one database migrate independently (kysely bookkeeping per schema)', async () => {
    const a = await schema();
    const b = await schema();
    expect(await migrate(a.url)).toEqual(Object.keys(postgresMigrations).sort());
    expect(await migrate(b.url)).toEqual(Object.keys(postgresMigrations).sort());
    const tables = await withPgClient(async (c) => (await c.query<{ table_schema: string }>(
      `select table_schema from information_schema.tables where table_name = 'kysely_migration' and table_schema = any($1)`, [[a.schema, b.schema]])).rows);
    expect(tables.map((t) => t.table_schema).sort()).toEqual([a.schema, b.schema].sort());
  });

  it('identity ids, double precision, byte-order text: the SQLite meanings', async () => {
    const s = await schema();
    await migrate(s.url);
    const cols = await withPgClient(async (c) => (await c.query<{ table_name: string; column_name: string; data_type: string; is_identity: string; collation_name: string | null }>(
      `select table_name, column_name, data_type, is_identity, collation_name from information_schema.columns where table_schema = $1`, [s.schema])).rows);
    const col = (t: string, c: string) => cols.find((x) => x.table_name === t && x.column_name === c);
    for (const [t, c] of [['outbox', 'id'], ['quarantine', 'id'], ['lead_events', 'id'], ['runs', 'id'], ['feedback', 'seq'], ['partner_away', 'id'], ['points_ledger', 'id'], ['mail_outbox', 'id']] as const) {
      expect(col(t, c)?.is_identity, `${t}.${c}`).toBe('YES');
    }
    expect([col('offers', 'score')?.data_type, col('feedback', 'amount')?.data_type, col('points_ledger', 'points')?.data_type]).toEqual(['double precision', 'double precision', 'double precision']);
    expect(cols.filter((x) => x.data_type === 'text' && x.collation_name !== 'C').map((x) => `${x.table_name}.${x.column_name}`)).toEqual([]);
  });

  it('reads counts as numbers and floats without single-precision rounding; text sorts by bytes', async () => {
    const st = await store();
    await st.partners.upsertMany([incomingPartner('b'), incomingPartner('B'), incomingPartner('a')], T0, idGen('P'));
    const [lead] = (await st.leads.upsertIncoming([incoming('L1')], T0, idGen('L'))).map((o) => o.lead);
    await st.offers.createMany([{ leadId: lead!.id, partnerId: 'P00001', wave: 1, score: 0.1, rank: 1, offeredAt: T0, expiresAt: T0, explanation: {} }], idGen('O'));
    expect((await st.offers.get('O00001'))?.score).toBe(0.1);
    expect(await st.offers.countByStatus()).toEqual({ open: 1 });
    expect((await st.leads.countByStatus()).new).toBe(1);
    // SQLite's BINARY order: upper case before lower case, whatever the server's locale.
    expect((await st.partners.list()).map((p) => p.externalId)).toEqual(['b', 'B', 'a']);
    await st.points.add([{ key: 'k1', partnerId: 'P00001', leadId: null, rule: 'reserve', points: 0.1, at: T0 }, { key: 'k2', partnerId: 'P00001', leadId: null, rule: 'reserve', points: 0.2, at: T0 }]);
    expect((await st.points.balances({}))[0]).toEqual({ partnerId: 'P00001', points: 0.1 + 0.2, entries: 2 });
  });
});

describe('postgres engine: urls and operations', () => {
  it('an unreachable server fails with where and what to do, never the password', async () => {
    const url = 'postgres://lr:hunter2@127.0.0.1:1/leadrelay';
    const e = await openStore({ url }).then(() => null, (x: unknown) => x as Error);
    expect(e?.message).toMatch(/PostgreSQL at 127\.0\.0\.1:1\/leadrelay is not reachable \(ECONNREFUSED\): start the server or fix store\.url/);
    expect(e?.message).not.toMatch(/hunter2/);
  });

  it('a missing database is named', async () => {
    const u = new URL(testPgUrl());
    u.pathname = `/missing_${randomUUID().slice(0, 8)}`;
    await expect(migrate(u.toString())).rejects.toThrow(/PostgreSQL database .*missing_.* does not exist: create it/);
  });

  it('backup and restore point to pg_dump and pg_restore', async () => {
    const url = 'postgres://lr:hunter2@db:5432/leadrelay';
    await expect(backup(url, undefined, '/tmp/x.db')).rejects.toThrow(/use `pg_dump --format=custom/);
    expect(() => restore(url, undefined, '/tmp/x.db')).toThrow(/use `pg_restore/);
    expect(() => restore(url, undefined, '/tmp/x.db')).not.toThrow(/hunter2/);
  });
});

describe('postgres engine: transactions', () => {
  it('a transaction aborted by a serialization failure runs again and both writes land', async () => {
    const st = await store(4);
    await st.kv.set('n', '0', T0);
    let runs = 0;
    let bothRead: () => void = () => {};
    const reads = new Promise<void>((r) => { bothRead = r; });
    let readers = 0;
    const increment = () => st.transaction(async (tx) => {
      runs++;
      const n = Number(await tx.kv.get('n'));
      // The first attempts of both wait until both have read the same value: a guaranteed conflict.
      if (++readers === 2) bothRead();
      if (readers <= 2) await reads;
      await tx.kv.set('n', String(n + 1), T0);
    });
    await Promise.all([increment(), increment()]);
    expect(await st.kv.get('n')).toBe('2');
    expect(runs).toBe(3); // one of the two ran twice
  });

  it('a store error caught inside fn is not committed silently: the transaction fails, nothing is written', async () => {
    const st = await store();
    await expect(st.transaction(async (tx) => {
      await tx.kv.set('before', '1', T0);
      await tx.feedback.add({ id: 'f1', leadId: 'missing', partnerId: 'missing', userId: null, status: 'contacted', amount: null, closeDate: null, lostReason: null, comment: null, at: T0 })
        .catch(() => undefined);
    })).rejects.toThrow(/fn caught the error, so PostgreSQL aborted the whole transaction: nothing of it was committed/);
    expect(await st.kv.get('before')).toBeNull();
  });

  it('a failed savepoint is undone alone, as on SQLite', async () => {
    const st = await store();
    await st.transaction(async (tx) => {
      await tx.kv.set('outer', '1', T0);
      await expect(tx.transaction(async (inner) => inner.feedback.add({ id: 'f1', leadId: 'missing', partnerId: 'missing', userId: null, status: 'contacted', amount: null, closeDate: null, lostReason: null, comment: null, at: T0 })))
        .rejects.toThrow(/foreign key/);
    });
    expect(await st.kv.get('outer')).toBe('1');
  });

  it('concurrent upserts of the same new leads create each lead once', async () => {
    const st = await store(8);
    const batch = Array.from({ length: 50 }, (_, i) => incoming(`N${i}`));
    const results = await Promise.all(Array.from({ length: 8 }, (_, k) => st.leads.upsertIncoming(batch, T0, () => `L${k}-${randomUUID()}`)));
    const created = results.flat().filter((o) => o.kind === 'created');
    expect(created).toHaveLength(50);
    for (const o of created) expect((await st.leads.getByExternalId('salesforce', o.lead.externalId))?.id).toBe(o.lead.id);
  });
});

describe('postgres engine: reservation across instances', () => {
  it('200 concurrent reserve() calls on four pooled stores of one database → 1 reservation, 199 OFFER.ALREADY_TAKEN', async () => {
    const s = await schema();
    const instances: Store[] = [];
    for (let i = 0; i < 4; i++) {
      const st = await openStore({ url: s.url, poolSize: 5 });
      cleanup.push(() => st.close());
      instances.push(st);
    }
    const clock = testClock();
    const seed = instances[0]!;
    const partners = await seedMarketPartners(seed, 50, clock.now());
    const lead = await seedQualifiedLead(seed, 'RACE-PG', 'warm', clock.now());
    await offerTo(seed, lead, partners, clock.now(), new Date(clock.now().getTime() + 86_400_000));
    const ctxs: ServiceContext[] = instances.map((st) => ({
      store: st, clock, ids: { next: () => randomUUID() }, random: seededRandom(1), logger: nullLogger, settings: defaultSettings(),
    }));
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => reserve(ctxs[i % 4]!, { leadId: lead.id, partnerId: partners[i % 50]!.id, userId: null })));
    const winners = answers.filter((a) => a.ok);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => !a.ok && a.error.code === 'OFFER.ALREADY_TAKEN')).toHaveLength(199);
    const stored = await seed.leads.get(lead.id);
    const winner = winners[0]!.ok ? winners[0]!.value.partnerId : null;
    expect([stored?.status, stored?.partnerId]).toEqual(['reserved', winner]);
    expect((await seed.events.listByLead(lead.id)).filter((e) => e.type === 'reserved')).toHaveLength(1);
    expect((await seed.offers.listByLead(lead.id)).filter((o) => o.status === 'reserved').map((o) => o.partnerId)).toEqual([winner]);
    expect((await seed.points.entries({})).filter((e) => e.rule === 'reserve')).toHaveLength(1);
    expect((await seed.outbox.due(new Date(clock.now().getTime() + 1), 10)).length).toBe(1);
  });
});
