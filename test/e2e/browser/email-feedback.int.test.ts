// Issue 5 acceptance: a partner works a lead from its mailbox alone. The offer mail's button reserves it, the
// reservation mail brings the full details and one-click status buttons, a button opens a confirmation page and
// one more tap records the status; after the flush the Salesforce emulator shows the stage. Mail scanners that
// fetch the links change nothing; a used, tampered, expired or other person's link is refused with a clear page
// and changes nothing.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebWorld } from './support.ts';
import { artifacts, launchChromium, leadOfLink, linkIn, startWebWorld, toOf } from './support.ts';

describe('feedback from the email alone', () => {
  let w: WebWorld;
  let browser: Browser;

  beforeAll(async () => {
    w = await startWebWorld({ partners: 6, leads: 6, syncFirst: false });
    await w.rt.notifier.runOnce(); // the mail planner starts from here: the offers the sync makes are mailed
    await w.sync();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  const state = async (leadId: string) => {
    const lead = await w.app.store.leads.get(leadId);
    return { status: lead?.status, feedback: (await w.app.store.feedback.listByLead(leadId)).length, partner: lead?.partnerId };
  };

  it('offer mail → reserve → reservation mail → one-click status → Salesforce shows the stage', async () => {
    const offer = await w.smtp.waitFor((m) => (m.subject ?? '').startsWith('New lead for you'), 20_000);
    const to = toOf(offer);
    const reserveUrl = linkIn(offer, 'Reserve this lead');
    const leadId = leadOfLink(reserveUrl);
    const lead = (await w.app.store.leads.get(leadId))!;
    // The offer mail is a teaser: no contact data in either part.
    for (const c of [lead.data.email, lead.data.lastName, lead.data.phone].filter((x): x is string => x !== null)) {
      expect(offer.html || '').not.toContain(c);
      expect(offer.text ?? '').not.toContain(c);
    }

    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(reserveUrl);
    await page.getByRole('heading', { name: 'Reserve this lead?' }).waitFor();
    expect((await state(leadId)).status).toBe('offered'); // opening the link changed nothing
    await page.getByRole('button', { name: 'Yes, reserve' }).click();
    await page.getByText('the lead is yours').waitFor();
    expect((await state(leadId)).status).toBe('reserved');

    const reserved = await w.smtp.waitFor((m) => toOf(m).includes(to) && (m.subject ?? '').startsWith('Reserved:'));
    expect(reserved.text).toContain(lead.data.email!);
    const meeting = linkIn(reserved, 'Meeting scheduled');
    // How the mail itself looks on a phone (responsive HTML part), in a blank page (no app CSP).
    const mailView = await ctx.newPage();
    await mailView.setContent(typeof reserved.html === 'string' ? reserved.html : '');
    await mailView.screenshot({ path: join(artifacts, 'mail-0-reservation-on-phone.png'), fullPage: true });
    await mailView.close();

    // A mail scanner prefetches every button: nothing is recorded.
    for (const label of ['Contacted', 'Meeting scheduled', 'Won', 'Lost']) {
      const res = await fetch(linkIn(reserved, label));
      expect(res.status).toBe(200);
    }
    expect(await state(leadId)).toMatchObject({ status: 'reserved', feedback: 0 });

    await page.goto(meeting);
    await page.screenshot({ path: join(artifacts, 'mail-1-confirm.png'), fullPage: true });
    await page.getByRole('button', { name: /Yes, record/ }).click();
    await page.getByText('Recorded: Meeting scheduled.').waitFor();
    await page.screenshot({ path: join(artifacts, 'mail-2-recorded.png'), fullPage: true });
    expect(await state(leadId)).toMatchObject({ status: 'meeting', feedback: 1 });

    // Used: opening it again says so, and replaying the confirmation records nothing.
    await page.goto(meeting);
    await page.getByRole('heading', { name: 'Already recorded' }).waitFor();
    expect(await state(leadId)).toMatchObject({ status: 'meeting', feedback: 1 });

    await w.flush();
    const sf = w.h.emu.get('Lead', lead.externalId)!;
    expect(sf['LeadRelay_Partner_Status__c']).toBe('Meeting');
    const opps = w.h.emu.all('Opportunity').filter((o) => o['LeadRelay_Lead_Id__c'] === leadId);
    expect(opps).toHaveLength(1);
    expect(opps[0]?.['StageName']).toBe('Qualification');
    await ctx.close();
  }, 120_000);

  it('tampered, expired and other people\'s links are refused with a clear page and change nothing', async () => {
    const reserved = w.smtp.mails.find((m) => (m.subject ?? '').startsWith('Reserved:'))!;
    const owner = toOf(reserved);
    const leadId = leadOfLink(linkIn(reserved, 'Won'));
    const before = await state(leadId);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();

    const contacted = linkIn(reserved, 'Contacted');
    const sig = contacted.slice(-6);
    const tampered = `${contacted.slice(0, -6)}${sig === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`;
    let res = await page.goto(tampered);
    expect(res?.status()).toBe(400);
    await page.getByText('This link is not valid').waitFor();
    await page.screenshot({ path: join(artifacts, 'mail-3-tampered.png') });

    // Changing the payload (another lead) breaks the signature too.
    const [payload, mac] = contacted.split('/a/')[1]!.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), a: 'feedback:won' })).toString('base64url');
    res = await page.goto(`${w.url}/a/${forged}.${mac}`);
    expect(res?.status()).toBe(400);

    w.advance(8 * 86_400_000); // buttons live web.actionLinkDays (7)
    try {
      res = await page.goto(linkIn(reserved, 'Won'));
      expect(res?.status()).toBe(410);
      await page.getByText('This button has expired').waitFor();
      await page.screenshot({ path: join(artifacts, 'mail-4-expired.png') });
    } finally {
      w.advance(-8 * 86_400_000);
    }

    // Signed in as someone else (another partner's user), the owner's button is refused.
    const stranger = (await w.app.store.identity.listUsers()).find((u) => u.email !== owner && u.orgId !== (before.partner ?? ''))!;
    const since = w.smtp.mails.length;
    await page.goto(`${w.url}/login`);
    await page.getByLabel('Your email address').fill(stranger.email);
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    const magic = await w.smtp.waitFor((m) => w.smtp.mails.indexOf(m) >= since && toOf(m).includes(stranger.email));
    await page.goto(linkIn(magic, 'Sign in'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/picks$/);
    res = await page.goto(linkIn(reserved, 'Not reachable'));
    expect(res?.status()).toBe(403);
    await page.getByText('sent to someone else').waitFor();
    await page.screenshot({ path: join(artifacts, 'mail-5-other-user.png') });

    expect(await state(leadId)).toEqual(before);
    await ctx.close();
  }, 120_000);
});
