// Issue 5 acceptance, in a real browser (Debian chromium via playwright-core): a partner signs in through the
// magic link captured from a real SMTP server, sees a teaser, reserves it and gives feedback; a second partner
// offered the same lead no longer sees it. The same flow at a phone viewport (390×844), where the app is also
// installable (manifest, service worker). Screenshots go to test-artifacts/.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lead } from '../../../src/domain/lead.ts';
import type { User } from '../../../src/domain/partner.ts';
import type { WebWorld } from './support.ts';
import { artifacts, launchChromium, linkIn, startWebWorld, toOf } from './support.ts';

describe('partner web client in chromium', () => {
  let w: WebWorld;
  let browser: Browser;
  /** Leads offered to at least two partners that both have a user, for the two flows. */
  let pairs: Array<{ lead: Lead; first: User; second: User }>;

  beforeAll(async () => {
    w = await startWebWorld({ partners: 12, leads: 24, syncFirst: true });
    browser = await launchChromium();
    pairs = [];
    for (const lead of await w.app.store.leads.list({ status: ['offered'] })) {
      const offers = (await w.app.store.offers.listByLead(lead.id)).filter((o) => o.status === 'open');
      const people = (await Promise.all(offers.map(async (o) => (await w.app.store.users.listByOrg(o.partnerId))[0]))).filter((u): u is User => u !== undefined);
      const [a, b] = people;
      // Two different people of two different partners, none used by an earlier pair (so each starts unblocked).
      const used = new Set(pairs.flatMap((p) => [p.first.id, p.second.id]));
      if (a !== undefined && b !== undefined && a.orgId !== b.orgId && !used.has(a.id) && !used.has(b.id)) pairs.push({ lead, first: a, second: b });
      if (pairs.length === 2) break;
    }
    expect(pairs).toHaveLength(2);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  async function signIn(ctx: BrowserContext, user: User, shot: string): Promise<Page> {
    const page = await ctx.newPage();
    const since = w.smtp.mails.length;
    await page.goto(`${w.url}/login`);
    await page.getByLabel('Your email address').fill(user.email);
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.getByText('Check your mail').first().waitFor();
    const mail = await w.smtp.waitFor((m) => w.smtp.mails.indexOf(m) >= since && toOf(m).includes(user.email) && m.subject === 'Your sign-in link');
    expect(mail.text).toContain('/auth/');
    await page.goto(linkIn(mail, 'Sign in'));
    await page.screenshot({ path: join(artifacts, `${shot}-1-sign-in.png`), fullPage: true });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/picks$/);
    return page;
  }

  async function flow(name: string, pair: (typeof pairs)[number], phone: boolean): Promise<void> {
    const opts = phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 900 } };
    const [ctx1, ctx2] = [await browser.newContext(opts), await browser.newContext(opts)];
    try {
      const { lead, first, second } = pair;
      const contact = [lead.data.email, lead.data.lastName, lead.data.phone].filter((x): x is string => x !== null && x !== '');
      const page = await signIn(ctx1, first, `${name}-partner1`);
      const card = page.locator(`article[data-lead="${lead.id}"]`);
      await card.waitFor();
      // The teaser: temperature and source shown, no contact data anywhere on the page.
      await expect(card.getByText(/Temperature/).count()).resolves.toBeGreaterThan(0);
      const picks = await page.content();
      for (const c of contact) expect(picks).not.toContain(c);
      await page.screenshot({ path: join(artifacts, `${name}-partner1-2-picks.png`), fullPage: true });

      // The second partner sees the same teaser before the reservation.
      const other = await signIn(ctx2, second, `${name}-partner2`);
      await other.locator(`article[data-lead="${lead.id}"]`).waitFor();

      await card.getByRole('button', { name: 'Reserve' }).click();
      await page.waitForURL(new RegExp(`/leads/${lead.id}\\?done=reserved$`));
      await page.getByText('the lead is yours').waitFor();
      const detail = await page.content();
      expect(detail).toContain(lead.data.email!);
      await page.screenshot({ path: join(artifacts, `${name}-partner1-3-reserved.png`), fullPage: true });

      await page.getByLabel('Meeting scheduled').check();
      await page.getByLabel('Comment (optional)').fill('Visit on site next Tuesday');
      await page.getByRole('button', { name: 'Save feedback' }).click();
      await page.getByText('feedback recorded').waitFor();
      expect((await w.app.store.leads.get(lead.id))?.status).toBe('meeting');
      await page.screenshot({ path: join(artifacts, `${name}-partner1-4-feedback.png`), fullPage: true });

      // The second partner's pick list no longer shows the lead, and its page refuses the details.
      await other.reload();
      await other.getByRole('heading', { name: 'Offers' }).waitFor();
      expect(await other.locator(`article[data-lead="${lead.id}"]`).count()).toBe(0);
      await other.screenshot({ path: join(artifacts, `${name}-partner2-5-gone.png`), fullPage: true });
      const res = await other.goto(`${w.url}/leads/${lead.id}`);
      expect(res?.status()).toBe(404);
      for (const c of contact) expect(await other.content()).not.toContain(c);

      if (phone) {
        // Installable: a manifest, and a service worker that takes control.
        expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest');
        const active = await page.evaluate(async () => {
          const nav = (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<{ active: unknown }> } } }).navigator;
          return (await nav.serviceWorker.ready).active !== null;
        });
        expect(active).toBe(true);
        const manifest = await (await page.request.get(`${w.url}/manifest.webmanifest`)).json() as { display: string; icons: unknown[] };
        expect(manifest.display).toBe('standalone');
        expect(manifest.icons.length).toBeGreaterThanOrEqual(3);
      }
    } finally {
      await ctx1.close();
      await ctx2.close();
    }
  }

  it('desktop: magic link from SMTP → teaser → reserve → feedback; the other partner loses the lead', async () => {
    await flow('desktop', pairs[0]!, false);
  }, 120_000);

  it('phone (390×844): the same flow, and the app is installable', async () => {
    await flow('phone', pairs[1]!, true);
  }, 120_000);
});
