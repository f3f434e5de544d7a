// Acceptance (issue #9): two real `leadrelay serve` processes on one store behind an imaginary load balancer.
// 200 concurrent reservation attempts from 50 partners' users, spread evenly over both servers, give exactly one
// 2xx winner and 199 OFFER.ALREADY_TAKEN; the store shows one reservation. Rate limits are counted in the
// store, so hits on server A count on server B. The store URL comes from testStoreUrl() (PostgreSQL later).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner, User } from '../../src/domain/partner.ts';
import type { Store } from '../../src/domain/ports.ts';
import { openStore } from '../../src/store/index.ts';
import { newApiToken } from '../../src/web/auth/tokens.ts';
import { offerTo, seedPartners, seedQualifiedLead } from '../support/market.ts';
import type { Instance } from './processes.ts';
import { startServe, writeClusterConfig } from './processes.ts';
import type { TestStoreLocation } from './store-url.ts';
import { testStoreUrl } from './store-url.ts';

const HOUR = 3_600_000;
const ACTIONS_PER_MINUTE = 10;

interface Answer { server: 'A' | 'B'; partnerId: string; status: number; code: string | null }

async function userWithToken(store: Store, partner: Partner, name: string): Promise<{ user: User; token: string }> {
  const user: User = { id: `u-${randomUUID()}`, email: `${name}-${randomUUID().slice(0, 8)}@partner.example`, name, orgId: partner.id, roles: ['partner_manager'], active: true, externalId: null };
  await store.users.upsert(user);
  const t = newApiToken();
  await store.identity.createApiToken({ id: t.id, userId: user.id, name: 'cluster test', createdAt: new Date(), hash: t.hash });
  return { user, token: t.token };
}

/** Fixed one-minute windows start at whole minutes: begin a counting test early in one, so it cannot straddle two. */
async function earlyInAWindow(): Promise<void> {
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 200));
}

describe('two web servers on one store', () => {
  let loc: TestStoreLocation;
  let dir: string;
  let store: Store;
  let a: Instance & { url: string };
  let b: Instance & { url: string };
  let partners: Partner[];

  beforeAll(async () => {
    loc = await testStoreUrl('web');
    dir = mkdtempSync(join(tmpdir(), 'leadrelay-cluster-web-'));
    store = await openStore({ url: loc.url });
    partners = await seedPartners(store, 50, new Date(), `W${randomUUID().slice(0, 6)}-`);
    const config = writeClusterConfig(dir, {
      storeUrl: loc.url, crmUrl: 'http://127.0.0.1:9',
      extra: ['web:', '  host: 127.0.0.1', '  secret: ${LEADRELAY_WEB_SECRET}', '  rateLimit:', `    actionsPerMinute: ${ACTIONS_PER_MINUTE}`],
    });
    // The same web.secret on every instance: CSRF tokens and signed mail links made by one verify on the other.
    const env = { LEADRELAY_WEB_SECRET: 'cluster-secret-cluster-secret-0123456789' };
    [a, b] = await Promise.all([startServe('A', config, dir, env), startServe('B', config, dir, env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
    await loc?.cleanup();
  });

  it('200 concurrent reservations over both servers → one 2xx winner, 199 OFFER.ALREADY_TAKEN, one reservation stored', async () => {
    const now = new Date();
    const lead = await seedQualifiedLead(store, `RACE-${randomUUID()}`, 'warm', now);
    await offerTo(store, lead, partners, now, new Date(now.getTime() + 24 * HOUR));
    const tokens = await Promise.all(partners.map((p, i) => userWithToken(store, p, `racer${i}`)));
    const answers: Answer[] = await Promise.all(Array.from({ length: 200 }, async (_, i): Promise<Answer> => {
      const server = i % 2 === 0 ? a : b;
      const who = tokens[i % 50]!;
      const res = await fetch(`${server.url}/api/v1/leads/${lead.id}/reserve`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` } });
      const body = (await res.json()) as { error?: { code: string } };
      return { server: server === a ? 'A' : 'B', partnerId: who.user.orgId, status: res.status, code: body.error?.code ?? null };
    }));
    const winners = answers.filter((x) => x.status >= 200 && x.status < 300);
    expect(winners).toHaveLength(1);
    const losers = answers.filter((x) => x !== winners[0]);
    expect(losers.map((x) => `${x.status} ${x.code}`)).toEqual(Array.from({ length: 199 }, () => '409 OFFER.ALREADY_TAKEN'));
    // Spread over both servers, and both refused the losers (neither let a second one through).
    expect(answers.filter((x) => x.server === 'A')).toHaveLength(100);
    expect(new Set(losers.map((x) => x.server))).toEqual(new Set(['A', 'B']));
    const winner = winners[0]!.partnerId;
    expect(await store.leads.get(lead.id)).toMatchObject({ status: 'reserved', partnerId: winner });
    const offers = await store.offers.listByLead(lead.id);
    expect(offers.filter((o) => o.status === 'reserved').map((o) => o.partnerId)).toEqual([winner]);
    expect((await store.events.listByLead(lead.id)).filter((e) => e.type === 'reserved')).toHaveLength(1);
  }, 120_000);

  it('the per-user action limit holds across servers: hits on A count on B', async () => {
    const { token } = await userWithToken(store, partners[0]!, 'limited');
    const hit = async (server: Instance & { url: string }) => {
      const res = await fetch(`${server.url}/api/v1/leads/no-such-lead/reserve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code ?? null };
    };
    await earlyInAWindow();
    const onA = [];
    for (let i = 0; i < 6; i++) onA.push(await hit(a));
    const onB = [];
    for (let i = 0; i < 6; i++) onB.push(await hit(b));
    // 10 per minute in all: A's 6 and B's first 4 get through to the handler (404: no such lead), the rest are 429.
    expect(onA.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(onB.map((r) => r.status)).toEqual([404, 404, 404, 404, 429, 429]);
    expect(onB.at(-1)?.code).toBe('REQUEST.RATE_LIMITED');
    // Another user is not affected on either server.
    const other = await userWithToken(store, partners[1]!, 'unlimited');
    const res = await fetch(`${a.url}/api/v1/leads/no-such-lead/reserve`, { method: 'POST', headers: { authorization: `Bearer ${other.token}` } });
    expect(res.status).toBe(404);
  }, 120_000);
});
