// A Salesforce realtime environment: the emulator over a real socket, the app built from a config file (real
// SQLite file), partners loaded by one sync, and the realtime ingestor subscribed through jsforce's streaming client.
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { ChangeStream } from '../../src/connectors/contract.ts';
import { leadRecords, MQL_STATUS } from '../../src/demo/seed-data.ts';
import { buildApp } from '../../src/runtime/app.ts';
import type { App } from '../../src/runtime/app.ts';
import { runSyncCycle } from '../../src/sync/cycle.ts';
import { RealtimeIngestor, startChangeStream } from '../../src/sync/realtime.ts';
import { startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';

export interface SfRealtime {
  readonly h: Harness;
  app: App;
  ingestor: RealtimeIngestor;
  stream: ChangeStream | null;
  catchUps: number;
  /** Build the app and subscribe (again, as after a restart). */
  start(): Promise<void>;
  /** Stop the stream and close the app (a process exit). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startSfRealtime(opts: { partners?: number; windowMs?: number } = {}): Promise<SfRealtime> {
  const h = await startHarness({ emulator: { streaming: { connectTimeoutMs: 5_000 } } });
  const setup = await h.cli(['setup', 'salesforce']);
  if (setup.code !== 0) throw new Error(`setup failed: ${setup.err}`);
  seedDemoOrg(h.emu, { partners: opts.partners ?? 20, leads: 0, mqlShare: 1, incompleteMqls: 0 });
  const first = await h.cli(['sync']);
  if (first.code !== 0) throw new Error(`first sync failed: ${first.err}`);
  let controller = new AbortController();
  const env: SfRealtime = {
    h, catchUps: 0,
    app: undefined as unknown as App, ingestor: undefined as unknown as RealtimeIngestor, stream: null,
    async start() {
      controller = new AbortController();
      const app = await buildApp({ configPath: h.configFile, env: h.env, cwd: h.dir });
      const connector = app.connector();
      const objects = { leads: app.mappings.lead.object, partners: app.mappings.partner.object };
      env.app = app;
      env.ingestor = new RealtimeIngestor({
        ctx: app.ctx, connector, leadObject: objects.leads, windowMs: opts.windowMs ?? 20, signal: controller.signal,
        catchUp: async (signal) => {
          env.catchUps++;
          const s = await runSyncCycle(app.ctx, connector, objects, { signal, flush: false });
          if (!s.ok && s.error !== null) throw new Error(s.error);
        },
      });
      env.stream = await startChangeStream(env.ingestor, { ctx: app.ctx, connector, channel: '/data/LeadChangeEvent', signal: controller.signal });
    },
    async stop() {
      await env.stream?.close();
      await env.ingestor.idle();
      controller.abort();
      await env.app.close();
    },
    async close() {
      await env.stop().catch(() => undefined);
      await h.close();
    },
  };
  await env.start();
  return env;
}

/** Leads `from` … `from + n − 1` of one demo sequence (distinct people: no duplicate rule fires), not yet MQL. */
export function coldLeads(n: number, from = 0): Array<Record<string, unknown>> {
  return leadRecords(from + n, { mqlShare: 1, incompleteMqls: 0, seed: 11 }).slice(from).map((r) => ({ ...r, Status: 'Open - Not Contacted' }));
}

export { MQL_STATUS };

/** Poll until `check` returns a value (bounded; for waiting on asynchronous delivery, never for asserting timing). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
