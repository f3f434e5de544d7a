// Browser test plumbing: a real SMTP server (smtp-server) whose mails are parsed with mailparser, the Salesforce
// emulator harness with a config that turns the web client and mail on, the app with a clock the test can move,
// and Debian's chromium driven by playwright-core (never a downloaded browser).
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { seedDemoOrg } from '../../../src/cli/commands/demo.ts';
import { nullLogger } from '../../../src/lib/logger.ts';
import type { App } from '../../../src/runtime/app.ts';
import { buildApp } from '../../../src/runtime/app.ts';
import { runSyncCycle } from '../../../src/sync/cycle.ts';
import type { WebRuntime } from '../../../src/web/server.ts';
import { startWebRuntime } from '../../../src/web/server.ts';
import type { Harness } from '../../support/harness.ts';
import { repoRoot, startHarness } from '../../support/harness.ts';

export const artifacts = join(repoRoot, 'test-artifacts');

export interface Smtp {
  readonly port: number;
  readonly mails: ParsedMail[];
  /** The first mail (received before or within `ms`) matching `pred`. */
  waitFor(pred: (m: ParsedMail) => boolean, ms?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<Smtp> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => { mails.push(m); cb(); }, (e: Error) => cb(e));
    },
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port, mails,
    async waitFor(pred, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        const hit = mails.find(pred);
        if (hit !== undefined) return hit;
        if (Date.now() > until) throw new Error(`no matching mail within ${ms} ms (${mails.length} received: ${mails.map((m) => m.subject).slice(-5).join(' | ')})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

export const toOf = (m: ParsedMail): string => (Array.isArray(m.to) ? m.to : m.to === undefined ? [] : [m.to]).map((a) => a.text).join(',');

/** The href of the link (or button) whose text is `label` in a mail's HTML part. */
export function linkIn(m: ParsedMail, label: string): string {
  const html = typeof m.html === 'string' ? m.html : '';
  for (const x of html.matchAll(/<a\b[^>]*href="([^"]+)"[^>]*>([^<]*)<\/a>/g)) {
    if (x[2]!.trim() === label) return x[1]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  }
  throw new Error(`no "${label}" link in mail "${m.subject ?? ''}"`);
}

/** The lead id inside a signed action link (its payload is base64url JSON). */
export function leadOfLink(url: string): string {
  const token = url.split('/a/')[1]!;
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { l: string }).l;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', () => res()));
  const a = s.address();
  await new Promise<void>((res) => s.close(() => res()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}

export interface WebWorld {
  readonly h: Harness;
  readonly smtp: Smtp;
  readonly app: App;
  readonly rt: WebRuntime;
  readonly url: string;
  /** Move the app's clock forward (link expiry). */
  advance(ms: number): void;
  sync(): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Emulator + SMTP + app + web runtime. With `syncFirst`, partners and leads are pulled before the web starts. */
export async function startWebWorld(o: { partners: number; leads: number; syncFirst: boolean }): Promise<WebWorld> {
  const smtp = await startSmtp();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const h = await startHarness({
    extraConfig: [
      'web:', '  enabled: true', '  host: 127.0.0.1', `  port: ${port}`, `  publicUrl: ${url}`, '  secret: browser-test-secret-browser-test-secret-0123',
      'mail:', '  enabled: true', '  from: "ACME Leads <leads@acme.test>"', '  everySeconds: 1', '  smtp:', '    host: 127.0.0.1', `    port: ${smtp.port}`, '    timeoutSeconds: 5',
    ].join('\n'),
  });
  const setup = await h.cli(['setup', 'salesforce']);
  if (setup.code !== 0) throw new Error(setup.err);
  seedDemoOrg(h.emu, { partners: o.partners, leads: o.leads, mqlShare: 1, incompleteMqls: 0 });
  let offset = 0;
  const app = await buildApp({ configPath: h.configFile, env: h.env, cwd: h.dir, logger: nullLogger, clock: { now: () => new Date(Date.now() + offset) } });
  const objects = { leads: app.mappings.lead.object, partners: app.mappings.partner.object };
  const sync = async (): Promise<void> => {
    const s = await runSyncCycle(app.ctx, app.connector(), objects, { signal: new AbortController().signal });
    if (s.error !== null) throw new Error(s.error);
  };
  if (o.syncFirst) await sync();
  const rt = await startWebRuntime(app);
  mkdirSync(artifacts, { recursive: true });
  return {
    h, smtp, app, rt, url, sync,
    advance: (ms) => { offset += ms; },
    async flush() {
      const s = await runSyncCycle(app.ctx, app.connector(), objects, { signal: new AbortController().signal, pull: false });
      if (s.error !== null) throw new Error(s.error);
    },
    async close() {
      await rt.close();
      await app.close();
      await smtp.close();
      await h.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
