// HubSpot webhooks into the pipeline: the emulator's app subscriptions POST signed batches to /hooks/hubspot; the
// receiver verifies (v3), stores in the inbox (deduplicated), answers 204; the contacts are re-read in a batch
// and offered. Refusals (bad signature, stale timestamp), duplicates and shuffled delivery are pinned here.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signV3, verifyV3 } from '../../src/connectors/hubspot/webhooks.ts';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import type { HsRealtime } from './hs-support.ts';
import { APP_SECRET, startHsRealtime } from './hs-support.ts';
import { eventually } from './sf-support.ts';

let env: HsRealtime | null = null;
afterEach(async () => { await env?.close(); env = null; });

async function offered(e: HsRealtime, id: string) {
  const lead = await e.app.store.leads.getByExternalId('hubspot', id);
  if (lead === null || lead.status !== 'offered') return null;
  return (await e.app.store.offers.listByLead(lead.id)).some((o) => o.status === 'open') ? lead : null;
}

function post(url: string, body: string, headers: Record<string, string>) {
  return fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('HubSpot emulator webhook delivery', () => {
  it('signs each batch (v3) and retries non-2xx answers with a growing attemptNumber', async () => {
    const emu = await startHubSpotEmulator();
    const seen: Array<{ body: string; sig: string; ts: string }> = [];
    const answers = [500, 503, 204];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ body: Buffer.concat(chunks).toString('utf8'), sig: String(req.headers['x-hubspot-signature-v3']), ts: String(req.headers['x-hubspot-request-timestamp']) });
        res.writeHead(answers[seen.length - 1] ?? 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/hubspot`;
    try {
      emu.webhooks.configure({ targetUrl: url, clientSecret: 'sekret', flushMs: 5, retryDelayMs: 10, subscriptions: [{ type: 'contact.creation' }] });
      const [id] = emu.seed('contacts', [{ email: 'a@b.test', firstname: 'A' }]);
      await eventually(async () => seen.length >= 3, 'three attempts');
      await emu.webhooks.settled();
      expect(emu.webhooks.deliveries().map((d) => [d.status, d.attempt])).toEqual([[500, 1], [503, 2], [204, 3]]);
      for (const [i, s] of seen.entries()) {
        expect(verifyV3({ secret: 'sekret', method: 'POST', uri: url, body: s.body, signature: s.sig, timestamp: s.ts, now: new Date(), maxAgeMs: 300_000 })).toEqual({ ok: true });
        const events = JSON.parse(s.body) as Array<Record<string, unknown>>;
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ subscriptionType: 'contact.creation', objectId: Number(id), attemptNumber: i, portalId: emu.portalId });
      }
    } finally {
      await emu.close();
      server.close();
    }
  });
});

describe('HubSpot realtime (webhooks)', () => {
  it('offers a contact that became MQL, reading it in a batch (no search)', async () => {
    env = await startHsRealtime();
    const e = env;
    const [id] = e.contacts(1);
    e.subscribe();
    const before = e.app.connector().usage().callsByStage;
    e.h.emu.update('contacts', id ?? '', { lifecyclestage: 'marketingqualifiedlead' });
    await eventually(() => offered(e, id ?? ''), 'the contact offered');
    const after = e.app.connector().usage().callsByStage;
    expect((after['read-leads'] ?? 0) - (before['read-leads'] ?? 0)).toBeGreaterThanOrEqual(1);
    expect(after['pull-leads'] ?? 0).toBe(before['pull-leads'] ?? 0);
    expect(await e.app.store.inbox.pending('hubspot', 10)).toEqual([]);
  });

  it('refuses a bad signature and a stale timestamp, and ignores a redelivered eventId', async () => {
    env = await startHsRealtime();
    const e = env;
    const [id] = e.contacts(1);
    const body = JSON.stringify([{ eventId: 777, subscriptionId: 1, portalId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(id), propertyName: 'lifecyclestage', propertyValue: 'marketingqualifiedlead', changeSource: 'CRM' }]);
    const now = String(Date.now());
    const sign = (ts: string, secret = APP_SECRET) => ({ 'X-HubSpot-Signature-v3': signV3(secret, 'POST', e.hookUrl, body, ts), 'X-HubSpot-Request-Timestamp': ts });

    const bad = await post(e.hookUrl, body, sign(now, 'another-secret'));
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK.SIGNATURE_INVALID');
    const tampered = await post(e.hookUrl, body.replace('777', '778'), sign(now));
    expect(tampered.status).toBe(401);
    const stale = await post(e.hookUrl, body, sign(String(Date.now() - 6 * 60_000)));
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK.STALE');
    expect((await post(e.hookUrl, body, {})).status).toBe(401);
    expect(e.ingestor.summary.notices).toBe(0);

    e.h.emu.update('contacts', id ?? '', { lifecyclestage: 'marketingqualifiedlead' });
    expect((await post(e.hookUrl, body, sign(now))).status).toBe(204);
    await eventually(() => offered(e, id ?? ''), 'the contact offered');
    await e.ingestor.idle();
    const notices = e.ingestor.summary.notices;
    expect((await post(e.hookUrl, body, sign(String(Date.now())))).status).toBe(204);
    await e.ingestor.idle();
    expect(e.ingestor.summary.notices).toBe(notices);
  });

  it('ends in the latest state under shuffled, duplicated delivery', async () => {
    env = await startHsRealtime();
    const e = env;
    const ids = e.contacts(5);
    let seed = 42;
    const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    e.subscribe({ shuffle: true, duplicateShare: 0.5, random, flushMs: 30 });
    for (const id of ids) {
      e.h.emu.update('contacts', id, { lifecyclestage: 'marketingqualifiedlead' });
      for (const city of ['Berlin', 'Hamburg', 'Köln']) e.h.emu.update('contacts', id, { city });
    }
    for (const id of ids) await eventually(() => offered(e, id), `contact ${id} offered`);
    await e.h.emu.webhooks.settled();
    await eventually(async () => (await e.app.store.inbox.pending('hubspot', 100)).length === 0, 'the inbox drained');
    await e.ingestor.idle();
    for (const id of ids) {
      const lead = await e.app.store.leads.getByExternalId('hubspot', id);
      expect(lead?.data.city).toBe('Köln');
      expect(new Set((await e.app.store.offers.listByLead(lead?.id ?? '')).map((o) => o.wave)).size).toBe(1);
    }
  });

  it('withdraws the offers of a deleted contact', async () => {
    env = await startHsRealtime();
    const e = env;
    const [id] = e.contacts(1);
    e.subscribe();
    e.h.emu.update('contacts', id ?? '', { lifecyclestage: 'marketingqualifiedlead' });
    await eventually(() => offered(e, id ?? ''), 'the contact offered');
    e.h.emu.remove('contacts', id ?? '');
    await eventually(async () => (await e.app.store.leads.getByExternalId('hubspot', id ?? ''))?.status === 'withdrawn', 'the lead withdrawn');
  });
});
