// Properties (create/read/update/archive, groups, enumeration options, uniqueness) and deal pipelines (create,
// stages, deals that must name a valid pipeline and stage) through the real client.
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, failure, raw, startEmu } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

describe('properties', () => {
  it('lists the standard properties with their types and enumeration options', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const all = await hs.crm.properties.coreApi.getAll('contacts');
    const byName = new Map(all.results.map((p) => [p.name, p]));
    for (const n of ['email', 'firstname', 'lastname', 'phone', 'company', 'jobtitle', 'address', 'city', 'zip', 'state', 'country', 'lifecyclestage', 'hs_lead_status', 'hs_analytics_source', 'hubspot_owner_id', 'createdate', 'lastmodifieddate', 'hs_object_id']) {
      expect(byName.has(n), n).toBe(true);
    }
    const stage = byName.get('lifecyclestage');
    expect(stage).toMatchObject({ type: 'enumeration', fieldType: 'radio', groupName: 'contactinformation', hubspotDefined: true });
    expect(stage?.options.map((o) => o.value)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
    expect(byName.get('createdate')).toMatchObject({ type: 'datetime', modificationMetadata: { readOnlyValue: true } });
    const type = await hs.crm.properties.coreApi.getByName('companies', 'type');
    expect(type.options.map((o) => o.value)).toContain('PARTNER');
    expect(type.modificationMetadata).toEqual({ archivable: false, readOnlyDefinition: true, readOnlyValue: false });
    const edit = await failure(hs.crm.properties.coreApi.update('contacts', 'hs_lead_status', { options: [{ label: 'Won', value: 'WON', displayOrder: 0, hidden: false }] }));
    expect(edit.code).toBe(400);
  });

  it('creates a group and properties (enumeration, unique) and validates writes against them', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const group = await hs.crm.properties.groupsApi.create('contacts', { name: 'leadrelay', label: 'leadrelay', displayOrder: 1 });
    expect(group).toMatchObject({ name: 'leadrelay', label: 'leadrelay', archived: false });
    const status = await hs.crm.properties.coreApi.create('contacts', {
      name: 'leadrelay_partner_status', label: 'Partner status', type: 'enumeration' as never, fieldType: 'select' as never, groupName: 'leadrelay',
      options: [{ label: 'Offered', value: 'offered', displayOrder: 0, hidden: false }, { label: 'Accepted', value: 'accepted', displayOrder: 1, hidden: false }],
    });
    expect(status).toMatchObject({ name: 'leadrelay_partner_status', hubspotDefined: false, hasUniqueValue: false, modificationMetadata: { readOnlyValue: false, archivable: true } });
    await hs.crm.properties.coreApi.create('contacts', { name: 'leadrelay_lead_id', label: 'Lead id', type: 'string' as never, fieldType: 'text' as never, groupName: 'leadrelay', hasUniqueValue: true });
    const dup = await failure(hs.crm.properties.coreApi.create('contacts', { name: 'leadrelay_lead_id', label: 'x', type: 'string' as never, fieldType: 'text' as never, groupName: 'leadrelay' }));
    expect(dup.code).toBe(409);
    expect(dup.body.category).toBe('OBJECT_ALREADY_EXISTS');
    const mismatch = await raw(emu, 'POST', '/crm/v3/properties/contacts', { name: 'x_bad', label: 'x', type: 'bool', fieldType: 'text', groupName: 'leadrelay' });
    expect(mismatch.status).toBe(400);
    const noGroup = await raw(emu, 'POST', '/crm/v3/properties/contacts', { name: 'x_bad', label: 'x', type: 'string', fieldType: 'text', groupName: 'nope' });
    expect(noGroup.status).toBe(400);

    const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'p@example.test', leadrelay_partner_status: 'offered' }, associations: [] });
    const bad = await failure(hs.crm.contacts.basicApi.update(c.id, { properties: { leadrelay_partner_status: 'Accepted' } }));
    expect(bad.code).toBe(400);
    expect(bad.body.message).toContain('"error":"INVALID_OPTION"');
    expect(bad.body.message).toContain('Accepted was not one of the allowed options: [label: \\"Offered\\"\\nvalue: \\"offered\\"');
    await hs.crm.properties.coreApi.update('contacts', 'leadrelay_partner_status', {
      options: [{ label: 'Offered', value: 'offered', displayOrder: 0, hidden: false }, { label: 'Accepted', value: 'accepted', displayOrder: 1, hidden: false }, { label: 'Won', value: 'won', displayOrder: 2, hidden: false }],
    });
    const ok = await hs.crm.contacts.basicApi.update(c.id, { properties: { leadrelay_partner_status: 'won' } });
    expect(ok.properties.leadrelay_partner_status).toBe('won');
    const missing = await failure(hs.crm.properties.coreApi.getByName('contacts', 'nope'));
    expect(missing.code).toBe(404);
    await hs.crm.properties.coreApi.archive('contacts', 'leadrelay_partner_status');
    expect(emu.property('contacts', 'leadrelay_partner_status')).toBeUndefined();
  });

  it('rejects date values that are not midnight UTC with HubSpot\'s message', async () => {
    emu = await startEmu();
    emu.addProperty('contacts', { name: 'leadrelay_offer_date', label: 'Offer date', type: 'date', fieldType: 'date' });
    const hs = client(emu);
    const e = await failure(hs.crm.contacts.basicApi.create({ properties: { leadrelay_offer_date: String(Date.parse('2025-03-03T10:40:00Z')) }, associations: [] }));
    expect(e.body.message).toContain('is at 10:40:0.0 UTC, not midnight!');
    const ok = await hs.crm.contacts.basicApi.create({ properties: { leadrelay_offer_date: '2025-03-03' }, associations: [] });
    expect(ok.properties.leadrelay_offer_date).toBe('2025-03-03');
  });
});

describe('pipelines', () => {
  it('has the default Sales Pipeline and creates pipelines and stages that deals must reference', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const all = await hs.crm.pipelines.pipelinesApi.getAll('deals');
    expect(all.results.map((p) => p.id)).toEqual(['default']);
    expect(all.results[0]?.stages.map((s) => [s.id, s.metadata?.probability, s.metadata?.isClosed])).toEqual([
      ['appointmentscheduled', '0.2', 'false'], ['qualifiedtobuy', '0.4', 'false'], ['presentationscheduled', '0.6', 'false'],
      ['decisionmakerboughtin', '0.8', 'false'], ['contractsent', '0.9', 'false'], ['closedwon', '1.0', 'true'], ['closedlost', '0.0', 'true'],
    ]);
    const p = await hs.crm.pipelines.pipelinesApi.create('deals', {
      label: 'Partner deals', displayOrder: 1,
      stages: [{ label: 'Offered', displayOrder: 0, metadata: { probability: '0.1' } }, { label: 'Won', displayOrder: 1, metadata: { probability: '1.0', isClosed: 'true' } }],
    });
    expect(p.id).toMatch(/^\d+$/);
    const [offered, won] = p.stages;
    const stage = await hs.crm.pipelines.pipelineStagesApi.create('deals', p.id, { label: 'Lost', displayOrder: 2, metadata: { probability: '0.0', isClosed: 'true' } });
    const renamed = await hs.crm.pipelines.pipelineStagesApi.update('deals', p.id, offered?.id ?? '', { label: 'Offered to partner', metadata: { probability: '0.15' } });
    expect(renamed).toMatchObject({ label: 'Offered to partner', metadata: { probability: '0.15', isClosed: 'false' } });
    const noProb = await raw(emu, 'POST', `/crm/v3/pipelines/deals/${p.id}/stages`, { label: 'X', displayOrder: 3, metadata: {} });
    expect(noProb.status).toBe(400);
    const sameLabel = await failure(hs.crm.pipelines.pipelinesApi.create('deals', { label: 'Partner deals', displayOrder: 2, stages: [{ label: 'A', displayOrder: 0, metadata: { probability: '0.5' } }] }));
    expect(sameLabel.code).toBe(409);

    const stageProp = await hs.crm.properties.coreApi.getByName('deals', 'dealstage');
    expect(stageProp.options.map((o) => o.value)).toEqual(expect.arrayContaining(['closedwon', offered?.id, won?.id, stage.id]));
    const deal = await hs.crm.deals.basicApi.create({ properties: { dealname: 'D', pipeline: p.id, dealstage: won?.id ?? '' }, associations: [] });
    expect(emu.get('deals', deal.id)?.properties).toMatchObject({ hs_is_closed: 'true', hs_is_closed_won: 'true', hs_deal_stage_probability: '1.0' });
    const wrongStage = await failure(hs.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'closedwon' } }));
    expect(wrongStage.code).toBe(400);
    expect(wrongStage.body.message).toContain('"name":"dealstage"');
    const wrongPipeline = await failure(hs.crm.deals.basicApi.create({ properties: { dealname: 'E', pipeline: 'nope', dealstage: stage.id }, associations: [] }));
    expect(wrongPipeline.body.message).toContain('"name":"pipeline"');
  });
});
