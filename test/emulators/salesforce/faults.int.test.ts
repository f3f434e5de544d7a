// Fault injection as jsforce experiences it: outages, throttling, dropped sockets, slow answers, per-record
// failures and lost responses after a write landed. Also pins which jsforce calls retry by themselves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import { failure, leads, loginConn, refreshableConn, startEmu } from './support.ts';

let emu: SalesforceEmulator;
let conn: Connection;
beforeEach(async () => {
  emu = await startEmu();
  conn = await loginConn(emu);
  emu.resetCalls();
});
afterEach(async () => {
  await emu.close();
});

type SaveResult = { id?: string; success: boolean; errors: Array<{ statusCode: string; message: string }> };
const OUTAGE = '<html><body><h1>Service Unavailable</h1></body></html>';

describe('status faults', () => {
  it('503 with an HTML body: jsforce retries GETs by itself; outages are not billed', async () => {
    emu.seed('Lead', leads(2));
    const id = emu.faults.add({ kind: 'query', status: 503, body: OUTAGE });
    const r = await conn.query('SELECT Id FROM Lead');
    expect(r.totalSize).toBe(2);
    expect(emu.faults.injected(id)).toBe(1);
    expect(emu.calls()).toMatchObject({ total: 1, rejected: 1, byKind: { query: 1 } });
  });

  it('503 on a write is not retried by jsforce: the caller sees ERROR_HTTP_503 with the HTML', async () => {
    emu.faults.add({ kind: 'sobject', method: 'POST', status: 503, body: OUTAGE });
    const err = await failure(conn.sobject('Lead').create({ LastName: 'A', Company: 'B' }));
    expect(err.errorCode).toBe('ERROR_HTTP_503');
    expect(err.message).toContain('HTTP response contains html content');
    expect(emu.all('Lead')).toHaveLength(0);
  });

  it('429 with and without Retry-After; jsforce retries GET (ignoring Retry-After), not PATCH', async () => {
    emu.faults.add({ kind: 'query', status: 429, headers: { 'Retry-After': '1' }, body: [{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    const t0 = Date.now();
    await conn.query('SELECT Id FROM Lead');
    expect(Date.now() - t0).toBeLessThan(1000); // jsforce waited its own 500 ms, not Retry-After
    const [id] = emu.seed('Lead', leads(1));
    emu.faults.add({ kind: 'collections', status: 429 });
    const err = await failure(conn.sobject('Lead').update([{ Id: id ?? '', Title: 'x' }]));
    expect(err.errorCode).toBe('ERROR_HTTP_429');
    const raw = emu.faults.add({ kind: 'limits', status: 429, headers: { 'Retry-After': '7' } });
    const res = await fetch(`${emu.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken ?? ''}` } });
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
    expect(emu.faults.injected(raw)).toBe(1);
  });

  it('500 on PATCH surfaces as an error; the record is unchanged', async () => {
    const [id] = emu.seed('Lead', leads(1));
    emu.faults.add({ kind: 'sobject', method: 'PATCH', status: 500, body: [{ message: 'An unexpected error occurred', errorCode: 'UNKNOWN_EXCEPTION' }] });
    const err = await failure(conn.sobject('Lead').update({ Id: id ?? '', Title: 'x' }));
    expect(err.errorCode).toBe('UNKNOWN_EXCEPTION');
    expect(emu.get('Lead', id ?? '')?.Title).toBeNull();
  });

  it('401 INVALID_SESSION_ID fault makes jsforce refresh and replay', async () => {
    const rconn = await refreshableConn(emu);
    let refreshed = 0;
    rconn.on('refresh', () => { refreshed++; });
    emu.faults.add({ kind: 'query', status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] });
    expect((await rconn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    expect(refreshed).toBe(1);
  });

  it('403 REQUEST_LIMIT_EXCEEDED fault; `after` skips the first matching calls', async () => {
    emu.faults.add({ kind: 'query', after: 2, status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    await conn.query('SELECT Id FROM Lead');
    await conn.query('SELECT Id FROM Lead');
    const err = await failure(conn.query('SELECT Id FROM Lead'));
    expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
  });

  it('a failing token endpoint (kind auth)', async () => {
    const rconn = await refreshableConn(emu);
    emu.expireSessions();
    emu.faults.add({ kind: 'auth', path: '/services/oauth2/token', status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    const err = await failure(rconn.query('SELECT Id FROM Lead'));
    expect(err.message).toBe('Unable to refresh session due to: expired access/refresh token');
  });
});

describe('transport faults', () => {
  it('reset: GET is retried by jsforce; POST fails with ECONNRESET', async () => {
    emu.faults.add({ kind: 'query', reset: true });
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    emu.faults.add({ kind: 'sobject', method: 'POST', reset: true });
    const err = await failure(conn.sobject('Lead').create({ LastName: 'A', Company: 'B' }));
    expect(err.code ?? err.message).toMatch(/ECONNRESET|socket hang up/);
    expect(emu.faults.injected()).toBe(2);
  });

  it('delayMs answers late but answers', async () => {
    emu.faults.add({ kind: 'query', delayMs: 300 });
    const t0 = Date.now();
    await conn.query('SELECT Id FROM Lead');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(emu.calls().byKind.query).toBe(1);
  });
});

describe('record faults', () => {
  it('recordError fails chosen records of a collections call (UNABLE_TO_LOCK_ROW)', async () => {
    const ids = emu.seed('Lead', leads(5));
    emu.faults.add({ kind: 'collections', recordError: { index: [1, 3], statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record or 1 records' } });
    const r = await conn.sobject('Lead').update(ids.map((Id) => ({ Id, Title: 'T' }))) as SaveResult[];
    expect(r.map((x) => x.success)).toEqual([true, false, true, false, true]);
    expect(r[1]?.errors[0]).toEqual({ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record or 1 records', fields: [] });
    expect(emu.all('Lead').map((l) => l.Title)).toEqual(['T', null, 'T', null, 'T']);
    const again = await conn.sobject('Lead').update(ids.map((Id) => ({ Id, Title: 'U' }))) as SaveResult[];
    expect(again.every((x) => x.success)).toBe(true); // the rule fired once
  });

  it('recordError with a predicate (in-process rules)', async () => {
    const ids = emu.seed('Lead', leads(3));
    emu.faults.add({ kind: 'collections', recordError: { predicate: (rec) => rec.Title === 'locked', statusCode: 'UNABLE_TO_LOCK_ROW', message: 'locked' } });
    const r = await conn.sobject('Lead').update([{ Id: ids[0] ?? '', Title: 'ok' }, { Id: ids[1] ?? '', Title: 'locked' }]) as SaveResult[];
    expect(r.map((x) => x.success)).toEqual([true, false]);
  });

  it('afterApply reset: the write lands, the client never learns it', async () => {
    const ids = emu.seed('Lead', leads(2));
    emu.faults.add({ kind: 'collections', method: 'PATCH', afterApply: { reset: true } });
    const err = await failure(conn.sobject('Lead').update(ids.map((Id) => ({ Id, Title: 'Landed' }))));
    expect(err.code ?? err.message).toMatch(/ECONNRESET|socket hang up/);
    expect(emu.all('Lead').map((l) => l.Title)).toEqual(['Landed', 'Landed']);
    expect(emu.writeLog()).toHaveLength(2);
    expect(emu.calls().byKind.collections).toBe(1);
  });

  it('afterApply status: the write lands and the client sees a 500', async () => {
    emu.faults.add({ kind: 'sobject', method: 'POST', afterApply: { status: 500, body: [{ message: 'boom', errorCode: 'UNKNOWN_EXCEPTION' }] } });
    const err = await failure(conn.sobject('Lead').create({ LastName: 'A', Company: 'B' }));
    expect(err.errorCode).toBe('UNKNOWN_EXCEPTION');
    expect(emu.all('Lead')).toHaveLength(1);
  });
});

describe('probabilistic faults', () => {
  it('fire reproducibly for a seed', async () => {
    const pattern = async (): Promise<boolean[]> => {
      const e = await startEmu();
      try {
        const id = e.faults.add({ kind: 'limits', probability: 0.4, seed: 42, status: 500, countsAsApiCall: false });
        const c = await loginConn(e);
        const out: boolean[] = [];
        for (let i = 0; i < 20; i++) {
          const before = e.faults.injected(id);
          const res = await fetch(`${e.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${c.accessToken ?? ''}` } });
          out.push(res.status === 500 && e.faults.injected(id) === before + 1);
        }
        return out;
      } finally {
        await e.close();
      }
    };
    const a = await pattern();
    const b = await pattern();
    expect(a).toEqual(b);
    const fired = a.filter(Boolean).length;
    expect(fired).toBeGreaterThan(2);
    expect(fired).toBeLessThan(18);
  });
});
