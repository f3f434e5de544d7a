// A store.transaction callback may run more than once (PostgreSQL re-runs it after a serialization failure,
// see Store.transaction). The pipeline's run summaries must not count a rolled-back attempt: the same run on a
// store whose every transaction is run twice (the first attempt rolled back) reports exactly what it reports
// on a plain store, and what it reports matches what was stored.
//
// On PostgreSQL the first attempt ends with a real SQLSTATE 40001, so the engine's own retry loop (session.ts)
// rolls it back and runs fn again; SQLite never retries, so there the wrapper rolls back and runs fn again.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrmConnector, Page, PulledLead, PulledPartner, WriteOutcome } from '../../src/connectors/contract.ts';
import type { LeadData } from '../../src/domain/lead.ts';
import { leadDataSchema } from '../../src/domain/lead.ts';
import type { Store } from '../../src/domain/ports.ts';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { matchingConfigSchema } from '../../src/rules/config-schema.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { DAY, seededRandom } from '../../src/services/context.ts';
import { flushWriteBacks } from '../../src/services/flush-write-backs.ts';
import { ingestAll } from '../../src/services/ingest-leads.ts';
import { ingestPartners } from '../../src/services/ingest-partners.ts';
import { offerQualifiedLeads } from '../../src/services/offer-leads.ts';
import { qualifyNewLeads } from '../../src/services/qualify-leads.ts';
import { reserve } from '../../src/services/reserve.ts';
import { tick } from '../../src/services/tick.ts';
import { defaultSettings, testClock } from '../support/context.ts';
import type { EngineKind } from '../support/stores.ts';
import { engineKinds, openTestStore } from '../support/stores.ts';

class Rollback extends Error {}

/** `store`, with every root transaction's fn run twice: the first attempt's writes are rolled back. */
function replaying(store: Store, kind: EngineKind): { store: Store; attempts: () => number } {
  let attempts = 0;
  const transaction = async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
    if (kind === 'postgres') {
      let first = true;
      return store.transaction(async (tx) => {
        attempts++;
        const r = await fn(tx);
        if (first) {
          first = false;
          throw Object.assign(new Error('could not serialize access (forced by the test)'), { code: '40001' });
        }
        return r;
      });
    }
    await store.transaction(async (tx) => {
      attempts++;
      await fn(tx);
      throw new Rollback();
    }).catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
    attempts++;
    return store.transaction(fn);
  };
  return { store: { ...store, transaction }, attempts: () => attempts };
}

const lead = (i: number, over: Partial<LeadData> = {}): LeadData => leadDataSchema.parse({
  company: `Company ${i}`, country: 'DE', city: 'Berlin', postalCode: '10115', productInterest: ['heat-pump'], budget: 30_000,
  email: `buyer${i}@customer${i}.test`, ...over,
});

async function* leadPages(): AsyncGenerator<Page<PulledLead>> {
  const stamp = '2026-11-02T08:00:00.000Z';
  const item = (id: string, data: LeadData): PulledLead => ({ kind: 'lead', externalId: id, stamp, data, converted: false, opportunityId: null });
  yield {
    items: [item('00Q1', lead(1)), item('00Q2', lead(2)), item('00Q3', lead(3)),
      { kind: 'quarantined', externalId: '00QX', stamp, reason: { code: 'MAPPING.INVALID', message: 'bad country' }, raw: {} }],
    cursor: { stamp, lastId: '00QX' },
  };
  // Duplicates of 00Q1 (same email): rejected by qualification, written back at once.
  yield { items: [item('00Q4', lead(4)), item('00Q5', lead(5, { email: 'buyer1@customer1.test' })), item('00Q6', lead(6, { email: 'buyer1@customer1.test' }))], cursor: { stamp, lastId: '00Q6' } };
}

async function* partnerPages(): AsyncGenerator<Page<PulledPartner>> {
  const partner = (i: number): PulledPartner => ({
    kind: 'partner', externalId: `P${i}`, data: partnerDataSchema.parse({ name: `Partner ${i}`, countries: ['DE'], products: ['heat-pump'], level: 'gold' }),
  });
  yield { items: [1, 2, 3, 4].map(partner), cursor: { stamp: '2026-11-01T00:00:00.000Z', lastId: 'P4' } };
  yield {
    items: [5, 6, 7, 8].map(partner).concat([{ kind: 'user', externalId: 'U1', partnerExternalId: 'P1', email: 'sales@p1.test', name: 'Sales' }]),
    cursor: { stamp: '2026-11-01T00:00:00.000Z', lastId: 'P8' },
  };
}

/** Answers each batch of write-backs in turn: ok, retry, failed, gone. */
function fakeConnector(): CrmConnector {
  const answers: WriteOutcome[] = [
    { status: 'ok', crmId: null },
    { status: 'retry', code: 'UNABLE_TO_LOCK_ROW', message: 'locked', retryAfterMs: null },
    { status: 'failed', reason: { code: 'INVALID_FIELD', message: 'bad value' } },
    { status: 'gone', code: 'ENTITY_IS_DELETED', message: 'deleted' },
  ];
  const fake: Pick<CrmConnector, 'writeBatchSize' | 'write' | 'verify'> = {
    writeBatchSize: 200,
    write: async (wbs) => wbs.map((_, k) => answers[k % answers.length]!),
    verify: async (wbs) => wbs.map(() => false),
  };
  return fake as CrmConnector;
}

/** The whole pipeline once, then a tick a month later (waves end, a reservation is revoked), then a flush. */
async function pipeline(store: Store) {
  const clock = testClock();
  const ctx: ServiceContext = {
    store, clock, ids: { next: () => randomUUID() }, random: seededRandom(42), logger: nullLogger,
    settings: defaultSettings({ matching: matchingConfigSchema.parse({ offerCount: 3 }) }),
  };
  const signal = new AbortController().signal;
  const partners = await ingestPartners(ctx, 'salesforce', 'Account', partnerPages());
  const leads = await ingestAll(ctx, 'salesforce', 'Lead', leadPages());
  const qualification = await qualifyNewLeads(ctx, signal);
  const offers = await offerQualifiedLeads(ctx, signal);
  const held = (await store.leads.list({ status: ['offered'] }))[0]!;
  const offer = (await store.offers.listByLead(held.id))[0]!;
  expect((await reserve(ctx, { leadId: held.id, partnerId: offer.partnerId, userId: null })).ok).toBe(true);
  clock.advance(30 * DAY);
  const ticked = await tick(ctx, signal);
  const writeBacks = await flushWriteBacks(ctx, fakeConnector(), signal);
  return { partners, leads, qualification, offers, tick: ticked, writeBacks };
}

describe.each(engineKinds)('transaction callbacks run twice (%s): run summaries count once', (kind) => {
  const open: Store[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  const fresh = async (): Promise<Store> => {
    const s = await openTestStore(kind);
    open.push(s);
    return s;
  };

  it('ingest, qualify, offer, tick and flush report the same summaries with and without re-runs', async () => {
    const plain = await pipeline(await fresh());
    const stored = await fresh();
    const twice = replaying(stored, kind);
    const replayed = await pipeline(twice.store);

    expect(replayed).toEqual(plain);
    // Every stage did something, and every transaction really ran twice.
    expect(plain).toMatchObject({
      partners: { created: 8, users: 1, pages: 2, quarantined: 0 },
      leads: { created: 6, quarantined: 1, pages: 2 },
      qualification: { qualified: 4, rejected: 2, needs_qualification: 0 },
      offers: { leads: 4, offers: 12, unmatched: 0 },
    });
    expect(plain.tick.expiredOffers).toBeGreaterThan(0);
    expect(plain.tick.nextWaves + plain.tick.escalated).toBeGreaterThan(0);
    expect(plain.tick.revoked).toBe(1);
    expect(plain.writeBacks).toMatchObject({ ok: expect.any(Number) as unknown, stopped: null });
    expect(plain.writeBacks.retried + plain.writeBacks.quarantined + plain.writeBacks.gone).toBeGreaterThan(0);
    expect(twice.attempts()).toBeGreaterThanOrEqual(2 * 10);
    expect(twice.attempts() % 2).toBe(0);

    // What the summaries say matches what was stored.
    expect((await stored.partners.list()).length).toBe(replayed.partners.created);
    expect((await stored.offers.countByStatus())).toMatchObject({ expired: replayed.tick.expiredOffers });
    expect((await stored.outbox.backlog()).quarantined).toBe(replayed.writeBacks.quarantined);
  });
});
