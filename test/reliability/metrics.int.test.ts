// /metrics scraped while the daemon runs against the emulator shows every metric with live values; the probes
// answer; SIGTERM-style stop closes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { buildApp } from '../../src/runtime/app.ts';
import { runDaemon } from '../../src/scheduler/daemon.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';

function value(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return null;
}

describe('observability', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    expect((await h.cli(['setup', 'salesforce'])).code).toBe(0);
    seedDemoOrg(h.emu, { partners: 20, leads: 200, mqlShare: 0.5, incompleteMqls: 5 });
    h.emu.seed('Lead', [{ LastName: 'Bad', Company: 'Bad GmbH', Status: 'Marketing Qualified', Latitude: 123, SystemModstamp: new Date(Date.now() - 60_000).toISOString() }]);
  }, 60_000);
  afterAll(async () => { await h.close(); });

  it('serves every metric with live values, /healthz and /readyz, during a daemon run', async () => {
    const app = await buildApp({ configPath: h.configFile, env: h.env, cwd: h.dir, logger: nullLogger });
    let stop!: () => void;
    const stopWhen = new Promise<void>((res) => { stop = res; });
    let url = '';
    const cycled = new Promise<void>((res) => {
      const done = runDaemon(app, { stopWhen, onProbes: (u) => { url = u; }, onCycle: () => res() });
      void done.then(() => app.close());
    });
    await cycled;
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(value(text, 'leadrelay_crm_api_calls_total', { crm: 'salesforce', stage: 'pull-leads' })).toBeGreaterThanOrEqual(1);
    expect(value(text, 'leadrelay_crm_api_calls_total', { stage: 'write-lead' })).toBeGreaterThanOrEqual(1);
    expect(value(text, 'leadrelay_crm_api_responses_total', { outcome: '2xx' })).toBeGreaterThanOrEqual(3);
    expect(value(text, 'leadrelay_crm_api_quota_remaining', { crm: 'salesforce' })).toBeGreaterThan(14_000);
    const lag = value(text, 'leadrelay_sync_lag_seconds', { object: 'Lead' });
    expect(lag).not.toBeNull();
    expect(lag!).toBeGreaterThanOrEqual(0);
    expect(lag!).toBeLessThan(600);
    expect(value(text, 'leadrelay_outbox_backlog')).toBe(0);
    expect(value(text, 'leadrelay_quarantine_size', { kind: 'record' })).toBe(1);
    expect(value(text, 'leadrelay_offers', { state: 'open' })).toBeGreaterThan(100);
    expect(value(text, 'leadrelay_leads', { status: 'needs_qualification' })).toBe(5);
    expect(value(text, 'leadrelay_records_pulled_total', { object: 'lead', kind: 'created' })).toBe(100);
    expect(value(text, 'leadrelay_sync_runs_total', { outcome: 'ok' })).toBe(1);
    expect(value(text, 'leadrelay_mails_total', { outcome: 'sent' })).toBe(0);
    expect(value(text, 'leadrelay_crm_quota_paused', { crm: 'salesforce' })).toBe(0);
    expect(value(text, 'leadrelay_job_duration_seconds_count', { job: 'sync', outcome: 'ok' })).toBe(1);
    expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The daemon names its instance and the jobs it runs now under a lease (several daemons, issue #9).
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', instance: expect.stringMatching(/-\d+-[0-9a-f]{6}$/), leading: expect.any(Array) });
    stop();
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
