// Pipeline benchmark: the foundation scenario (5,000 Leads, 3,000 MQL, 200 incomplete) through one `sync`
// against the Salesforce emulator over HTTP. Prints wall time per run and Salesforce API calls per stage next
// to the floor the issue sets (pull ≤ ceil(n/2000)+1 queries, each write stage ≤ ceil(n/200)+1 calls).
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { CycleSummary } from '../../src/sync/cycle.ts';
import { startHarness } from '../support/harness.ts';

export interface PipelineFigures {
  leads: number;
  mqls: number;
  syncSeconds: number;
  secondSyncSeconds: number;
  calls: Record<string, number>;
  limits: Record<string, number>;
  secondSyncCalls: Record<string, number>;
  offers: number;
}

export async function benchPipeline(leads = 5000, mqls = 3000, incomplete = 200): Promise<PipelineFigures> {
  const h = await startHarness();
  try {
    const setup = await h.cli(['setup', 'salesforce']);
    if (setup.code !== 0) throw new Error(`setup failed: ${setup.err}`);
    seedDemoOrg(h.emu, { partners: 120, leads, mqlShare: mqls / leads, incompleteMqls: incomplete });
    const t0 = performance.now();
    const first = await h.cliJson<CycleSummary>(['sync']);
    const t1 = performance.now();
    const second = await h.cliJson<CycleSummary>(['sync']);
    const t2 = performance.now();
    if (first.value.error) throw new Error(first.value.error);
    return {
      leads, mqls,
      syncSeconds: (t1 - t0) / 1000,
      secondSyncSeconds: (t2 - t1) / 1000,
      calls: first.value.apiCalls,
      limits: { 'pull-leads': Math.ceil(mqls / 2000) + 1, 'write-lead': Math.ceil(mqls / 200) + 1 },
      secondSyncCalls: second.value.apiCalls,
      offers: first.value.offers?.offers ?? 0,
    };
  } finally {
    await h.close();
  }
}
