// Write-backs against the emulator: 207 partial failures read per record, deals upserted by leadrelay_lead_id
// with their associations, verify after a crash.
import { afterEach, describe, expect, it } from 'vitest';
import type { WriteOutcome } from '../../../src/connectors/contract.ts';
import type { OpportunityWriteBack, WriteBack } from '../../../src/domain/write-back.ts';
import { snapshot } from '../contract.suite.ts';
import type { Env } from './env.ts';
import { mqlContacts, signal, startEnv } from './env.ts';

const lead = (id: string, over: Parameters<typeof snapshot>[0] = {}): WriteBack => ({ target: 'lead', leadId: `lr-${id}`, externalId: id, fields: snapshot(over) });
const deal = (contactId: string, over: Partial<OpportunityWriteBack> = {}): WriteBack => ({
  target: 'opportunity', leadId: `lr-${contactId}`, externalId: contactId,
  fields: { leadId: `lr-${contactId}`, leadExternalId: contactId, name: `Deal ${contactId}`, stage: 'meeting', amount: null, closeDate: '2026-12-15', partnerExternalId: '42', lostReason: null, description: null, ...over },
});

describe('hubspot write-back', () => {
  let env: Env;
  afterEach(async () => {
    await env.close();
  });

  it('writes the 97 of a batch of 100 whose 3 are rejected, retries nothing that cannot succeed, and quarantines the 3 with HubSpot\'s message', async () => {
    env = await startEnv();
    await env.setup();
    const ids = env.emu.seed('contacts', mqlContacts(100));
    const rejected = new Set([ids[3], ids[50], ids[97]]);
    const message = 'Property values were not valid: [{"isValid":false,"message":"Reserved was not one of the allowed options: [Offered, Qualified]","error":"INVALID_OPTION","name":"leadrelay_partner_status"}]';
    env.emu.faults.add({ kind: 'batchUpdate', times: 10, recordError: { predicate: (input) => rejected.has(String(input['id'])), category: 'VALIDATION_ERROR', message } });
    const c = env.connector();
    await c.connect(signal);
    const before = env.emu.calls().byKind.batchUpdate;
    const out: WriteOutcome[] = await c.write(ids.map((id) => lead(id, { status: 'reserved', partnerStatus: 'reserved' })), signal);
    expect(env.emu.calls().byKind.batchUpdate - before).toBe(1);
    expect(out.filter((o) => o.status === 'ok')).toHaveLength(97);
    expect(out.filter((o) => o.status === 'retry')).toHaveLength(0);
    const failed = out.flatMap((o, i) => (o.status === 'failed' ? [{ id: ids[i], reason: o.reason }] : []));
    expect(new Set(failed.map((f) => f.id))).toEqual(rejected);
    for (const f of failed) {
      expect(f.reason.code).toBe('INVALID_OPTION');
      expect(f.reason.message).toContain('Reserved was not one of the allowed options');
      expect(f.reason.source).toMatch(/^mappings\/hubspot\/lead\.yaml:\d+$/);
      expect(f.reason.fields).toEqual(['leadrelay_partner_status']);
    }
    const written = ids.filter((id) => !rejected.has(id)).map((id) => env.emu.get('contacts', id)?.properties['leadrelay_partner_status']);
    expect(new Set(written)).toEqual(new Set(['Reserved']));
    expect(env.emu.get('contacts', ids[3] ?? '')?.properties['leadrelay_partner_status'] ?? null).toBeNull();
  });

  it('creates a deal in the mapped pipeline and stage, associated with the contact and its company, and keeps it in step', async () => {
    env = await startEnv();
    await env.setup();
    const [contact = ''] = env.emu.seed('contacts', mqlContacts(1));
    const [company = ''] = env.emu.seed('companies', [{ name: 'Acme' }]);
    env.emu.associate('contacts', contact, 'companies', company);
    const c = env.connector();
    expect((await c.write([deal(contact, { stage: 'proposal', amount: 25_000 })], signal))[0]?.status).toBe('ok');
    const pipeline = env.emu.pipelines().find((p) => p.label === 'Partner Deals');
    expect(pipeline).toBeDefined();
    let deals = env.emu.all('deals');
    expect(deals).toHaveLength(1);
    const d = deals[0]!;
    expect(d.properties).toMatchObject({ pipeline: pipeline?.id, leadrelay_lead_id: `lr-${contact}`, amount: '25000', leadrelay_partner_id: '42', dealname: `Deal ${contact}` });
    expect(pipeline?.stages.find((s) => s.id === d.properties['dealstage'])?.label).toBe('Proposal Sent');
    expect(env.emu.associations('deals', d.id, 'contacts')).toEqual([contact]);
    expect(env.emu.associations('deals', d.id, 'companies')).toEqual([company]);

    // Won later: the same deal moves; a replay of the same snapshot creates nothing.
    const won = deal(contact, { stage: 'won', amount: 31_000, closeDate: '2026-12-20' });
    expect((await c.write([won], signal))[0]?.status).toBe('ok');
    expect((await env.connector().write([won], signal))[0]?.status).toBe('ok');
    deals = env.emu.all('deals');
    expect(deals).toHaveLength(1);
    expect(pipeline?.stages.find((s) => s.id === deals[0]?.properties['dealstage'])?.label).toBe('Closed Won');
    expect(deals[0]?.properties).toMatchObject({ amount: '31000' });
    expect(Date.parse(deals[0]?.properties['closedate'] ?? '')).toBe(Date.parse('2026-12-20T00:00:00Z'));
    expect(await env.connector().verify([won, deal(contact, { stage: 'lost' })], signal)).toEqual([true, false]);
  });

  it('never duplicates a deal whose create landed while its answer was lost', async () => {
    env = await startEnv();
    await env.setup();
    const [contact = ''] = env.emu.seed('contacts', mqlContacts(1));
    env.emu.faults.add({ kind: 'batchCreate', afterApply: { reset: true } });
    const c = env.connector();
    const first = await c.write([deal(contact)], signal).catch((e: unknown) => e);
    expect(env.emu.all('deals')).toHaveLength(1);
    const again = await c.write([deal(contact)], signal);
    expect(again[0]?.status).toBe('ok');
    expect(env.emu.all('deals')).toHaveLength(1);
    expect(first).toBeDefined();
  });

  it('quarantines a deal stage the pipeline lacks with the mapping line, and writes nothing for it', async () => {
    env = await startEnv();
    await env.setup();
    const [contact = ''] = env.emu.seed('contacts', mqlContacts(1));
    const out = await env.connector().write([deal(contact, { stage: 'contacted' })], signal);
    expect(out[0]).toMatchObject({ status: 'failed', reason: { code: 'MAPPING.MISSING_FIELD', source: expect.stringMatching(/mappings\/hubspot\/opportunity\.yaml:\d+$/) } });
    expect(env.emu.all('deals')).toHaveLength(0);
  });
});
