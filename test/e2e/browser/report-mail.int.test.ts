// Issue 7 acceptance: the weekly report job, run with a moved clock, sends one mail per recipient to a real SMTP
// server (smtp-server), each with only that recipient's slice (checked by content: other partners' names are
// absent), a CSV attachment that parses, and charts that are visible when the HTML is rendered in headless
// chromium (bar cells with a non-zero size; screenshot in test-artifacts/). A second run sends nothing.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ParsedMail } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner, User } from '../../../src/domain/partner.ts';
import { reportDelivery } from '../../../src/reports/deliver-jobs.ts';
import { escapeHtml } from '../../../src/reports/render-html.ts';
import { recordFeedback } from '../../../src/services/feedback.ts';
import { reserve } from '../../../src/services/reserve.ts';
import type { WebWorld } from './support.ts';
import { artifacts, launchChromium, startWebWorld, toOf } from './support.ts';

const DAY = 86_400_000;
const signal = new AbortController().signal;
const htmlOf = (m: ParsedMail): string => (typeof m.html === 'string' ? m.html : '');

describe('the weekly report mail', () => {
  let w: WebWorld;
  let browser: Browser;
  let partners: Partner[];
  /** Partner managers with the partner they manage; the admin. */
  const managers: Array<{ user: User; partner: Partner }> = [];
  let admin: User;
  /** Partners that reserved a lead this week: the admin's whole-channel report lists each of them. */
  const reserved = new Set<string>();

  beforeAll(async () => {
    w = await startWebWorld({ partners: 6, leads: 12, syncFirst: true });
    const store = w.app.store;
    partners = await store.partners.list();
    // Each partner with an open offer reserves one lead; the first one wins it.
    let won = false;
    for (const p of partners) {
      const user = (await store.users.listByOrg(p.id))[0];
      if (user === undefined) continue;
      managers.push({ user, partner: p });
      const offer = (await store.views.pickList([p.id], 1))[0];
      if (offer === undefined) continue;
      const r = await reserve(w.app.ctx, { leadId: offer.lead.id, partnerId: p.id, userId: user.id });
      expect(r.ok).toBe(true);
      reserved.add(p.data.name);
      if (!won) {
        const f = await recordFeedback(w.app.ctx, { leadId: offer.lead.id, partnerId: p.id, userId: user.id, status: 'won', amount: 24_000 });
        expect(f.ok).toBe(true);
        won = true;
      }
    }
    expect(won).toBe(true);
    expect(managers.length).toBeGreaterThanOrEqual(3);
    admin = { id: 'u-admin', email: 'admin@manufacturer.example', name: 'Channel Admin', orgId: 'manufacturer', roles: ['admin'], active: true, externalId: null };
    await store.users.upsert(admin);
    // A sales rep gets no report (no report slice); an inactive manager neither.
    await store.users.upsert({ id: 'u-rep', email: 'rep@partner.example', name: 'Rep', orgId: managers[0]!.partner.id, roles: ['sales_rep'], active: true, externalId: null });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('one mail per recipient with exactly their slice, CSV attached, charts visible in chromium; a re-run sends nothing', async () => {
    // Move the clock to the next Monday morning: the job reports on the ISO week in which the leads were worked.
    const now = w.app.ctx.clock.now();
    const nextMonday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + (((8 - new Date(now).getUTCDay()) % 7) || 7) * DAY + 6 * 3_600_000;
    w.advance(nextMonday - now.getTime());
    const run = reportDelivery(w.app);
    const first = await run(signal);
    const recipients = [admin, ...managers.map((m) => m.user)];
    expect(first).toMatchObject({ recipients: recipients.length, queued: recipients.length, optedOut: 0 });

    await w.rt.notifier.runOnce();
    for (const r of recipients) await w.smtp.waitFor((m) => toOf(m).includes(r.email) && (m.subject ?? '').startsWith('Weekly report'));
    const reports = w.smtp.mails.filter((m) => (m.subject ?? '').startsWith('Weekly report'));
    expect(reports.map(toOf).sort()).toEqual(recipients.map((r) => r.email).sort());
    expect(reports.every((m) => m.subject?.includes(first.period))).toBe(true);

    const names = partners.map((p) => p.data.name);
    for (const { user, partner } of managers) {
      const mail = reports.find((m) => toOf(m).includes(user.email))!;
      const html = htmlOf(mail);
      expect(html).toContain(escapeHtml(partner.data.name));
      expect(mail.text).toContain(partner.data.name);
      for (const other of names.filter((n) => n !== partner.data.name)) {
        expect(html, `${user.email} must not see ${other}`).not.toContain(escapeHtml(other));
        expect(mail.text ?? '').not.toContain(other);
      }
      const csv = mail.attachments.find((a) => a.filename?.endsWith('.csv'));
      expect(csv?.contentType).toBe('text/csv');
      const rows: string[][] = parse(csv!.content.toString('utf8'), { relaxColumnCount: true });
      expect(rows.length).toBeGreaterThan(1);
      const text = rows.flat().join('\n');
      expect(text).toContain(partner.data.name);
      for (const other of names.filter((n) => n !== partner.data.name)) expect(text).not.toContain(other);
      expect(html).toContain(`${w.url}/reports?period=${first.period}`);
    }
    const adminMail = reports.find((m) => toOf(m).includes(admin.email))!;
    expect(reserved.size).toBeGreaterThanOrEqual(2);
    for (const name of reserved) expect(htmlOf(adminMail)).toContain(escapeHtml(name));

    // The admin's mail in chromium, as a mail client shows it (no app CSP, no scripts): the bars have a size.
    const page = await browser.newPage({ viewport: { width: 800, height: 1000 }, javaScriptEnabled: false });
    await page.setContent(htmlOf(adminMail));
    const bars = await page.locator('td[bgcolor][width]').all();
    expect(bars.length).toBeGreaterThan(0);
    const boxes = await Promise.all(bars.map((b) => b.boundingBox()));
    const drawn = boxes.filter((b) => b !== null && b.width > 0 && b.height > 0);
    expect(drawn.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'report-mail-admin.png'), fullPage: true });
    await page.close();

    // Same week again (a re-run, a second daemon): nothing queued, nothing sent.
    const before = w.smtp.mails.length;
    expect(await run(signal)).toMatchObject({ queued: 0 });
    await w.rt.notifier.runOnce();
    await new Promise((r) => setTimeout(r, 500));
    expect(w.smtp.mails.length).toBe(before);
  }, 120_000);
});
