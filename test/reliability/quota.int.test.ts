// Quota exhaustion: when Salesforce answers REQUEST_LIMIT_EXCEEDED, work pauses (no hot loop, no call at all
// while paused, across processes) and resumes by itself once the pause is over and the quota is back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, useEmulator } from '../../src/cli/commands/demo.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { SalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import type { App } from '../../src/runtime/app.ts';
import { buildApp } from '../../src/runtime/app.ts';
import { runSyncCycle } from '../../src/sync/cycle.ts';
import { testClock } from '../support/context.ts';
import { repoRoot } from '../support/harness.ts';

describe('API quota exhausted', () => {
  let emu: SalesforceEmulator;
  let dir: string;
  const clock = testClock(new Date());
  const open = (): Promise<App> => buildApp({
    env: {}, cwd: dir, clock, logger: nullLogger,
    override: (c) => ({ ...useEmulator(c, emu.url, `sqlite:${join(dir, 'q.db')}`), mappingsDir: join(repoRoot, 'mappings') }),
  });
  const cycle = async (app: App) => runSyncCycle(app.ctx, app.connector(), { leads: 'Lead', partners: 'Account' }, { signal: new AbortController().signal });

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    dir = mkdtempSync(join(tmpdir(), 'leadrelay-quota-'));
    const app = await open();
    await app.connector().connect(new AbortController().signal);
    await app.connector().setup({ plan: false, signal: new AbortController().signal });
    await app.close();
    seedDemoOrg(emu, { partners: 20, leads: 100, mqlShare: 0.5, incompleteMqls: 0 });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pauses without a hot loop, stays paused across processes, and resumes when the quota returns', async () => {
    emu.setApiUsage(15_000, 15_000);
    const before = emu.calls();
    let app = await open();
    const first = await cycle(app);
    await app.close();
    const spent = emu.calls();
    expect(first.ok).toBe(false);
    expect(first.error).toMatch(/REQUEST_LIMIT_EXCEEDED|quota/i);
    expect(first.pausedUntil).toBe(new Date(clock.now().getTime() + 30 * 60_000).toISOString());
    // One refused call, not a retry storm.
    expect(spent.total + spent.rejected - (before.total + before.rejected)).toBeLessThanOrEqual(2);

    clock.advance(10 * 60_000);
    app = await open(); // a new process: the pause is in the store, not in memory
    const second = await cycle(app);
    await app.close();
    const after = emu.calls();
    expect(second.error).toMatch(/paused until/);
    expect(after.total + after.rejected).toBe(spent.total + spent.rejected);

    clock.advance(21 * 60_000);
    emu.setApiUsage(0, 15_000);
    app = await open();
    const third = await cycle(app);
    await app.close();
    expect(third.error).toBeNull();
    expect(third.leads?.created).toBe(50);
    expect(third.offers?.leads).toBe(50);
  });
});
