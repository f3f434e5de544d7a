// Batch read/create/update/upsert/archive: 200/201/204, 207 partial failures read through the client (it returns
// the body without throwing), the 100-input limit and upsert replays that create no duplicates.
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, contacts, failure, raw, startEmu } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

describe('batch update', () => {
  it('writes the 97 valid records of 100 and answers 207 with one error per rejected record', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const ids = emu.seed('contacts', contacts(100));
    const bad = new Set([7, 42, 99]);
    const inputs = ids.map((id, i) => ({ id, properties: { lifecyclestage: bad.has(i) ? 'hot_lead' : 'marketingqualifiedlead', hs_lead_status: 'NEW' } }));
    const res = await hs.crm.contacts.batchApi.update({ inputs });
    expect(res.status).toBe('COMPLETE');
    expect('numErrors' in res ? res.numErrors : 0).toBe(3);
    const errors = 'errors' in res ? (res.errors ?? []) : [];
    expect(errors.map((e) => e.context?.ids)).toEqual([[ids[7]], [ids[42]], [ids[99]]]);
    expect(errors[0]).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(errors[0]?.message).toMatch(/^Property values were not valid: \[\{"isValid":false,"message":"hot_lead was not one of the allowed options/);
    expect(errors[0]?.errors?.[0]).toMatchObject({ code: 'INVALID_OPTION', context: { propertyName: ['lifecyclestage'] } });
    expect(res.results).toHaveLength(97);
    expect(res.results[0]?.properties).toMatchObject({ lifecyclestage: 'marketingqualifiedlead', hs_lead_status: 'NEW' });
    expect(emu.get('contacts', ids[7] ?? '')?.properties.lifecyclestage).toBeUndefined();
    expect(emu.get('contacts', ids[8] ?? '')?.properties.lifecyclestage).toBe('marketingqualifiedlead');
    expect(emu.writeLog().filter((w) => w.op === 'update' && w.via === 'batch')).toHaveLength(97);
    expect(emu.calls().byKind.batchUpdate).toBe(1);
  });

  it('answers 200 when every record is written and 207 OBJECT_NOT_FOUND for unknown ids', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const [a] = emu.seed('contacts', contacts(1));
    const ok = await raw(emu, 'POST', '/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a, properties: { firstname: 'Z' } }] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'COMPLETE', results: [{ id: a, properties: { firstname: 'Z' } }] });
    expect(ok.body.numErrors).toBeUndefined();
    const res = await hs.crm.contacts.batchApi.update({ inputs: [{ id: a ?? '', properties: { firstname: 'Y' } }, { id: '999999', properties: { firstname: 'Q' } }] });
    expect('errors' in res ? res.errors : undefined).toEqual([expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } })]);
  });

  it('refuses more than 100 inputs and duplicate ids with 400 VALIDATION_ERROR', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const ids = emu.seed('contacts', contacts(101));
    const tooMany = await failure(hs.crm.contacts.batchApi.update({ inputs: ids.map((id) => ({ id, properties: { firstname: 'x' } })) }));
    expect(tooMany.code).toBe(400);
    expect(tooMany.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const dup = await failure(hs.crm.contacts.batchApi.update({ inputs: [{ id: ids[0] ?? '', properties: {} }, { id: ids[0] ?? '', properties: {} }] }));
    expect(dup.code).toBe(400);
    expect(dup.body.message).toBe(`Duplicate IDs found in batch input: [${ids[0]}]. IDs must be unique`);
    expect(emu.writeLog()).toHaveLength(0);
  });
});

describe('batch create', () => {
  it('creates with 201; one invalid input without objectWriteTraceIds fails the whole batch', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const ok = await raw(emu, 'POST', '/crm/v3/objects/contacts/batch/create', { inputs: contacts(2).map((p) => ({ properties: p, associations: [] })) });
    expect(ok.status).toBe(201);
    const e = await failure(hs.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'n1@example.test' }, associations: [] }, { properties: { email: 'n2@example.test', lifecyclestage: 'x' }, associations: [] }] }));
    expect(e.code).toBe(400);
    expect(e.body.category).toBe('VALIDATION_ERROR');
    expect(emu.all('contacts')).toHaveLength(2);
  });

  it('with objectWriteTraceIds answers 207 per record and creates the valid ones', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const res = await hs.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email: 't1@example.test' }, associations: [], objectWriteTraceId: 't1' },
        { properties: { email: 't2@example.test', lifecyclestage: 'nope' }, associations: [], objectWriteTraceId: 't2' },
        { properties: { email: 't3@example.test' }, associations: [], objectWriteTraceId: 't3' },
      ],
    });
    expect('numErrors' in res ? res.numErrors : 0).toBe(1);
    expect('errors' in res ? res.errors?.[0]?.context : undefined).toEqual({ objectWriteTraceId: ['t2'] });
    expect(res.results.map((r) => r.properties.email)).toEqual(['t1@example.test', 't3@example.test']);
    expect(res.results.map((r) => r.objectWriteTraceId)).toEqual(['t1', 't3']);
  });
});

describe('batch upsert, read and archive', () => {
  it('upserts by a unique property: a replay updates instead of duplicating', async () => {
    emu = await startEmu();
    const hs = client(emu);
    emu.addProperty('contacts', { name: 'leadrelay_lead_id', label: 'leadrelay lead id', type: 'string', fieldType: 'text', hasUniqueValue: true });
    const inputs = [1, 2, 3].map((n) => ({ id: `L-${n}`, idProperty: 'leadrelay_lead_id', properties: { email: `l${n}@example.test`, hs_lead_status: 'NEW' } }));
    const first = await hs.crm.contacts.batchApi.upsert({ inputs });
    expect(first.results.map((r) => r._new)).toEqual([true, true, true]);
    const replay = await hs.crm.contacts.batchApi.upsert({ inputs: inputs.map((i) => ({ ...i, properties: { ...i.properties, hs_lead_status: 'OPEN' } })) });
    expect(replay.results.map((r) => r._new)).toEqual([false, false, false]);
    expect(replay.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect(emu.all('contacts').map((c) => c.properties.hs_lead_status)).toEqual(['OPEN', 'OPEN', 'OPEN']);
    const notUnique = await failure(hs.crm.contacts.batchApi.upsert({ inputs: [{ id: 'x', idProperty: 'firstname', properties: {} }] }));
    expect(notUnique.code).toBe(400);
  });

  it('reads a batch (207 OBJECT_NOT_FOUND for missing ids, merged ids answer the winner) and archives with 204', async () => {
    emu = await startEmu();
    const hs = client(emu);
    const [a, b, c] = emu.seed('contacts', contacts(3));
    emu.remove('contacts', c ?? '', { mergedInto: a ?? '' });
    const res = await hs.crm.contacts.batchApi.read({ inputs: [{ id: a ?? '' }, { id: b ?? '' }, { id: c ?? '' }, { id: '424242' }], properties: ['email'], propertiesWithHistory: [] });
    expect(res.results.map((r) => r.id)).toEqual([a, b]);
    expect('errors' in res ? res.errors : undefined).toEqual([expect.objectContaining({
      status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.', context: { ids: ['424242'] },
    })]);
    const archive = await raw(emu, 'POST', '/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: b }, { id: '424242' }] });
    expect(archive.status).toBe(204);
    expect(emu.get('contacts', b ?? '')?.archived).toBe(true);
  });
});
