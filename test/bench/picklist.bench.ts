// Pick-list benchmark: the page a partner opens most, served by the real web app on 127.0.0.1 and hammered with
// autocannon for a bounded time. Seed: 50 partners, 5,000 offered leads, each offered to 3 partners (~300 open
// offers per partner; the page renders the newest 100 teasers). Every request authenticates the session cookie
// against the database and computes the slice, as in production. No assertions: figures for `npm run bench`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { configSchema } from '../../src/config/schema.ts';
import { leadDataSchema } from '../../src/domain/lead.ts';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { createNotifier } from '../../src/notify/notifier.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { contentHash, seededRandom } from '../../src/services/context.ts';
import { openStore } from '../../src/store/index.ts';
import { buildWebApp } from '../../src/web/app.ts';
import { randomToken, sha256 } from '../../src/web/auth/tokens.ts';
import { defaultSettings } from '../support/context.ts';

export interface PickListFigures {
  readonly leads: number;
  readonly partners: number;
  readonly teasersPerPage: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly seconds: number;
  readonly apiRequestsPerSecond: number;
  readonly apiP99Ms: number;
}

export async function benchPickList(o: { leads?: number; partners?: number; seconds?: number; connections?: number } = {}): Promise<PickListFigures> {
  const leads = o.leads ?? 5000;
  const partners = o.partners ?? 50;
  const seconds = o.seconds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-bench-web-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'bench.db')}` });
  const now = new Date();
  const ctx: ServiceContext = { store, clock: { now: () => new Date() }, ids: { next: () => randomUUID() }, random: seededRandom(1), logger: nullLogger, settings: defaultSettings() };
  try {
    const pData = Array.from({ length: partners }, (_, i) => partnerDataSchema.parse({ name: `Partner ${i}`, country: 'DE', products: ['heatpump'] }));
    await store.partners.upsertMany(pData.map((d, i) => ({ crm: 'local' as const, externalId: `P${i}`, data: d, contentHash: contentHash(d) })), now, () => randomUUID());
    const ids = (await store.partners.list()).map((p) => p.id);
    const rows = Array.from({ length: leads }, (_, i) => {
      const data = leadDataSchema.parse({ lastName: `Person ${i}`, email: `p${i}@example.test`, company: `Company ${i}`, city: 'Leipzig', postalCode: '04109', region: 'SN', country: 'DE', productInterest: ['heatpump', 'pv'], source: 'Demo Request', budget: 20_000 + i, remarks: 'Wants an offer before winter.' });
      return { crm: 'salesforce' as const, externalId: `L${i}`, data, contentHash: contentHash(data), crmStamp: now.toISOString(), crmConverted: false, crmOpportunityId: null };
    });
    const created = await store.leads.upsertIncoming(rows, now, () => randomUUID());
    await store.transaction(async (tx) => {
      for (const [i, c] of created.entries()) {
        await tx.leads.save({ ...c.lead, status: 'offered', wave: 1, temperature: 'warm', version: c.lead.version + 1 });
        await tx.offers.createMany([0, 1, 2].map((k) => ({
          leadId: c.lead.id, partnerId: ids[(i + k * 17) % ids.length]!, wave: 1, score: 50, rank: k + 1,
          offeredAt: new Date(now.getTime() - i * 1000), expiresAt: new Date(now.getTime() + 86_400_000), explanation: {},
        })), () => randomUUID());
      }
    });
    const user = { id: 'u-bench', email: 'bench@partner.test', name: 'Bench', orgId: ids[0]!, roles: ['partner_manager' as const], active: true, externalId: null };
    await store.users.upsert(user);
    const session = randomToken();
    await store.identity.createSession({ hash: sha256(session), userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000) });
    const token = `lr_bench_${randomToken()}`;
    await store.identity.createApiToken({ id: 'bench', userId: user.id, name: 'bench', createdAt: now, hash: sha256(token) });

    const defaults = configSchema.parse({});
    const web = { ...defaults.web, secret: 'bench-secret-bench-secret-bench-secret-000', rateLimit: { loginPerMinute: 5, actionsPerMinute: 60, readsPerMinute: 10_000_000 } };
    const notifier = createNotifier({ store, settings: ctx.settings, web, mail: defaults.mail, clock: ctx.clock, logger: nullLogger, transport: null });
    const app = await buildWebApp({ ctx, web, notifier, logger: nullLogger });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const page = await fetch(`${base}/picks`, { headers: { cookie: `lr_session=${session}` } });
      const teasersPerPage = ((await page.text()).match(/class="card offer"/g) ?? []).length;
      const html = await autocannon({ url: `${base}/picks`, connections: o.connections ?? 10, duration: seconds, headers: { cookie: `lr_session=${session}` } });
      const api = await autocannon({ url: `${base}/api/v1/offers`, connections: o.connections ?? 10, duration: Math.max(1, Math.round(seconds / 2)), headers: { authorization: `Bearer ${token}` } });
      return {
        leads, partners, teasersPerPage, requestsPerSecond: html.requests.average, p50Ms: html.latency.p50, p99Ms: html.latency.p99,
        errors: html.errors + html.non2xx + api.errors + api.non2xx, seconds, apiRequestsPerSecond: api.requests.average, apiP99Ms: api.latency.p99,
      };
    } finally {
      await app.close();
      await notifier.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node --import tsx test/bench/picklist.bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchPickList(process.env["BENCH_SECONDS"] === undefined ? {} : { seconds: Number(process.env["BENCH_SECONDS"]) }));
