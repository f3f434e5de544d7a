// The weekly report job over the web fixture's organisation tree (two distributors with resellers, a channel
// manager with a portfolio, an admin), sent by the at-most-once sender to a real SMTP server: one mail per
// recipient, each with exactly their slice (by content: other organisations' partner names, escalated companies
// they only saw as teasers and any contact data are absent), opt-out respected, CSV attached, and a job that
// dies half-way and is run again sends every recipient exactly one mail.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { configSchema } from '../../src/config/schema.ts';
import { defaultPrefs } from '../../src/domain/notification-prefs.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { sendDueMails } from '../../src/notify/sender.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { DeliveryDeps } from '../../src/reports/deliver.ts';
import { defaultRenderers, deliverReports, engineReports, lastCompleteWeek } from '../../src/reports/deliver.ts';
import { escapeHtml } from '../../src/reports/render-html.ts';
import { repoRoot } from '../support/harness.ts';
import type { Smtp } from '../e2e/browser/support.ts';
import { startSmtp, toOf } from '../e2e/browser/support.ts';
import type { ActorName, PartnerKey, WebFixture } from '../web/fixture.ts';
import { leadKeys, markersOf, partnerKeys, partnerName, webFixture } from '../web/fixture.ts';

const recipients = ['admin', 'cm', 'dmA', 'pmA1', 'dmB', 'pmB1'] as const;
type Recipient = (typeof recipients)[number];
/** Partners each recipient may read about (the whole channel lists partners with activity: DB had none). */
const allowed: Record<Recipient, readonly PartnerKey[]> = {
  admin: ['DA', 'A1', 'A2', 'B1'], cm: ['DA', 'A1', 'A2'], dmA: ['DA', 'A1', 'A2'], pmA1: ['A1'], dmB: ['DB', 'B1'], pmB1: ['B1'],
};
const seesEscalations: readonly Recipient[] = ['admin', 'cm'];

describe('weekly report delivery', () => {
  let f: WebFixture;
  let smtp: Smtp;
  let deps: DeliveryDeps;
  const mailCfg = { ...configSchema.parse({}).mail, enabled: true };
  const send = async () => {
    const t = smtpTransport({ ...mailCfg, smtp: { ...mailCfg.smtp, host: '127.0.0.1', port: smtp.port, timeoutSeconds: 5 } });
    try {
      return await sendDueMails(f.t.store, t, mailCfg, 'http://leadrelay.test', () => f.t.clock.now(), nullLogger);
    } finally {
      t.close();
    }
  };
  const mailOf = (a: ActorName): ParsedMail => {
    const found = smtp.mails.filter((m) => toOf(m).includes(f.users[a].email));
    expect(found, `${a}: one mail`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    f = await webFixture({ transport: null });
    smtp = await startSmtp();
    f.t.clock.advance(86_400_000);
    const res = await (await f.client('pmA1')).json('POST', `/api/v1/leads/${f.leads.RA1}/feedback`, { status: 'won', amount: 18_000 });
    expect(res.statusCode, res.body).toBe(200);
    await f.t.store.identity.setPreferences(f.users.pmA2.id, { ...defaultPrefs(), reports: false }, f.t.clock.now());
    const now = () => f.t.clock.now();
    deps = {
      store: f.t.store, logger: nullLogger, now, base: 'http://leadrelay.test', mailDefaults: mailCfg.defaults,
      config: configSchema.parse({}).reports.delivery, report: engineReports(f.t.store, now, 8), render: defaultRenderers,
    };
  });
  afterAll(async () => {
    await smtp?.close();
    await f?.close();
  });

  it('a run that dies after two recipients, run again, queues every recipient exactly once; a third run queues nothing', async () => {
    // The fixture week is 2026-W45 (Monday 2 November); the job runs the Monday after.
    f.t.clock.set('2026-11-09T06:00:00Z');
    const period = lastCompleteWeek(f.t.clock.now());
    expect(period.label).toBe('2026-W45');
    let calls = 0;
    const dying: DeliveryDeps = { ...deps, report: async (slice, p) => { if (++calls === 3) throw new Error('killed'); return deps.report(slice, p); } };
    await expect(deliverReports(dying, period)).rejects.toThrow('killed');
    expect((await f.t.store.mail.list({ kind: 'report' }))).toHaveLength(2);
    const again = await deliverReports(deps, period);
    expect(again).toEqual({ period: '2026-W45', recipients: 6, queued: 4, optedOut: 1 });
    expect(await deliverReports(deps, period)).toMatchObject({ queued: 0 });
    expect(await send()).toEqual({ sent: 6, retried: 0, failed: 0, resent: 0, reclaimed: 0, uncertain: 0 });
    expect((await send()).sent).toBe(0);
    await smtp.waitFor(() => smtp.mails.length >= 6);
    expect(smtp.mails.map(toOf).sort()).toEqual(recipients.map((a) => f.users[a].email).sort());
  });

  for (const a of recipients) {
    it(`${a}: exactly their slice, no contact data, a CSV that parses`, () => {
      const m = mailOf(a);
      const html = typeof m.html === 'string' ? m.html : '';
      const text = m.text ?? '';
      const csv = m.attachments.find((x) => x.filename === 'leadrelay-report-2026-W45.csv')!.content.toString('utf8');
      const csvRows: string[][] = parse(csv, { relaxColumnCount: true });
      expect(csvRows.length).toBeGreaterThan(1);
      for (const p of partnerKeys) {
        if (allowed[a].includes(p)) {
          expect(html, `${a} sees ${p}`).toContain(escapeHtml(partnerName(p)));
          expect(text).toContain(partnerName(p));
          expect(csv).toContain(partnerName(p));
        } else {
          for (const body of [html, text, csv]) expect(body, `${a} must not see ${p}`).not.toContain(partnerName(p));
        }
      }
      // Contact data never travels in a report; a company of an escalated lead only to those who assign it.
      for (const k of leadKeys) {
        for (const marker of markersOf(k)) {
          if (marker === 'Company-E1-X' && seesEscalations.includes(a)) continue;
          if (marker === 'Company-E2-X' && a === 'admin') continue;
          expect(html + text + csv, `${a}: ${marker}`).not.toContain(marker);
        }
      }
      if (seesEscalations.includes(a)) expect(html).toContain('Company-E1-X');
      expect(m.subject).toContain('2026-W45');
      expect(html).toContain('http://leadrelay.test/reports?period=2026-W45');
      expect(text).toContain('http://leadrelay.test/reports?period=2026-W45');
    });
  }

  it('the partner manager who opted out, the sales rep and the agency get nothing', () => {
    for (const a of ['pmA2', 'repA1', 'agency'] as const) expect(smtp.mails.some((m) => toOf(m).includes(f.users[a].email))).toBe(false);
  });

  it('`leadrelay report send` queues the same mails by hand: nothing for a week already sent, every recipient for another', async () => {
    const config = join(dirname(f.dbFile), 'leadrelay.yaml');
    writeFileSync(config, ['crm: salesforce', `mappingsDir: ${JSON.stringify(join(repoRoot, 'mappings'))}`, 'store:', `  url: ${JSON.stringify(`sqlite:${f.dbFile}`)}`, 'metrics:', '  port: 0', ''].join('\n'));
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['--config', config, ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: dirname(f.dbFile), logger: nullLogger, status: { exitCode: 0 } });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    expect(await cli(['report', 'send', '--period', '2026-W45'])).toMatchObject({ code: 0, out: 'report 2026-W45: 0 mail(s) queued for 6 recipient(s), 1 opted out' });
    expect(await cli(['report', 'send', '--period', '2026-W44'])).toMatchObject({ code: 0, out: 'report 2026-W44: 6 mail(s) queued for 6 recipient(s), 1 opted out' });
    expect((await cli(['report', 'send', '--period', 'W44'])).code).toBe(2);
  });
});
