// CRM search: filter groups (OR of ANDs), operators, one sort, paging with `after`, the 10,000-result cap, the
// per-second limit (429 SECONDLY), the indexing lag, and a 25,000-record window walk that stays fast.
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, contacts, failure, raw, startEmu, T0 } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

const search = (emu: HubSpotEmulator, body: unknown, type = 'contacts') => raw(emu, 'POST', `/crm/v3/objects/${type}/search`, body);

describe('search filters and sorts', () => {
  it('ORs filter groups, ANDs filters, sorts on one property and pages with after', async () => {
    emu = await startEmu({ searchPerSecond: 1000 });
    const hs = client(emu);
    const ids = emu.seed('contacts', [
      { email: 'a@acme.test', lifecyclestage: 'marketingqualifiedlead', numemployees: 50, hs_lastmodifieddate: T0 - 3000 },
      { email: 'b@acme.test', lifecyclestage: 'lead', numemployees: 500, hs_lastmodifieddate: T0 - 2000 },
      { email: 'c@other.test', lifecyclestage: 'marketingqualifiedlead', numemployees: 5000, hs_lastmodifieddate: T0 - 1000 },
      { email: 'd@other.test', hs_lead_status: 'NEW', hs_lastmodifieddate: T0 - 1000 },
    ]);
    const res = await hs.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'lifecyclestage', operator: FilterOperatorEnum.Eq, value: 'marketingqualifiedlead' }, { propertyName: 'numemployees', operator: FilterOperatorEnum.Gte, value: '100' }] },
        { filters: [{ propertyName: 'hs_lead_status', operator: FilterOperatorEnum.HasProperty }] },
      ],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'DESCENDING' } as unknown as string],
      properties: ['email'], limit: 1, after: '0',
    });
    expect(res.total).toBe(2);
    expect(res.results.map((r) => r.id)).toEqual([ids[2]]);
    expect(res.results[0]?.properties).toEqual({ createdate: '2025-03-03T08:59:59.000Z', email: 'c@other.test', hs_object_id: ids[2], lastmodifieddate: '2025-03-03T08:59:59.000Z' });
    expect(res.paging?.next?.after).toBe('1');
    const page2 = await hs.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'hs_lead_status', operator: FilterOperatorEnum.HasProperty }] }, { filters: [{ propertyName: 'lifecyclestage', operator: FilterOperatorEnum.Eq, value: 'marketingqualifiedlead' }, { propertyName: 'numemployees', operator: FilterOperatorEnum.Gte, value: '100' }] }], sorts: ['-hs_lastmodifieddate'], properties: [], limit: 1, after: '1' });
    expect(page2.results.map((r) => r.id)).toEqual([ids[3]]);
    expect(page2.paging).toBeUndefined();
  });

  it('supports BETWEEN, IN, NOT_IN, NEQ, NOT_HAS_PROPERTY, CONTAINS_TOKEN and datetime values as ms or ISO', async () => {
    emu = await startEmu({ searchPerSecond: 1000 });
    const ids = emu.seed('contacts', [
      { email: 'jane.doe@acme.test', hs_lastmodifieddate: T0 - 60_000, lifecyclestage: 'lead' },
      { email: 'john@acme.test', hs_lastmodifieddate: T0 - 30_000, lifecyclestage: 'customer' },
      { email: 'max@beta.test', hs_lastmodifieddate: T0 },
    ]);
    const q = async (filters: unknown[]): Promise<string[]> => (await search(emu, { filterGroups: [{ filters }] })).body.results.map((r: { id: string }) => r.id);
    expect(await q([{ propertyName: 'lastmodifieddate', operator: 'BETWEEN', value: String(T0 - 60_000), highValue: new Date(T0 - 30_000).toISOString() }])).toEqual([ids[0], ids[1]]);
    expect(await q([{ propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'customer'] }])).toEqual([ids[0], ids[1]]);
    expect(await q([{ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['lead'] }])).toEqual([ids[1], ids[2]]);
    expect(await q([{ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' }])).toEqual([ids[0], ids[2]]);
    expect(await q([{ propertyName: 'lifecyclestage', operator: 'NOT_HAS_PROPERTY' }])).toEqual([ids[2]]);
    expect(await q([{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@acme.test' }])).toEqual([ids[0], ids[1]]);
    expect(await q([{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: 'doe' }])).toEqual([ids[0]]);
    expect(await q([{ propertyName: 'hs_object_id', operator: 'GT', value: ids[0] }])).toEqual([ids[1], ids[2]]);
  });

  it('enforces the documented limits: 5 groups, 10 filters per group, 25 filters, one sort, limit 200', async () => {
    emu = await startEmu({ searchPerSecond: 1000 });
    const f = { propertyName: 'email', operator: 'HAS_PROPERTY' };
    const groups = (n: number, per: number): unknown[] => Array.from({ length: n }, () => ({ filters: Array.from({ length: per }, () => f) }));
    expect((await search(emu, { filterGroups: groups(5, 5) })).status).toBe(200);
    for (const body of [{ filterGroups: groups(6, 1) }, { filterGroups: groups(1, 11) }, { filterGroups: groups(3, 9) }, { sorts: ['email', 'firstname'] }, { limit: 201 }]) {
      const r = await search(emu, body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
  });
});

describe('search limits and lag', () => {
  it('pages to 10,000 results and answers 400 for the page past the cap', async () => {
    emu = await startEmu({ searchPerSecond: 1000, burstLimit: 1000 });
    emu.seed('contacts', contacts(10_050));
    const r = await search(emu, { limit: 200, after: '9800' });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(10_050);
    expect(r.body.paging).toEqual({ next: { after: '10000' } });
    const past = await failure(client(emu).crm.contacts.searchApi.doSearch({ limit: 200, after: '10000', filterGroups: [], sorts: [], properties: [] }));
    expect(past.code).toBe(400);
    expect(past.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(past.body.message).toContain('at most 10000 results');
  });

  it('allows about 5 searches per second and answers the 6th with 429 SECONDLY', async () => {
    emu = await startEmu();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await search(emu, {})).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const r = await search(emu, {});
    expect(r.body).toMatchObject({ status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    expect(r.headers.get('x-hubspot-ratelimit-secondly')).toBe('5');
    expect(r.headers.get('x-hubspot-ratelimit-secondly-remaining')).toBe('0');
    expect(emu.calls().throttled).toBe(2);
    expect(emu.calls().byKind.search).toBe(5);
    emu.advance(1000);
    expect((await search(emu, {})).status).toBe(200);
    // Non-search calls are not held back by the search limit.
    expect((await raw(emu, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('shows writes to search only after the indexing lag; archived records leave it after the lag too', async () => {
    emu = await startEmu({ searchPerSecond: 1000 });
    const hs = client(emu);
    const [old] = emu.seed('contacts', [{ email: 'old@example.test', lifecyclestage: 'lead' }]);
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'new@example.test', lifecyclestage: 'lead' }, associations: [] });
    await hs.crm.contacts.basicApi.update(old ?? '', { properties: { lifecyclestage: 'marketingqualifiedlead' } });
    const leads = async (): Promise<string[]> => (await search(emu, { filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }] }] })).body.results.map((r: { id: string }) => r.id);
    expect(await leads()).toEqual([old]); // the old version is still indexed, the new record is not
    emu.advance(1999);
    expect(await leads()).toEqual([old]);
    emu.advance(1);
    expect(await leads()).toEqual([created.id]);
    await hs.crm.contacts.basicApi.archive(created.id);
    expect(await leads()).toEqual([created.id]);
    emu.advance(2000);
    expect(await leads()).toEqual([]);
  });
});

describe('search performance', () => {
  it('walks 25,000 contacts sharing one hs_lastmodifieddate with an id floor in well under a few seconds', async () => {
    emu = await startEmu({ searchPerSecond: 100_000, burstLimit: 100_000 });
    const stamp = T0 - 60_000;
    const seeded = emu.seed('contacts', contacts(25_000, 0, { lifecyclestage: 'marketingqualifiedlead', hs_lastmodifieddate: stamp }));
    const started = Date.now();
    const seen: string[] = [];
    let floor = '0';
    for (;;) {
      let after: string | undefined = '0';
      let last = floor;
      let got = 0;
      while (after !== undefined && got < 10_000) {
        const r = await search(emu, {
          filterGroups: [{ filters: [
            { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(stamp) },
            { propertyName: 'hs_object_id', operator: 'GT', value: floor },
          ] }],
          sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit: 200, after, properties: ['email'],
        });
        expect(r.status).toBe(200);
        for (const x of r.body.results as Array<{ id: string }>) seen.push(x.id);
        got += r.body.results.length;
        last = r.body.results.at(-1)?.id ?? last;
        after = r.body.paging?.next?.after;
        if (after !== undefined && Number(after) + 200 > 10_000) break;
      }
      if (last === floor) break;
      floor = last;
    }
    expect(seen).toEqual(seeded);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
