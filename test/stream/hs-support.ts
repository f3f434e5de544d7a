// A HubSpot realtime environment: the emulator over a real socket, the app from a config file (real SQLite), the
// web server with POST /hooks/hubspot, the inbox drainer and the realtime ingestor, and the emulator's app
// webhook subscriptions pointed at the server.
import { appendFileSync } from 'node:fs';
import { seedHubSpotContacts, seedHubSpotPartners } from '../../src/demo/hubspot-seed.ts';
import type { WebhookSettings } from '../../src/emulators/hubspot/webhooks.ts';
import { buildApp } from '../../src/runtime/app.ts';
import type { App } from '../../src/runtime/app.ts';
import { runSyncCycle } from '../../src/sync/cycle.ts';
import { InboxDrainer } from '../../src/sync/realtime-inbox.ts';
import { RealtimeIngestor } from '../../src/sync/realtime.ts';
import { startWebRuntime } from '../../src/web/server.ts';
import type { WebRuntime } from '../../src/web/server.ts';
import { startHubSpotHarness } from '../connectors/hubspot/harness.ts';
import type { HubSpotHarness } from '../connectors/hubspot/harness.ts';

export const APP_SECRET = 'hubspot-app-client-secret-for-tests';

export interface HsRealtime {
  readonly h: HubSpotHarness;
  readonly app: App;
  readonly ingestor: RealtimeIngestor;
  readonly drainer: InboxDrainer;
  readonly web: WebRuntime;
  /** The receiver's URL (http://127.0.0.1:<port>/hooks/hubspot). */
  readonly hookUrl: string;
  /** Contacts seeded as not yet MQL (lifecyclestage lead); call before subscribe(). */
  contacts(n: number): string[];
  subscribe(over?: Partial<WebhookSettings>): void;
  close(): Promise<void>;
}

export async function startHsRealtime(opts: { partners?: number; windowMs?: number; maxAgeSeconds?: number } = {}): Promise<HsRealtime> {
  const h = await startHubSpotHarness({ emulator: { burstLimit: 1000, searchLagMs: 300 }, hubspotLines: ['  rateLimit:', '    burstPer10s: 1000'] });
  appendFileSync(h.configFile, `\nweb:\n  secret: ${'s'.repeat(48)}\n  port: 0\nmetrics:\n  port: 0\n`);
  const setup = await h.cli(['setup', 'hubspot']);
  if (setup.code !== 0) throw new Error(`setup failed: ${setup.err}`);
  seedHubSpotPartners(h.emu, opts.partners ?? 20);
  const first = await h.cli(['sync']);
  if (first.code !== 0) throw new Error(`first sync failed: ${first.err}`);
  const app = await buildApp({ configPath: h.configFile, env: h.env, cwd: h.dir });
  const connector = app.connector();
  const controller = new AbortController();
  const objects = { leads: app.mappings.lead.object, partners: app.mappings.partner.object };
  const ingestor = new RealtimeIngestor({
    ctx: app.ctx, connector, leadObject: objects.leads, windowMs: opts.windowMs ?? 20, signal: controller.signal,
    catchUp: async (signal) => { await runSyncCycle(app.ctx, connector, objects, { signal, flush: false }); },
  });
  const drainer = new InboxDrainer({ store: app.store, crm: 'hubspot', ingestor, now: () => app.ctx.clock.now() });
  const web = await startWebRuntime(app, {
    host: '127.0.0.1', port: 0, mailLoop: false,
    hooks: { secret: APP_SECRET, publicUrl: null, maxAgeMs: (opts.maxAgeSeconds ?? 300) * 1000, onAccepted: () => drainer.wake() },
  });
  const hookUrl = `${web.url ?? ''}/hooks/hubspot`;
  let seeded = 0;
  return {
    h, app, ingestor, drainer, web, hookUrl,
    contacts(n) {
      // Once per environment (the demo seeder always starts at the same people): MQL-ready data, stage `lead`.
      if (seeded > 0) throw new Error('contacts() seeds once per environment');
      seeded = n;
      const ids = seedHubSpotContacts(h.emu, n, { mqlShare: 1, incompleteMqls: 0, seed: 11 });
      for (const id of ids) h.emu.update('contacts', id, { lifecyclestage: 'lead' });
      return ids;
    },
    subscribe(over = {}) {
      h.emu.webhooks.configure({
        targetUrl: hookUrl, clientSecret: APP_SECRET, flushMs: 10, retryDelayMs: 50,
        subscriptions: [{ type: 'contact.creation' }, { type: 'contact.propertyChange', propertyName: 'lifecyclestage' }, { type: 'contact.propertyChange', propertyName: 'city' }, { type: 'contact.deletion' }, { type: 'contact.merge' }],
        ...over,
      });
    },
    async close() {
      h.emu.webhooks.disable();
      await drainer.stop();
      await ingestor.idle();
      controller.abort();
      await web.close();
      await app.close();
      await h.close();
    },
  };
}
