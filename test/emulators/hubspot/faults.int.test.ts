// Fault injection, as the client sees it: 429s with and without Retry-After, 502/503 HTML outages, 500, dropped
// sockets, slow answers, tokens expiring mid-run, per-record errors inside a 207, the daily quota running out, and a
// write whose answer is lost. Also what numberOfApiCallRetries does with each.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { client, contacts, failure, raw, startEmu } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  vi.restoreAllMocks();
  await emu.close();
});

const OUTAGE = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';

describe('fault injection', () => {
  it('429 with and without Retry-After, with the real policy body', async () => {
    emu = await startEmu();
    emu.faults.add({ kind: 'list', throttle: { policy: 'TEN_SECONDLY_ROLLING', retryAfterSec: 7 } });
    emu.faults.add({ kind: 'list', throttle: { policy: 'TEN_SECONDLY_ROLLING' } });
    const hs = client(emu);
    const a = await failure(hs.crm.contacts.basicApi.getPage(1));
    expect(a.code).toBe(429);
    expect(a.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
    expect(a.headers?.['retry-after']).toBe('7');
    const b = await failure(hs.crm.contacts.basicApi.getPage(1));
    expect(b.headers?.['retry-after']).toBeUndefined();
    expect(emu.calls()).toMatchObject({ total: 0, rejected: 2, throttled: 0 });
    expect(emu.faults.injected()).toBe(2);
  });

  it('502 and 503 with an HTML body surface as ApiException with the HTML string; the client retries 5xx', async () => {
    emu = await startEmu();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    emu.faults.add({ kind: 'search', status: 502, body: OUTAGE });
    const e = await failure(client(emu).crm.contacts.searchApi.doSearch({ filterGroups: [], sorts: [], properties: [], limit: 1, after: '0' }));
    expect(e.code).toBe(502);
    expect(e.body).toBe(OUTAGE);
    expect(e.headers?.['content-type']).toBe('text/html;charset=utf-8');
    emu.faults.add({ kind: 'object', status: 503, body: OUTAGE.replaceAll('502 Bad Gateway', '503 Service Unavailable'), times: 2 });
    const hs = client(emu, { numberOfApiCallRetries: 3 });
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'r@example.test' }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    expect(emu.calls().rejected).toBe(3);
  });

  it('500 with a JSON body, a dropped socket and a slow answer', async () => {
    emu = await startEmu();
    emu.faults.add({ kind: 'batchUpdate', status: 500, body: { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' } });
    const [id] = emu.seed('contacts', contacts(1));
    const hs = client(emu);
    const e = await failure(hs.crm.contacts.batchApi.update({ inputs: [{ id: id ?? '', properties: { firstname: 'x' } }] }));
    expect(e.code).toBe(500);
    expect(e.body.category).toBe('INTERNAL_ERROR');
    emu.faults.add({ method: 'GET', path: /\/crm\/v3\/objects\/contacts$/, reset: true });
    const reset = await failure(hs.crm.contacts.basicApi.getPage(1));
    expect(String(reset.message)).toMatch(/socket hang up|ECONNRESET/);
    expect(reset.code).toBe('ECONNRESET');
    emu.faults.add({ kind: 'list', delayMs: 300 });
    const started = Date.now();
    await hs.crm.contacts.basicApi.getPage(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('expires OAuth tokens mid-run', async () => {
    emu = await startEmu();
    const t = emu.issueTokens();
    const hs = client(emu, { accessToken: t.access_token });
    emu.faults.add({ kind: 'list', after: 2, expireTokens: true });
    await hs.crm.contacts.basicApi.getPage(1);
    await hs.crm.contacts.basicApi.getPage(1);
    const e = await failure(hs.crm.contacts.basicApi.getPage(1));
    expect(e.code).toBe(401);
    expect(e.body.category).toBe('EXPIRED_AUTHENTICATION');
    expect((await failure(hs.crm.contacts.basicApi.getById('1'))).body.category).toBe('EXPIRED_AUTHENTICATION');
  });

  it('fails chosen records inside a batch with a 207 and writes the rest', async () => {
    emu = await startEmu();
    const ids = emu.seed('contacts', contacts(5));
    emu.faults.add({ kind: 'batchUpdate', recordError: { index: [1, 3], category: 'VALIDATION_ERROR', message: 'Property values were not valid: custom rule' } });
    const res = await client(emu).crm.contacts.batchApi.update({ inputs: ids.map((id) => ({ id, properties: { hs_lead_status: 'OPEN' } })) });
    expect('numErrors' in res ? res.numErrors : 0).toBe(2);
    expect('errors' in res ? res.errors?.map((x) => x.context?.ids) : []).toEqual([[ids[1]], [ids[3]]]);
    expect(emu.all('contacts').map((c) => c.properties.hs_lead_status ?? null)).toEqual(['OPEN', null, 'OPEN', null, 'OPEN']);
  });

  it('exhausts the daily quota by fault: 429 DAILY', async () => {
    emu = await startEmu();
    emu.faults.add({ kind: ['list', 'search'], throttle: { policy: 'DAILY' }, times: 5 });
    const e = await failure(client(emu, { numberOfApiCallRetries: 4 }).crm.contacts.basicApi.getPage(1));
    expect(e.body).toMatchObject({ policyName: 'DAILY', message: 'You have reached your daily limit.' });
    expect(emu.faults.list()[0]?.fired).toBe(1);
  });

  it('afterApply: the write lands but the answer is lost (socket reset or a 502)', async () => {
    emu = await startEmu();
    emu.faults.add({ kind: 'object', method: 'POST', afterApply: { reset: true } });
    const hs = client(emu);
    const e = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'lost@example.test' }, associations: [] }));
    expect(e.code).toBe('ECONNRESET');
    expect(emu.all('contacts').map((c) => c.properties.email)).toEqual(['lost@example.test']);
    emu.faults.add({ kind: 'batchUpsert', afterApply: { status: 502, body: OUTAGE } });
    const r = await raw(emu, 'POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ id: 'lost@example.test', idProperty: 'email', properties: { firstname: 'L' } }] });
    expect(r.status).toBe(502);
    expect(emu.all('contacts')[0]?.properties.firstname).toBe('L');
    expect(emu.calls().byKind.batchUpsert).toBe(1);
  });

  it('probabilistic faults are reproducible with a seed', async () => {
    const run = async (): Promise<number[]> => {
      emu = await startEmu({ burstLimit: 1000 });
      emu.faults.add({ kind: 'list', probability: 0.3, seed: 42, status: 503, body: OUTAGE });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await raw(emu, 'GET', '/crm/v3/objects/contacts')).status);
      await emu.close();
      return out;
    };
    const a = await run();
    const b = await run();
    emu = await startEmu();
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });
});
