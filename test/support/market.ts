// Seeding for marketplace tests: partners that serve Germany and sell heat pumps, qualified leads (hot, warm or
// cold), and offers made directly (no matching) so a test decides exactly who sees what.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger } from '../../src/lib/logger.ts';
import type { ServiceContext, ServiceSettings } from '../../src/services/context.ts';
import { seededRandom } from '../../src/services/context.ts';
import { openStoreAt, testStoreUrl } from './stores.ts';
import type { TestContext } from './context.ts';
import { defaultSettings, testClock } from './context.ts';
import type { Lead, Temperature } from '../../src/domain/lead.ts';
import { leadDataSchema } from '../../src/domain/lead.ts';
import { applyQualification, markOffered } from '../../src/domain/lifecycle.ts';
import type { Partner } from '../../src/domain/partner.ts';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import type { Store } from '../../src/domain/ports.ts';

export async function seedPartners(store: Store, n: number, now: Date, prefix = 'P'): Promise<Partner[]> {
  const ext = Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
  await store.partners.upsertMany(ext.map((e) => ({
    crm: 'salesforce' as const, externalId: e, contentHash: `h-${e}`,
    data: partnerDataSchema.parse({ name: `Partner ${e}`, countries: ['DE'], products: ['heat-pump'], level: 'gold' }),
  })), now, () => `partner-${randomUUID()}`);
  const out: Partner[] = [];
  for (const e of ext) out.push((await store.partners.getByExternalId(e))!);
  return out;
}

export const secrets = { firstName: 'Jana', lastName: 'Geheimnis', email: 'jana.geheimnis@customer.test', phone: '+49 30 5550123', street: 'Verborgene Straße 7' };

/** A qualified lead (status `qualified`, the given temperature), not yet offered. */
export async function seedQualifiedLead(store: Store, externalId: string, temperature: Temperature, now: Date): Promise<Lead> {
  const data = leadDataSchema.parse({
    ...secrets, company: `Company ${externalId}`, country: 'DE', city: 'Berlin', postalCode: '10115', productInterest: ['heat-pump'],
    budget: 30_000, source: 'Web', remarks: 'call after 5pm', temperature,
  });
  const [o] = await store.leads.upsertIncoming([{
    crm: 'salesforce', externalId, data, contentHash: `h-${externalId}`, crmStamp: now.toISOString(), crmConverted: false, crmOpportunityId: null,
  }], now, () => `lead-${externalId}`);
  const lead = o!.lead;
  const r = applyQualification(lead, { outcome: 'qualified', reasons: [], temperature, decidedAt: now, decidedBy: 'rules' }, now);
  if (!r.ok) throw new Error(r.error.message);
  const next = { ...r.value, version: lead.version + 1 };
  if (!(await store.leads.save(next))) throw new Error('save');
  return next;
}

/** Offer a qualified lead to these partners as wave 1, ending at `expiresAt`. */
export async function offerTo(store: Store, lead: Lead, partners: readonly Partner[], now: Date, expiresAt: Date): Promise<Lead> {
  const r = markOffered(lead, 1, now);
  if (!r.ok) throw new Error(r.error.message);
  const next = { ...r.value, version: lead.version + 1 };
  if (!(await store.leads.save(next))) throw new Error('save');
  await store.offers.createMany(partners.map((p, i) => ({
    leadId: lead.id, partnerId: p.id, wave: 1, score: 50, rank: i + 1, offeredAt: now, expiresAt, explanation: {},
  })), () => randomUUID());
  return next;
}

/** Keep the event loop busy with synchronous work in slices, as a loaded process would be; returns stop(). */
export function cpuLoad(sliceMs = 4): () => void {
  let on = true;
  const spin = (): void => {
    if (!on) return;
    const until = performance.now() + sliceMs;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    setImmediate(spin);
  };
  setImmediate(spin);
  return () => { on = false; };
}

export interface MarketContext extends TestContext {
  /** The store's url: child processes open the same store (a SQLite file, or a PostgreSQL schema). */
  readonly url: string;
  /** A path in the context's temp directory (the SQLite file on SQLite), for files beside the store. */
  readonly file: string;
}

/** testContext with the store's url exposed (child processes open the same store). */
export async function marketContext(over: Partial<ServiceSettings> = {}, start?: string): Promise<MarketContext> {
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-market-'));
  const file = join(dir, 'market.db');
  const where = await testStoreUrl(`sqlite:${file}`);
  const store = await openStoreAt(where);
  const clock = testClock(start);
  const ctx: ServiceContext = {
    store, clock, ids: { next: () => randomUUID() }, random: seededRandom(42), logger: nullLogger, settings: defaultSettings(over),
  };
  return {
    ctx, clock, store, file, url: where.url,
    async close() {
      await store.close();
      await where.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
