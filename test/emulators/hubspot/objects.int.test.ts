// Single-record CRUD, list paging, archived records and merges through the real @hubspot/api-client.
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, contacts, failure, raw, startEmu, T0 } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

describe('objects', () => {
  it('creates, reads, updates and archives a contact with string property values', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'Ada@Example.test', firstname: 'Ada', numemployees: '250', lifecyclestage: 'marketingqualifiedlead' }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    // The create answer carries every property the record now has, calculated ones included.
    expect(created.properties).toEqual({
      createdate: '2025-03-03T09:00:00.000Z', email: 'Ada@Example.test', firstname: 'Ada', hs_email_domain: 'example.test',
      hs_lastmodifieddate: '2025-03-03T09:00:00.000Z', hs_lifecyclestage_marketingqualifiedlead_date: '2025-03-03T09:00:00.000Z',
      hs_object_id: created.id, lastmodifieddate: '2025-03-03T09:00:00.000Z', lifecyclestage: 'marketingqualifiedlead', numemployees: '250',
    });
    expect(created.createdAt).toEqual(new Date(T0));

    const read = await hs.crm.contacts.basicApi.getById(created.id, ['email', 'phone', 'hs_email_domain', 'hs_lifecyclestage_marketingqualifiedlead_date', 'nope']);
    expect(read.properties).toEqual({
      createdate: '2025-03-03T09:00:00.000Z', email: 'Ada@Example.test', hs_email_domain: 'example.test', hs_object_id: created.id,
      hs_lifecyclestage_marketingqualifiedlead_date: '2025-03-03T09:00:00.000Z', lastmodifieddate: '2025-03-03T09:00:00.000Z', phone: null,
    });

    emu.advance(1234);
    const updated = await hs.crm.contacts.basicApi.update(created.id, { properties: { phone: '+49 30 1234', numemployees: 300 as unknown as string } });
    expect(updated.properties.phone).toBe('+49 30 1234');
    expect(updated.properties.numemployees).toBe('300');
    expect(updated.properties.lastmodifieddate).toBe('2025-03-03T09:00:01.234Z');
    expect(emu.get('contacts', created.id)?.properties.hs_lastmodifieddate).toBe('2025-03-03T09:00:01.234Z');

    await hs.crm.contacts.basicApi.archive(created.id);
    const gone = await failure(hs.crm.contacts.basicApi.getById(created.id));
    expect(gone.code).toBe(404);
    expect(gone.body.category).toBe('OBJECT_NOT_FOUND');
    const archived = await hs.crm.contacts.basicApi.getById(created.id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
    expect(archived.archivedAt).toEqual(new Date(T0 + 1234));
    expect(emu.writeLog().map((w) => [w.op, w.via])).toEqual([['create', 'single'], ['update', 'single'], ['archive', 'single']]);
  });

  it('answers the default properties per object and normalises dates, numbers and booleans', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const [companyId] = emu.seed('companies', [{ name: 'Acme', domain: 'acme.test', type: 'PARTNER' }]);
    const company = await hs.crm.companies.basicApi.getById(companyId ?? '');
    expect(Object.keys(company.properties)).toEqual(['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
    const deal = await hs.crm.deals.basicApi.create({ properties: { dealname: 'D1', amount: '1500.50', closedate: '1741046400000', dealstage: 'qualifiedtobuy' }, associations: [] });
    expect(deal.properties).toMatchObject({ closedate: '2025-03-04T00:00:00.000Z', amount: '1500.50', pipeline: 'default' });
    const full = emu.get('deals', deal.id);
    expect(full?.properties).toMatchObject({ hs_is_closed: 'false', hs_is_closed_won: 'false', hs_deal_stage_probability: '0.4' });
    const bad = await failure(hs.crm.deals.basicApi.update(deal.id, { properties: { amount: 'lots' } }));
    expect(bad.code).toBe(400);
    expect(bad.body.category).toBe('VALIDATION_ERROR');
    expect(bad.body.message).toContain('"error":"INVALID_FLOAT"');
  });

  it('pages the list with paging.next.after (limit max 100) and separates archived records', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const ids = emu.seed('contacts', contacts(25));
    emu.remove('contacts', ids[3] ?? '');
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await hs.crm.contacts.basicApi.getPage(10, after, ['email']);
      seen.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
      if (after) {
        const link = new URL(page.paging?.next?.link ?? '');
        expect(`${link.origin}${link.pathname}`).toBe(`${emu.url}/crm/v3/objects/contacts`);
        expect(Object.fromEntries(link.searchParams)).toEqual({ limit: '10', properties: 'email', after });
      }
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids.filter((_, i) => i !== 3));
    const archived = await hs.crm.contacts.basicApi.getPage(100, undefined, undefined, undefined, undefined, true);
    expect(archived.results.map((r) => r.id)).toEqual([ids[3]]);
    const tooMany = await raw(emu, 'GET', '/crm/v3/objects/contacts?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.category).toBe('VALIDATION_ERROR');
  });

  it('reads by a unique idProperty and refuses duplicates of unique values with 409', async () => {
    emu = await startEmu();
    const hs = client(emu);
    emu.addProperty('contacts', { name: 'leadrelay_lead_id', label: 'Lead id', type: 'string', fieldType: 'text', hasUniqueValue: true });
    const [id] = emu.seed('contacts', [{ email: 'u@example.test', leadrelay_lead_id: 'L-1' }]);
    const byProp = await hs.crm.contacts.basicApi.getById('L-1', ['email'], undefined, undefined, false, 'leadrelay_lead_id');
    expect(byProp.id).toBe(id);
    const dupEmail = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'U@EXAMPLE.test' }, associations: [] }));
    expect(dupEmail.code).toBe(409);
    expect(dupEmail.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${id}` });
    const dupProp = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'v@example.test', leadrelay_lead_id: 'L-1' }, associations: [] }));
    expect(dupProp.code).toBe(409);
  });

  it('merges contacts: the merged id reads as the primary and is listed as archived', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const [a, b] = emu.seed('contacts', [{ email: 'a@example.test', firstname: 'A' }, { email: 'b@example.test', phone: '123' }]);
    const merged = await hs.crm.contacts.basicApi.merge({ primaryObjectId: a ?? '', objectIdToMerge: b ?? '' });
    expect(merged.id).toBe(a);
    const viaOld = await hs.crm.contacts.basicApi.getById(b ?? '', ['phone', 'hs_merged_object_ids']);
    expect(viaOld.id).toBe(a);
    expect(viaOld.properties).toMatchObject({ phone: '123', hs_merged_object_ids: b });
    const archived = await hs.crm.contacts.basicApi.getPage(10, undefined, undefined, undefined, undefined, true);
    expect(archived.results.map((r) => r.id)).toEqual([b]);
    const again = await failure(hs.crm.contacts.basicApi.merge({ primaryObjectId: a ?? '', objectIdToMerge: b ?? '' }));
    expect(again.code).toBe(404);
    expect(emu.writeLog().at(-1)).toMatchObject({ op: 'merge', id: b, properties: { mergedInto: a } });
  });

  it('rejects unknown and read-only properties with the real validation error', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const e = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'x@example.test', favourite_colour: 'blue', hs_object_id: '5' }, associations: [] }));
    expect(e.code).toBe(400);
    expect(e.body.category).toBe('VALIDATION_ERROR');
    const issues = JSON.parse(String(e.body.message).replace(/^Property values were not valid: /, '')) as Array<Record<string, unknown>>;
    expect(issues).toEqual([
      { isValid: false, message: 'Property "favourite_colour" does not exist', error: 'PROPERTY_DOESNT_EXIST', name: 'favourite_colour', localizedErrorMessage: 'Property "favourite_colour" does not exist', portalId: 62515 },
      expect.objectContaining({ error: 'READ_ONLY_VALUE', name: 'hs_object_id' }),
    ]);
    expect(emu.all('contacts')).toHaveLength(0);
  });
});
