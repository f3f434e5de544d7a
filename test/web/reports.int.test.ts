// Report pages and the drill-down, per role: each viewer sees the report of exactly their slice (partner
// managers their organisation, distributor managers with their resellers, the channel manager the portfolio,
// the admin everything), the leads behind a number come from the slice-filtered query (asking for another
// organisation's partner yields nothing), charts are inline SVG, and hostile partner names are escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/services/context.ts';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import type { ActorName, LeadKey, PartnerKey, WebFixture } from './fixture.ts';
import { partnerKeys, partnerName, webFixture } from './fixture.ts';

const script = '<script>alert("owned")</script>';
const period = '2026-11';
const rowsOf = (html: string): string[] => [...html.matchAll(/data-lead="([^"]+)"/g)].map((m) => m[1]!);

// The whole-channel report lists partners with activity (DB had none); partner slices list every partner in them.
const sees: Record<Exclude<ActorName, 'repA1' | 'agency'>, readonly PartnerKey[]> = {
  admin: ['DA', 'A1', 'A2', 'B1'], cm: ['DA', 'A1', 'A2'], dmA: ['DA', 'A1', 'A2'], pmA1: ['A1'], pmA2: ['A2'], dmB: ['DB', 'B1'], pmB1: ['B1'],
};
/** Held leads per viewer (RA1 is won during the test; RA1r, RA2, RB1 stay open). */
const open: Record<keyof typeof sees, readonly LeadKey[]> = {
  admin: ['RA1r', 'RA2', 'RB1'], cm: ['RA1r', 'RA2'], dmA: ['RA1r', 'RA2'], pmA1: ['RA1r'], pmA2: ['RA2'], dmB: ['RB1'], pmB1: ['RB1'],
};
const won: Record<keyof typeof sees, readonly LeadKey[]> = { admin: ['RA1'], cm: ['RA1'], dmA: ['RA1'], pmA1: ['RA1'], pmA2: [], dmB: [], pmB1: [] };

describe('web reports', () => {
  let f: WebFixture;
  beforeAll(async () => {
    f = await webFixture();
    f.t.clock.advance(3 * 86_400_000);
    const c = await f.client('pmA1');
    const res = await c.json('POST', `/api/v1/leads/${f.leads.RA1}/feedback`, { status: 'won', amount: 12_500 });
    expect(res.statusCode, res.body).toBe(200);
    // A partner name with markup (it comes from the CRM): it must render as text everywhere.
    const b1 = (await f.t.store.partners.get(f.partners.B1))!;
    const data = partnerDataSchema.parse({ ...b1.data, name: `${partnerName('B1')} ${script}` });
    await f.t.store.partners.upsertMany([{ crm: b1.crm, externalId: b1.externalId, data, contentHash: contentHash(data) }], f.t.clock.now(), () => 'unused');
  });
  afterAll(async () => { await f.close(); });

  for (const actor of Object.keys(sees) as Array<keyof typeof sees>) {
    it(`${actor}: the report shows exactly their slice's partners, and the drill-down exactly their leads`, async () => {
      const c = await f.client(actor);
      const page = await c.get(`/reports?period=${period}`);
      expect(page.statusCode, page.body).toBe(200);
      for (const p of partnerKeys) {
        if (sees[actor].includes(p)) expect(page.body, `${actor} should see ${p}`).toContain(`data-partner="${f.partners[p]}"`);
        else if (actor !== 'admin') expect(page.body, `${actor} must not see ${p}`).not.toContain(partnerName(p));
      }
      expect(page.body).toContain('data-chart="trend"');
      expect(page.body).not.toContain(script);

      const openRows = rowsOf((await c.get(`/reports/leads?metric=open&period=${period}`)).body);
      expect(openRows.sort()).toEqual(open[actor].map((k) => f.leads[k]).sort());
      const wonRows = rowsOf((await c.get(`/reports/leads?metric=won&period=${period}`)).body);
      expect(wonRows).toEqual(won[actor].map((k) => f.leads[k]));
      // Naming another organisation's partner narrows nothing open: the slice stays the query's limit.
      const foreign = rowsOf((await c.get(`/reports/leads?metric=reserved&period=${period}&partner=${f.partners.B1}`)).body);
      expect(foreign).toEqual(sees[actor].includes('B1') ? [f.leads.RB1] : []);

      const api = await c.json('GET', `/api/v1/reports?period=${period}`);
      expect(api.statusCode).toBe(200);
      const body = JSON.parse(api.body) as { kpis: { won: number }; partners: Array<{ partnerId: string }> };
      expect(body.partners.map((p) => p.partnerId).sort()).toEqual(sees[actor].map((p) => f.partners[p]).sort());
      expect(body.kpis.won).toBe(won[actor].length);
    });
  }

  it('the weekly mail is switched off and on again in the notification settings', async () => {
    const c = await f.client('pmA2');
    expect((await c.get('/settings')).body).toMatch(/name="reports" checked/);
    expect((await c.post('/settings/notifications', { offers: 'instant', digestTimes: '08:00' })).statusCode).toBe(303);
    expect((await f.t.store.identity.preferences(f.users.pmA2.id))?.reports).toBe(false);
    expect((await c.post('/settings/notifications', { offers: 'instant', digestTimes: '08:00', reports: 'on' })).statusCode).toBe(303);
    expect((await f.t.store.identity.preferences(f.users.pmA2.id))?.reports).toBe(true);
  });

  it('sales reps and agencies have no report slice: 403', async () => {
    for (const a of ['repA1', 'agency'] as const) {
      const c = await f.client(a);
      expect((await c.get('/reports')).statusCode).toBe(403);
      expect((await c.get('/reports/leads?metric=open')).statusCode).toBe(403);
    }
  });

  it('the admin page escapes the hostile partner name and draws the quadrant with a dot per partner with a CR (A1, A2, B1)', async () => {
    const page = await (await f.client('admin')).get(`/reports?period=${period}`);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(page.body).not.toContain(script);
    const quadrant = /<svg[^>]*data-chart="quadrant"[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? '';
    expect(quadrant.match(/<circle /g)?.length).toBe(3);
    expect((await (await f.client('admin')).get('/reports?period=not-a-period')).statusCode).toBe(400);
    expect((await (await f.client('admin')).get('/reports/leads?metric=everything')).statusCode).toBe(400);
  });
});
