// Daemon memory over 24 simulated hours: the sync and tick jobs every 5 minutes of an injected clock (288
// cycles) against the emulator, 10 new MQLs per cycle, some reservations and feedback. Heap after a forced GC
// (run with --expose-gc) is sampled after warm-up and at the end: a leak shows as steady growth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoOrg, useEmulator } from '../../src/cli/commands/demo.ts';
import { leadRecords } from '../../src/demo/seed-data.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { buildApp } from '../../src/runtime/app.ts';
import { recordFeedback } from '../../src/services/feedback.ts';
import { reserve } from '../../src/services/reserve.ts';
import { tick } from '../../src/services/tick.ts';
import { runSyncCycle } from '../../src/sync/cycle.ts';
import { testClock } from '../support/context.ts';
import { repoRoot } from '../support/harness.ts';

export interface SoakFigures { cycles: number; simulatedHours: number; heapAfterWarmupMb: number; heapAtEndMb: number; heapGrowthMb: number; rssAtEndMb: number; leads: number }

const heapMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

export async function benchSoak(cycles = 288): Promise<SoakFigures> {
  const emu = await startSalesforceEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-soak-'));
  const clock = testClock(new Date());
  emu.setClock(() => clock.now());
  const app = await buildApp({
    env: {}, cwd: dir, clock, logger: nullLogger,
    override: (c) => ({ ...useEmulator(c, emu.url, `sqlite:${join(dir, 'soak.db')}`), mappingsDir: join(repoRoot, 'mappings') }),
  });
  const signal = new AbortController().signal;
  try {
    const connector = app.connector();
    await connector.connect(signal);
    await connector.setup({ plan: false, signal });
    seedDemoOrg(emu, { partners: 60, leads: 200, mqlShare: 0.5, incompleteMqls: 5 });
    let warm = 0;
    for (let i = 0; i < cycles; i++) {
      emu.seed('Lead', leadRecords(10, { mqlShare: 1, seed: 1000 + i, now: clock.now(), ageSeconds: 60 }).map((r, k) => ({ ...r, Email: `soak.${i}.${k}@soak.test`, Company: `Soak ${i}-${k} GmbH` })));
      await runSyncCycle(app.ctx, connector, { leads: 'Lead', partners: 'Account' }, { signal });
      await tick(app.ctx, signal);
      const [lead] = await app.store.leads.list({ status: ['offered'], limit: 1 });
      const offer = lead === undefined ? undefined : (await app.store.offers.listByLead(lead.id)).find((o) => o.status === 'open');
      if (lead !== undefined && offer !== undefined && (await reserve(app.ctx, { leadId: lead.id, partnerId: offer.partnerId, userId: null })).ok) {
        await recordFeedback(app.ctx, { leadId: lead.id, partnerId: offer.partnerId, userId: null, status: 'contacted' });
      }
      clock.advance(5 * 60_000);
      if (i === 30) warm = heapMb();
    }
    const end = heapMb();
    const counts = await app.store.leads.countByStatus();
    return {
      cycles, simulatedHours: (cycles * 5) / 60, heapAfterWarmupMb: warm, heapAtEndMb: end, heapGrowthMb: end - warm,
      rssAtEndMb: process.memoryUsage().rss / 2 ** 20, leads: Object.values(counts).reduce((a, b) => a + b, 0),
    };
  } finally {
    await app.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
