// `leadrelay serve` refuses to start without web.secret; the daemon runs the web client when web.enabled and
// stops it with the schedules.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nullLogger } from '../../src/lib/logger.ts';
import { buildApp } from '../../src/runtime/app.ts';
import { runDaemon } from '../../src/scheduler/daemon.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', () => res()));
  const a = s.address();
  await new Promise<void>((res) => s.close(() => res()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}

describe('serve and daemon', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    h = await startHarness({ extraConfig: ['web:', '  enabled: true', '  host: 127.0.0.1', `  port: ${port}`, '  secret: ${LEADRELAY_WEB_SECRET}'].join('\n') });
  });
  afterAll(async () => { await h.close(); });

  it('serve without LEADRELAY_WEB_SECRET exits 2 and says how to set it', async () => {
    const r = await h.cli(['serve']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('web.secret is not set');
    expect(r.err).toContain('LEADRELAY_WEB_SECRET');
  });

  it('the daemon serves the web client when web.enabled, and closes it on stop', async () => {
    const app = await buildApp({ configPath: h.configFile, env: { ...h.env, LEADRELAY_WEB_SECRET: 's'.repeat(40) }, cwd: h.dir, logger: nullLogger });
    let stop!: () => void;
    const daemon = runDaemon(app, { runAtStart: false, stopWhen: new Promise<void>((res) => { stop = res; }) });
    try {
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (!ok) await new Promise((r) => setTimeout(r, 50));
      }
      expect(ok).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
    } finally {
      stop();
      await daemon;
      await app.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
