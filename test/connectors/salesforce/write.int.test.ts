// Write-backs against the emulator over a socket: collections of 200, per-record outcomes, whole-call failures
// (429 + Retry-After, 503 HTML, resets, a lost response after the write), opportunity upsert and convert mode.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../../src/lib/vendor-error.ts';
import type { Env } from './env.ts';
import { drain, mqlLeads, signal, startEnv } from './env.ts';
import { convertMode, leadWrite, opportunityWrite, withBadPartnerStatus } from './fixtures.ts';

describe('salesforce write', () => {
  let env: Env;
  let ids: string[];

  beforeAll(async () => {
    env = await startEnv();
    await env.setup();
    ids = env.emu.seed('Lead', mqlLeads(600));
  }, 60_000);

  afterAll(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.emu.resetCalls();
    env.emu.faults.clear();
    env.sleeps.length = 0;
  });

  it('writes 450 lead snapshots in 3 collection calls, each record acknowledged', async () => {
    const c = env.connector();
    const batch = ids.slice(0, 450).map((id) => leadWrite(id, { status: 'reserved', partnerStatus: 'reserved', partnerName: 'Solar GmbH', reservedAt: '2025-05-20T12:00:00.000Z' }));
    const out = await c.write(batch, signal);
    expect(out.every((o) => o.status === 'ok')).toBe(true);
    expect(env.emu.calls().byKind.collections).toBe(3);
    expect(env.emu.calls().total).toBe(3);
    expect(c.usage().callsByStage).toEqual({ auth: 1, 'write-lead': 3 });
    const lead = env.emu.get('Lead', ids[0] ?? '');
    expect(lead).toMatchObject({ LeadRelay_Partner_Status__c: 'Reserved', Status: 'Sales Accepted', LeadRelay_Partner_Name__c: 'Solar GmbH' });
  });

  it('classifies per-record failures: lock → retry, bad picklist → failed with the mapping line, converted/deleted → gone', async () => {
    const [locked, badValue, deleted, fine] = ids.slice(450, 454) as [string, string, string, string];
    env.emu.remove('Lead', deleted);
    env.emu.faults.add({ kind: 'collections', recordError: { predicate: (r) => r['Id'] === locked || r['id'] === locked, statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' } });
    const c = env.connector({ mappings: withBadPartnerStatus(env.mappings, 'contacted', 'Contacted (typo)') });
    const out = await c.write([
      leadWrite(locked), leadWrite(badValue, { status: 'contacted', partnerStatus: 'contacted' }), leadWrite(deleted), leadWrite(fine),
    ], signal);
    expect(out[0]).toMatchObject({ status: 'retry', code: 'UNABLE_TO_LOCK_ROW' });
    expect(out[1]).toMatchObject({ status: 'failed', reason: { code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['LeadRelay_Partner_Status__c'] } });
    expect(out[1]?.status === 'failed' ? out[1].reason.source : '').toMatch(/mappings\/salesforce\/lead\.yaml:\d+$/);
    expect(out[2]).toMatchObject({ status: 'gone', code: 'ENTITY_IS_DELETED' });
    expect(out[3]).toEqual({ status: 'ok', crmId: fine });
    expect(env.emu.calls().byKind.collections).toBe(1);
  });

  it('honours 429 Retry-After (seconds) and retries a 503 HTML page and a dropped socket, replaying the whole call', async () => {
    env.emu.faults.add({ kind: 'collections', status: 429, headers: { 'Retry-After': '7' }, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded' }] });
    env.emu.faults.add({ kind: 'collections', status: 503, body: '<html><body><h1>Service Unavailable</h1><p>jane@example.com</p></body></html>' });
    env.emu.faults.add({ kind: 'collections', reset: true });
    const c = env.connector();
    const out = await c.write(ids.slice(460, 470).map((id) => leadWrite(id)), signal);
    expect(out.every((o) => o.status === 'ok')).toBe(true);
    expect(env.sleeps[0]).toBe(7000);
    expect(env.sleeps).toHaveLength(3);
    expect(c.usage().callsByStage['write-lead']).toBe(4);
  });

  it('throws when nothing could be sent after the retries, without leaking the HTML body', async () => {
    env.emu.faults.add({ kind: 'collections', status: 503, times: 10, body: '<html><body>Down for maintenance, call jane@example.com</body></html>' });
    const c = env.connector({ retry: { retries: 2 } });
    const err = await c.write([leadWrite(ids[470] ?? '')], signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect(err).toMatchObject({ status: 503, code: 'ERROR_HTTP_503', method: 'PATCH', path: '/services/data/v60.0/composite/sobjects' });
    expect(String((err as Error).message)).not.toMatch(/html|jane/i);
    expect(env.sleeps).toHaveLength(2);
  });

  it('reports what was sent and marks the rest retry when the service goes down mid-batch', async () => {
    env.emu.faults.add({ kind: 'collections', status: 503, after: 1, times: 10, body: '<html>down</html>' });
    const c = env.connector({ config: { ...(await import('./env.ts')).sfConfig(env.emu.url), writeBatchSize: 5 }, retry: { retries: 1 } });
    const out = await c.write(ids.slice(480, 495).map((id) => leadWrite(id)), signal);
    expect(out.slice(0, 5).every((o) => o.status === 'ok')).toBe(true);
    expect(out.slice(5).every((o) => o.status === 'retry')).toBe(true);
    // Stops after the outage: the third chunk is not sent.
    expect(c.usage().callsByStage['write-lead']).toBe(3);
  });

  it('upserts the opportunity by external id: twice, or after a lost response, still one Opportunity', async () => {
    const lead = ids[500] ?? '';
    env.emu.faults.add({ kind: 'collections', afterApply: { reset: true } });
    const c = env.connector();
    const first = await c.write([opportunityWrite(lead)], signal);
    expect(first[0]?.status).toBe('ok');
    const second = await c.write([opportunityWrite(lead, { stage: 'won', amount: 15000 })], signal);
    expect(second[0]?.status).toBe('ok');
    const opps = env.emu.all('Opportunity').filter((o) => o['LeadRelay_Lead_Id__c'] === `lr-${lead}`);
    expect(opps).toHaveLength(1);
    expect(opps[0]).toMatchObject({ StageName: 'Closed Won', Amount: 15000, CloseDate: '2025-09-30', LeadRelay_Lead__c: lead });
    expect(c.usage().callsByStage['write-opportunity']).toBe(3);
  });

  it('convert mode: converts once, keeps the converted opportunity in step, and stops writing to the Lead', async () => {
    const [a, b] = ids.slice(510, 512) as [string, string];
    const c = env.connector({ mappings: convertMode(env.mappings) });
    const first = await c.write([leadWrite(a, { status: 'meeting', partnerStatus: 'meeting' }), opportunityWrite(a), opportunityWrite(b)], signal);
    expect(first.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    expect(c.usage().callsByStage).toMatchObject({ 'write-lead': 1, convert: 2, 'write-opportunity': 1 });
    const lead = env.emu.get('Lead', a);
    expect(lead).toMatchObject({ IsConverted: true, Status: 'Closed - Converted', LeadRelay_Partner_Status__c: 'Meeting' });
    const oppId = String(lead?.['ConvertedOpportunityId']);
    expect(first[1]).toEqual({ status: 'ok', crmId: oppId });
    expect(env.emu.get('Opportunity', oppId)).toMatchObject({ StageName: 'Qualification', Amount: 12000, LeadRelay_Lead_Id__c: `lr-${a}` });

    // Later feedback: no second conversion, the same Opportunity moves; the Lead is read-only now.
    env.emu.resetCalls();
    const later = await c.write([leadWrite(a, { status: 'won', partnerStatus: 'won' }), opportunityWrite(a, { stage: 'won' })], signal);
    expect(later[0]).toEqual({ status: 'gone', code: 'CANNOT_UPDATE_CONVERTED_LEAD', message: expect.any(String) as string, convertedOpportunityId: oppId });
    expect(later[1]).toEqual({ status: 'ok', crmId: oppId });
    expect(env.emu.calls().total).toBe(1);
    expect(env.emu.get('Opportunity', oppId)).toMatchObject({ StageName: 'Closed Won' });

    // A fresh process (no memory of the conversion) learns it with one query, never converts twice.
    const fresh = env.connector({ mappings: convertMode(env.mappings) });
    env.emu.resetCalls();
    expect(await fresh.write([opportunityWrite(b, { stage: 'proposal' })], signal)).toEqual([{ status: 'ok', crmId: expect.any(String) as string }]);
    expect(env.emu.calls().byKind).toMatchObject({ query: 1, soap: 0, collections: 1 });
    expect(env.emu.all('Opportunity').filter((o) => o['LeadRelay_Lead_Id__c'] === `lr-${b}`)).toHaveLength(1);
  });

  it('convert mode: a conversion whose answer was lost is replayed, "already converted" counts as done', async () => {
    const lead = ids[530] ?? '';
    env.emu.faults.add({ kind: 'soap', afterApply: { reset: true } });
    const c = env.connector({ mappings: convertMode(env.mappings) });
    const out = await c.write([opportunityWrite(lead, { stage: 'proposal' })], signal);
    const oppId = String(env.emu.get('Lead', lead)?.['ConvertedOpportunityId']);
    expect(out).toEqual([{ status: 'ok', crmId: oppId }]);
    // query, convert (lost), convert again (already converted), query for its opportunity
    expect(c.usage().callsByStage).toMatchObject({ convert: 4, 'write-opportunity': 1 });
    expect(env.emu.all('Opportunity').filter((o) => o['LeadRelay_Lead_Id__c'] === `lr-${lead}`)).toHaveLength(1);
    expect(env.emu.get('Opportunity', oppId)).toMatchObject({ StageName: 'Proposal/Price Quote' });
  });

  it('verify: after a lost response, one read per target type tells which snapshots already landed', async () => {
    const [a, b, c, gone] = ids.slice(540, 544) as [string, string, string, string];
    const sent = [leadWrite(a, { status: 'reserved', partnerStatus: 'reserved', reservedAt: '2025-05-20T12:00:00.000Z', feedbackComment: 'Called, good fit' }), leadWrite(b), opportunityWrite(a, { stage: 'proposal', amount: 999.5 })];
    // The write lands, the answer is lost, the process dies (no retries left).
    env.emu.faults.add({ kind: 'collections', afterApply: { reset: true }, times: 2 });
    const dying = env.connector({ retry: { retries: 0 } });
    await expect(dying.write(sent, signal)).rejects.toThrow();
    env.emu.remove('Lead', gone);
    env.emu.resetCalls();
    const fresh = env.connector();
    const checks = await fresh.verify([...sent, leadWrite(c), leadWrite(b, { partnerStatus: 'contacted', status: 'contacted' }), leadWrite(gone)], signal);
    // a: landed; b: landed; opp: the lead write failed first, so it was never sent; c: never sent; b changed; deleted.
    expect(checks).toEqual([true, true, false, false, false, false]);
    expect(fresh.usage().callsByStage).toMatchObject({ verify: 2 });
    expect(env.emu.calls().byKind.query).toBe(2);
    expect(fresh.writeBatchSize).toBe(200);
  });

  it('skips leads it has pulled as converted: gone with the opportunity, no call', async () => {
    const c = env.connector({ mappings: convertMode(env.mappings) });
    const lead = ids[520] ?? '';
    env.emu.update('Lead', lead, { LeadRelay_Partner_Status__c: 'Meeting' });
    await c.write([opportunityWrite(lead)], signal);
    env.clock.advance(5);
    const reader = env.connector();
    await drain(reader.pullLeads({ from: null, signal }));
    env.emu.resetCalls();
    const out = await reader.write([leadWrite(lead)], signal);
    expect(out[0]).toMatchObject({ status: 'gone', code: 'CANNOT_UPDATE_CONVERTED_LEAD' });
    expect(out[0]?.status === 'gone' ? out[0].convertedOpportunityId : null).toBe(env.emu.get('Lead', lead)?.['ConvertedOpportunityId']);
    expect(env.emu.calls().total).toBe(0);
  });
});
