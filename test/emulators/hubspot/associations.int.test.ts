// Associations v4 (default and labeled PUT, reads, batch create/read/archive, labels) and `associations` on v3
// reads, through the real client.
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ASSOCIATION_TYPES } from '../../../src/emulators/hubspot/index.ts';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, failure, raw, startEmu } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

describe('associations', () => {
  it('creates the default association; the first company becomes primary and associatedcompanyid follows', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const [contact] = emu.seed('contacts', [{ email: 'a@example.test' }]);
    const [co1, co2] = emu.seed('companies', [{ name: 'One' }, { name: 'Two' }]);
    const res = await hs.crm.associations.v4.basicApi.createDefault('contacts', contact ?? '', 'companies', co1 ?? '');
    expect(res.results.map((r) => [r._from.id, r.to.id, r.associationSpec.associationTypeId])).toEqual([[contact, co1, 279], [co1, contact, 280]]);
    await hs.crm.associations.v4.basicApi.createDefault('contacts', contact ?? '', 'companies', co2 ?? '');
    const page = await hs.crm.associations.v4.basicApi.getPage('contacts', contact ?? '', 'companies');
    expect(page.results).toEqual([
      { toObjectId: Number(co1), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }, { category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] },
      { toObjectId: Number(co2), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] },
    ]);
    const read = await hs.crm.contacts.basicApi.getById(contact ?? '', ['associatedcompanyid'], undefined, ['companies']);
    expect(read.properties.associatedcompanyid).toBe(co1);
    expect(read.associations?.companies?.results).toEqual([
      { id: co1, type: 'contact_to_company' }, { id: co1, type: 'contact_to_company_unlabeled' }, { id: co2, type: 'contact_to_company_unlabeled' },
    ]);
    expect(emu.associations('companies', co2 ?? '', 'contacts')).toEqual([contact]);
  });

  it('creates labeled associations, deals with associations on create, and batch create/read/archive', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const [contact] = emu.seed('contacts', [{ email: 'a@example.test' }]);
    const [company] = emu.seed('companies', [{ name: 'Acme' }]);
    const deal = await hs.crm.deals.basicApi.create({
      properties: { dealname: 'D', dealstage: 'qualifiedtobuy' },
      associations: [
        { to: { id: contact ?? '' }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: ASSOCIATION_TYPES.deal_to_contact }] },
        { to: { id: company ?? '' }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: ASSOCIATION_TYPES.deal_to_company_primary }] },
      ],
    });
    expect(emu.associations('deals', deal.id, 'contacts')).toEqual([contact]);
    expect(emu.associations('companies', company ?? '', 'deals')).toEqual([deal.id]);
    const label = await hs.crm.associations.v4.schema.definitionsApi.create('contacts', 'deals', { label: 'Partner contact', name: 'partner_contact' });
    const typeId = label.results[0]?.typeId ?? 0;
    const labeled = await hs.crm.associations.v4.basicApi.create('contacts', contact ?? '', 'deals', deal.id, [{ associationCategory: AssociationSpecAssociationCategoryEnum.UserDefined, associationTypeId: typeId }]);
    expect(labeled).toMatchObject({ fromObjectTypeId: '0-1', fromObjectId: Number(contact), toObjectTypeId: '0-3', toObjectId: Number(deal.id), labels: ['Partner contact'] });
    const badType = await failure(hs.crm.associations.v4.basicApi.create('contacts', contact ?? '', 'deals', deal.id, [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 279 }]));
    expect(badType.code).toBe(400);

    const [c2, c3] = emu.seed('contacts', [{ email: 'b@example.test' }, { email: 'c@example.test' }]);
    const batch = await hs.crm.associations.v4.batchApi.create('contacts', 'companies', { inputs: [
      { _from: { id: c2 ?? '' }, to: { id: company ?? '' }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 279 }] },
      { _from: { id: '999' }, to: { id: company ?? '' }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 279 }] },
    ] });
    expect(batch.results).toHaveLength(1);
    expect('numErrors' in batch ? batch.numErrors : 0).toBe(1);
    const read = await hs.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: c2 ?? '' }, { id: c3 ?? '' }] });
    expect(read.results.map((r) => [r._from.id, r.to.map((t) => t.toObjectId)])).toEqual([[c2, [Number(company)]]]);
    expect('errors' in read ? read.errors?.[0] : undefined).toMatchObject({ category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND', context: { fromObjectId: [c3] } });
    await hs.crm.associations.v4.batchApi.archive('contacts', 'companies', { inputs: [{ _from: { id: c2 ?? '' }, to: [{ id: company ?? '' }] }] });
    expect(emu.associations('contacts', c2 ?? '', 'companies')).toEqual([]);
    const del = await raw(emu, 'DELETE', `/crm/v4/objects/deals/${deal.id}/associations/contacts/${contact}`);
    expect(del.status).toBe(204);
    expect(emu.associations('contacts', contact ?? '', 'deals')).toEqual([]);
  });
});
