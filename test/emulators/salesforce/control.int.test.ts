// The HTTP control surface under /__emulator/ and the in-process helpers (seed, update, remove, clock).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import { leads, loginConn, startEmu } from './support.ts';

let emu: SalesforceEmulator;
beforeEach(async () => {
  emu = await startEmu();
});
afterEach(async () => {
  await emu.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emu.url}/__emulator/${path}`, {
    method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) as unknown };
}

describe('HTTP control surface', () => {
  it('seeds, reads, edits, removes, and none of it counts as API calls', async () => {
    const seeded = await call('POST', 'seed/Lead', [{ LastName: 'A', Company: 'X', SystemModstamp: '2024-01-02T03:04:05.678Z' }, { LastName: 'B', Company: 'Y' }]);
    const ids = seeded.json as string[];
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^00Q[0-9A-Za-z]{15}$/);
    const one = await call('GET', `records/Lead/${ids[0] ?? ''}`);
    expect(one.json).toMatchObject({ LastName: 'A', SystemModstamp: '2024-01-02T03:04:05.000+0000', Status: 'Open - Not Contacted' });
    const edited = await call('POST', `update/Lead/${ids[0] ?? ''}`, { Title: 'Boss' });
    expect(edited.json).toMatchObject({ Title: 'Boss' });
    expect((edited.json as { SystemModstamp: string }).SystemModstamp).not.toBe('2024-01-02T03:04:05.000+0000');
    await call('POST', `remove/Lead/${ids[1] ?? ''}`, { mergedInto: ids[0] });
    expect(((await call('GET', 'records/Lead')).json as unknown[])).toHaveLength(1);
    const all = (await call('GET', 'records/Lead?includeDeleted=1')).json as Array<Record<string, unknown>>;
    expect(all.map((r) => [r.IsDeleted, r.MasterRecordId])).toEqual([[false, null], [true, ids[0]]]);
    expect((await call('GET', 'calls')).json).toMatchObject({ total: 0, auth: 0 });
    expect((await call('GET', 'writes')).json).toEqual([]);
    expect((await call('POST', 'seed/Lead', [{ Bogus__c: 1 }])).status).toBe(400);
    expect((await call('GET', 'records/Nope')).status).toBe(400);
  });

  it('faults, sessions, clock and calls over HTTP', async () => {
    const conn = await loginConn(emu);
    const { json } = await call('POST', 'faults', { kind: 'query', path: '/query$', status: 503, body: '<html>down</html>', times: 1 });
    expect(json).toEqual({ id: expect.any(String) as unknown });
    await conn.query('SELECT Id FROM Lead'); // jsforce retries past the 503
    const list = (await call('GET', 'faults')).json as Array<{ fired: number; active: boolean }>;
    expect(list[0]).toMatchObject({ fired: 1, active: false });
    await call('DELETE', 'faults');
    expect((await call('GET', 'faults')).json).toEqual([]);

    expect((await call('GET', 'calls')).json).toMatchObject({ total: 1, rejected: 1, auth: 1, byKind: { query: 1 } });
    await call('POST', 'calls/reset');
    expect((await call('GET', 'calls')).json).toMatchObject({ total: 0 });

    const fixed = await call('POST', 'clock', { now: '2030-01-01T00:00:00Z' });
    expect(fixed.json).toEqual({ now: '2030-01-01T00:00:00.000Z' });
    const [id] = emu.seed('Lead', leads(1));
    expect(emu.get('Lead', id ?? '')?.CreatedDate).toBe('2030-01-01T00:00:00.000+0000');
    await call('POST', 'clock', { offsetMs: 0 });

    const token = conn.accessToken ?? '';
    await call('POST', 'expire-sessions');
    const raw = await fetch(`${emu.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(401);
    // A password-login connection logs in again on 401 and replays.
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(1);
    expect(conn.accessToken).not.toBe(token);
  });
});

describe('in-process helpers', () => {
  it('seed validates names and types but not business rules; honours ids and stamps', async () => {
    expect(() => emu.seed('Lead', [{ NotAField: 1 }])).toThrow(/no field Lead.NotAField/);
    expect(() => emu.seed('Lead', [{ AnnualRevenue: 'lots' }])).toThrow(/bad value for Lead.AnnualRevenue/);
    const [id] = emu.seed('Lead', [{ Status: 'Anything goes here', CreatedDate: '2024-05-01T10:00:00Z' }]);
    expect(emu.get('Lead', id ?? '')).toMatchObject({ Status: 'Anything goes here', CreatedDate: '2024-05-01T10:00:00.000+0000' });
    expect(emu.get('Lead', (id ?? '').slice(0, 15))?.Id).toBe(id);
  });

  it('setClock drives stamps; writeLog lists client writes only', async () => {
    emu.setClock(() => new Date('2024-05-20T20:49:32.987Z'));
    const conn = await loginConn(emu);
    const r = await conn.sobject('Lead').create({ LastName: 'A', Company: 'B' });
    const id = r.id ?? '';
    expect(emu.get('Lead', id)?.SystemModstamp).toBe('2024-05-20T20:49:32.000+0000');
    emu.update('Lead', id, { Title: 'UI edit' });
    expect(emu.writeLog()).toEqual([{ at: '2024-05-20T20:49:32.000Z', op: 'create', sobject: 'Lead', id, fields: { LastName: 'A', Company: 'B' } }]);
  });
});
