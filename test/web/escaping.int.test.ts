// Lead fields carrying HTML and script, emoji and very long text render escaped and intact: in the pick list
// (teaser), the lead page, the JSON API, and both parts of the reservation mail (escaped HTML, raw plain text).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadDataSchema } from '../../src/domain/lead.ts';
import { contentHash } from '../../src/services/context.ts';
import type { WebFixture } from './fixture.ts';
import { webFixture } from './fixture.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const script = '<script>alert("owned")</script>';
const attr = '"><img src=x onerror=alert(1)>';
const emoji = 'Solar 🚀 für Familie Müller 👩‍🔧🇩🇪';
const long = Array.from({ length: 400 }, (_, i) => `Zeile ${i}: <b>fett</b> & "zitiert" — 🚀`).join('\n');

describe('hostile, emoji and very long lead fields', () => {
  let f: WebFixture;
  let leadId: string;

  beforeAll(async () => {
    f = await webFixture();
    const { store, clock } = f.t;
    const data = leadDataSchema.parse({
      firstName: emoji, lastName: script, email: 'hostile@secret.example', phone: '+49 30 1', company: attr, street: `</textarea>${script}`,
      city: `<svg onload=alert(2)>`, region: `Bay'ern"<i>`, country: 'DE', postalCode: '80331', productInterest: ['<b>heatpump</b>', emoji],
      source: `<a href="javascript:alert(3)">Web</a>`, remarks: long, custom: { note: `</dd></dl>${script}` },
    });
    const [created] = await store.leads.upsertIncoming([{ crm: 'salesforce', externalId: 'SF-HOSTILE', data, contentHash: contentHash(data), crmStamp: clock.now().toISOString(), crmConverted: false, crmOpportunityId: null }], clock.now(), () => 'lead-hostile');
    leadId = created!.lead.id;
    const lead = (await store.leads.get(leadId))!;
    await store.leads.save({ ...lead, status: 'offered', wave: 1, version: lead.version + 1 });
    await store.offers.createMany([{ leadId, partnerId: f.partners.A1, wave: 1, score: 1, rank: 1, offeredAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 86_400_000), explanation: {} }], () => 'offer-hostile');
  });
  afterAll(async () => { await f.close(); });

  const noRawMarkup = (html: string): void => {
    expect(html).not.toContain(script);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('<b>heatpump</b>');
  };

  it('the pick list shows the teaser escaped (and no contact field at all)', async () => {
    const c = await f.client('pmA1');
    const html = (await c.get('/picks')).body;
    noRawMarkup(html);
    expect(html).toContain(esc('<a href="javascript:alert(3)">Web</a>'));
    expect(html).toContain(esc('<b>heatpump</b>'));
    expect(html).toContain(emoji);
    expect(html).not.toContain(esc(script));
    expect(html).toContain(`${long.length} characters`);
  });

  it('the lead page after reservation shows every field escaped and complete', async () => {
    const c = await f.client('pmA1');
    expect((await c.post(`/leads/${leadId}/reserve`)).statusCode).toBe(303);
    const res = await c.get(`/leads/${leadId}`);
    expect(res.statusCode).toBe(200);
    noRawMarkup(res.body);
    for (const v of [script, attr, emoji, `</textarea>${script}`, `Bay'ern"<i>`, long, `</dd></dl>${script}`]) expect(res.body).toContain(esc(v));
  });

  it('the API returns the values intact as JSON', async () => {
    const res = await f.app.inject({ method: 'GET', url: `/api/v1/leads/${leadId}`, headers: { authorization: `Bearer ${await f.token('pmA1')}` } });
    const body = res.json<{ lead: { data: { lastName: string; remarks: string; firstName: string; company: string } } }>();
    expect(body.lead.data).toMatchObject({ lastName: script, remarks: long, firstName: emoji, company: attr });
    expect(res.headers['content-type']).toContain('application/json');
  });

  it('the reservation mail escapes the HTML part and keeps the text part intact', async () => {
    await f.notifier.runOnce();
    await f.notifier.idle();
    const mail = f.mails.find((m) => m.to === f.users.pmA1.email && m.subject.startsWith('Reserved'));
    expect(mail).toBeDefined();
    noRawMarkup(mail!.html);
    for (const v of [script, attr, emoji, long]) expect(mail!.html).toContain(esc(v));
    for (const v of [script, attr, emoji, long]) expect(mail!.text).toContain(v);
    expect(mail!.subject).not.toMatch(/[\r\n]/);
    expect(mail!.subject).toContain(attr.slice(0, 10));
  });
});
