// A full leadrelay cycle against the HubSpot emulator under the account's real burst limit (100 requests per rolling
// 10 s), on one clock shared by the emulator, the app and the connector, which moves only when leadrelay waits: the
// run takes as long on the account's clock as it would in production, and no time in the test. Used by the rate-limit
// acceptance test and `npm run bench`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cycleObjects } from '../../../src/cli/commands/sync.ts';
import { createHubSpotConnector } from '../../../src/connectors/hubspot/connector.ts';
import { RateLimiter } from '../../../src/connectors/hubspot/limiter.ts';
import { storeTokens } from '../../../src/connectors/registry.ts';
import { seedHubSpotDemo } from '../../../src/demo/hubspot-seed.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import type { CallStats, FaultRule, HubSpotEmulatorOptions } from '../../../src/emulators/hubspot/index.ts';
import { nullLogger } from '../../../src/lib/logger.ts';
import { buildApp } from '../../../src/runtime/app.ts';
import { recordFeedback } from '../../../src/services/feedback.ts';
import { reserve } from '../../../src/services/reserve.ts';
import type { CycleSummary } from '../../../src/sync/cycle.ts';
import { runSyncCycle } from '../../../src/sync/cycle.ts';
import { repoRoot } from './env.ts';

export interface ScenarioResult {
  readonly first: CycleSummary;
  /** The cycle after partners reserved and reported feedback (deals created). */
  readonly second: CycleSummary;
  readonly emulator: CallStats;
  /** Seconds on the account's clock the two cycles took (waits for the rate limit included). */
  readonly accountSeconds: number;
  readonly limiterWaits: { count: number; ms: number };
  readonly deals: number;
  /** Injected faults that fired (429s other apps cause). */
  readonly faultsFired: number;
}

export async function hubspotScenario(opts: { contacts: number; mqls: number; partners: number; deals: number; emulator?: HubSpotEmulatorOptions; faults?: readonly FaultRule[] }): Promise<ScenarioResult> {
  const t = { ms: Date.UTC(2026, 0, 12, 9, 0, 0) };
  const now = (): Date => new Date(t.ms);
  const emu = await startHubSpotEmulator({ now, burstLimit: 100, ...opts.emulator });
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-hs-cycle-'));
  const configFile = join(dir, 'leadrelay.yaml');
  writeFileSync(configFile, `crm: hubspot\nmappingsDir: ${JSON.stringify(join(repoRoot, 'mappings'))}\nstore:\n  url: sqlite:cycle.db\nhubspot:\n  baseUrl: ${emu.url}\n  auth:\n    accessToken: ${emu.token}\nlog:\n  level: warn\n`);
  const app = await buildApp({ configPath: configFile, env: {}, cwd: dir, clock: { now }, logger: nullLogger, random: () => 0.5 });
  const limiter = new RateLimiter(app.config.hubspot.rateLimit);
  const connector = createHubSpotConnector({
    config: app.config.hubspot, sync: app.config.sync, mappings: app.mappings, tokens: storeTokens(app.store, 'hubspot', now),
    logger: nullLogger, now, sleep: async (ms) => { t.ms += ms; }, random: () => 0.5, limiter,
  });
  try {
    const signal = new AbortController().signal;
    const setup = await connector.setup({ plan: false, signal });
    if (setup.errors.length > 0) throw new Error(setup.errors.join('; '));
    seedHubSpotDemo(emu, { partners: opts.partners, leads: opts.contacts, mqlShare: opts.mqls / opts.contacts, incompleteMqls: 0, now: now() });
    emu.resetCalls();
    for (const f of opts.faults ?? []) emu.faults.add(f);
    const start = t.ms;
    const first = await runSyncCycle(app.ctx, connector, cycleObjects(app), { signal });
    // Partners reserve and report: every lead reaches a proposal (a deal), in the next cycle's write-back.
    const offered = await app.store.leads.list({ status: ['offered'], limit: opts.deals });
    for (const lead of offered) {
      const offer = (await app.store.offers.listByLead(lead.id)).find((o) => o.status === 'open');
      if (offer === undefined || !(await reserve(app.ctx, { leadId: lead.id, partnerId: offer.partnerId, userId: null })).ok) continue;
      for (const status of ['contacted', 'meeting', 'proposal'] as const) {
        await recordFeedback(app.ctx, { leadId: lead.id, partnerId: offer.partnerId, userId: null, status, amount: status === 'proposal' ? 20_000 : null, closeDate: null, lostReason: null, comment: null });
      }
    }
    t.ms += 60_000;
    const second = await runSyncCycle(app.ctx, connector, cycleObjects(app), { signal });
    return {
      first, second, emulator: emu.calls(), accountSeconds: (t.ms - start) / 1000, deals: emu.all('deals').length,
      limiterWaits: { ...limiter.waits }, faultsFired: emu.faults.injected(),
    };
  } finally {
    await connector.close();
    await app.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
