// The daemon with `realtime.enabled`: the change stream is subscribed at start and a lead becoming MQL is offered
// without waiting for the (safety-net) poll schedule; stopping drains it.
import { afterEach, expect, it } from 'vitest';
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import { buildApp } from '../../src/runtime/app.ts';
import type { App } from '../../src/runtime/app.ts';
import { runDaemon } from '../../src/scheduler/daemon.ts';
import { startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { coldLeads, eventually, MQL_STATUS } from './sf-support.ts';

let h: Harness | null = null;
let app: App | null = null;
afterEach(async () => {
  await app?.close();
  await h?.close();
  app = null;
  h = null;
});

it('daemon: realtime on, polling only on the safety-net schedule; a lead becoming MQL is offered from its change event', async () => {
  h = await startHarness({ emulator: { streaming: { connectTimeoutMs: 5_000 } }, extraConfig: 'realtime:\n  enabled: true\n  windowMs: 20\n  safetyNetSync: "0 0 1 1 *"\n' });
  const harness = h;
  expect((await harness.cli(['setup', 'salesforce'])).code).toBe(0);
  seedDemoOrg(harness.emu, { partners: 20, leads: 0, mqlShare: 1, incompleteMqls: 0 });
  const [id] = harness.emu.seed('Lead', coldLeads(1));
  const a = await buildApp({ configPath: harness.configFile, env: harness.env, cwd: harness.dir });
  app = a;
  let stop: () => void = () => undefined;
  const stopWhen = new Promise<void>((r) => { stop = r; });
  const cycles: unknown[] = [];
  const daemon = runDaemon(a, { runAtStart: true, stopWhen, onCycle: (s) => cycles.push(s) });
  // The start-up sync loads the partners; after it, only the stream brings the lead in.
  await eventually(async () => cycles.length >= 1, 'the start-up sync');
  await eventually(async () => harness.emu.streaming.clients().some((c) => c.channels.includes('/data/LeadChangeEvent')), 'the subscription');
  harness.emu.update('Lead', id ?? '', { Status: MQL_STATUS });
  const lead = await eventually(async () => {
    const l = await a.store.leads.getByExternalId('salesforce', id ?? '');
    return l?.status === 'offered' ? l : null;
  }, 'the lead offered');
  expect((await a.store.offers.listByLead(lead.id)).some((o) => o.status === 'open')).toBe(true);
  expect(cycles).toHaveLength(1);
  stop();
  const r = await daemon;
  expect(r.drained).toBe(true);
});
