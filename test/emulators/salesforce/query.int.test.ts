// SOQL over the socket: paging with nextRecordsUrl and batchSize, cursor snapshots, queryAll, WHERE / ORDER BY
// semantics (ties on SystemModstamp, datetime literals, nulls), and the real error formats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import { failure, leads, loginConn, startEmu } from './support.ts';

type Row = Record<string, unknown> & { Id: string };

describe('query paging', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  beforeAll(async () => {
    emu = await startEmu();
    conn = await loginConn(emu);
    emu.seed('Lead', leads(4500));
  });
  afterAll(async () => {
    await emu.close();
  });

  it('pages 4,500 rows as 2000/2000/500 with nextRecordsUrl locators', async () => {
    emu.resetCalls();
    const first = await conn.query<Row>('SELECT Id, LastName FROM Lead');
    expect(first.totalSize).toBe(4500);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    // jsforce rewrites the server's relative nextRecordsUrl into an absolute one.
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v60\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);
    const raw = await conn.request<{ nextRecordsUrl: string }>('/services/data/v60.0/query?q=SELECT+Id+FROM+Lead');
    expect(raw.nextRecordsUrl).toMatch(/^\/services\/data\/v60\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);
    const second = await conn.queryMore<Row>(first.nextRecordsUrl ?? '');
    expect(second.records).toHaveLength(2000);
    expect(second.nextRecordsUrl).toMatch(/-4000$/);
    const third = await conn.queryMore<Row>(second.nextRecordsUrl ?? '');
    expect(third.records).toHaveLength(500);
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    const ids = new Set([...first.records, ...second.records, ...third.records].map((r) => r.Id));
    expect(ids.size).toBe(4500);
    expect(first.records[0]).toEqual({
      attributes: { type: 'Lead', url: `/services/data/v60.0/sobjects/Lead/${first.records[0]?.Id ?? ''}` },
      Id: first.records[0]?.Id, LastName: 'Lead 0',
    });
    expect(emu.calls().byKind).toMatchObject({ query: 2, queryMore: 2 });
  });

  it('honours Sforce-Query-Options batchSize (clamped to 200..2000) and autoFetch follows pages', async () => {
    const q = await conn.query<Row>('SELECT Id FROM Lead', { headers: { 'Sforce-Query-Options': 'batchSize=500' } });
    expect(q.records).toHaveLength(500);
    expect(q.nextRecordsUrl).toMatch(/-500$/);
    const small = await conn.query<Row>('SELECT Id FROM Lead', { headers: { 'Sforce-Query-Options': 'batchSize=10' } });
    expect(small.records).toHaveLength(200);
    emu.resetCalls();
    const all = await conn.query<Row>('SELECT Id FROM Lead', { autoFetch: true, maxFetch: 10_000, headers: { 'Sforce-Query-Options': 'batchSize=1000' } });
    expect(all.records).toHaveLength(4500);
    expect(emu.calls().byKind).toMatchObject({ query: 1, queryMore: 4 });
  });

  it('snapshots the matching ids at query time; pages read current values', async () => {
    const first = await conn.query<Row>("SELECT Id, Title FROM Lead WHERE Company LIKE 'Company 1%' ORDER BY Id", { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    const total = first.totalSize;
    emu.seed('Lead', leads(5, (i) => ({ Company: `Company 1-new-${i}` })));
    const later = first.records.length < total ? await conn.queryMore<Row>(first.nextRecordsUrl ?? '') : first;
    expect(later.totalSize).toBe(total);
    const lastId = (later.records.at(-1) as Row).Id;
    emu.update('Lead', lastId, { Title: 'Changed' });
    let page = later;
    while (!page.done) page = await conn.queryMore<Row>(page.nextRecordsUrl ?? '');
    expect(page.totalSize).toBe(total);
    const fresh = await conn.query<Row>(`SELECT Id, Title FROM Lead WHERE Id = '${lastId}'`);
    expect(fresh.records[0]?.Title).toBe('Changed');
  });

  it('an unknown or expired locator is INVALID_QUERY_LOCATOR', async () => {
    const err = await failure(conn.queryMore('/services/data/v60.0/query/01g000000000000AAA-2000'));
    expect(err.errorCode).toBe('INVALID_QUERY_LOCATOR');
    const q = await conn.query<Row>('SELECT Id FROM Lead');
    emu.setClock(() => new Date(Date.now() + 16 * 60_000));
    const expired = await failure(conn.queryMore(q.nextRecordsUrl ?? ''));
    expect(expired.errorCode).toBe('INVALID_QUERY_LOCATOR');
    emu.setClock(() => new Date());
  });
});

describe('SOQL semantics', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  const ids: string[] = [];
  beforeAll(async () => {
    emu = await startEmu();
    conn = await loginConn(emu);
    emu.addField('Lead', { name: 'Products__c', label: 'Products', type: 'multipicklist', length: 4099,
      picklistValues: [{ value: 'heat-pump' }, { value: 'solar-pv' }, { value: 'wallbox' }] });
    ids.push(...emu.seed('Lead', [
      { LastName: 'Alpha', Company: 'Acme', Country: 'DE', AnnualRevenue: 100, Products__c: 'heat-pump;solar-pv', SystemModstamp: '2024-05-20T20:49:32.123Z', Title: "O'Brien \\ Co" },
      { LastName: 'beta', Company: 'acme', Country: null, AnnualRevenue: 50, Products__c: 'wallbox', SystemModstamp: '2024-05-20T20:49:32Z' },
      { LastName: 'Gamma', Company: 'Globex', Country: 'AT', AnnualRevenue: null, Products__c: null, SystemModstamp: '2024-05-20T20:49:32Z' },
      { LastName: 'Delta', Company: 'Initech', Country: 'CH', AnnualRevenue: 75, Products__c: 'solar-pv', SystemModstamp: '2024-05-20T20:49:33Z' },
      { LastName: 'Eps', Company: 'Umbrella', Country: 'DE', AnnualRevenue: 10, SystemModstamp: '2024-05-20T22:49:31Z', CreatedDate: '2024-05-19T00:00:00Z' },
    ]));
  });
  afterAll(async () => {
    await emu.close();
  });

  const names = async (where: string, order = 'ORDER BY LastName'): Promise<string[]> =>
    (await conn.query<Row>(`SELECT LastName FROM Lead WHERE ${where} ${order}`)).records.map((r) => String(r.LastName));

  it('datetimes have second precision and the wire format 2024-05-20T20:49:32.000+0000', async () => {
    const r = await conn.query<Row>(`SELECT SystemModstamp, CreatedDate FROM Lead WHERE Id = '${ids[0] ?? ''}'`);
    expect(r.records[0]?.SystemModstamp).toBe('2024-05-20T20:49:32.000+0000');
  });

  it('ties on SystemModstamp: >= keeps them, > loses them; ORDER BY SystemModstamp, Id is stable', async () => {
    expect(await names('SystemModstamp >= 2024-05-20T20:49:32Z')).toEqual(['Alpha', 'beta', 'Delta', 'Eps', 'Gamma']);
    expect(await names('SystemModstamp > 2024-05-20T20:49:32Z')).toEqual(['Delta', 'Eps']);
    expect(await names('SystemModstamp = 2024-05-20T20:49:32.000Z')).toEqual(['Alpha', 'beta', 'Gamma']);
    // +02:00 offsets: 22:49:32+02:00 is 20:49:32Z (jsforce URL-encodes the '+').
    expect(await names('SystemModstamp < 2024-05-20T22:49:33+02:00')).toEqual(['Alpha', 'beta', 'Gamma']);
    expect(await names('SystemModstamp >= 2024-05-20T20:49:32Z AND SystemModstamp < 2024-05-20T20:49:34Z', 'ORDER BY SystemModstamp, Id'))
      .toEqual(['Alpha', 'beta', 'Gamma', 'Delta']);
    expect(await names('SystemModstamp >= 2024-05-20T20:49:32Z', 'ORDER BY SystemModstamp DESC, Id DESC'))
      .toEqual(['Eps', 'Delta', 'Gamma', 'beta', 'Alpha']);
  });

  it('keyset paging on (SystemModstamp, Id): Id compares and sorts in base62 order', async () => {
    const sorted = [...ids].sort(); // ASCII order = Salesforce Id order
    const page1 = await conn.query<Row>('SELECT Id FROM Lead WHERE SystemModstamp >= 2024-05-20T20:49:32Z ORDER BY SystemModstamp, Id LIMIT 2');
    const last = page1.records[1]?.Id ?? '';
    const rest = await conn.query<Row>(`SELECT Id FROM Lead WHERE (SystemModstamp > 2024-05-20T20:49:32Z OR (SystemModstamp = 2024-05-20T20:49:32Z AND Id > '${last}')) ORDER BY SystemModstamp, Id`);
    expect([...page1.records, ...rest.records].map((r) => r.Id)).toEqual([...sorted.slice(0, 3), ids[3], ids[4]]);
    const byId = await conn.query<Row>('SELECT Id FROM Lead ORDER BY Id DESC');
    expect(byId.records.map((r) => r.Id)).toEqual([...ids].sort().reverse());
    expect((await conn.query<Row>(`SELECT Id FROM Lead WHERE Id > '${sorted[3] ?? ''}'`)).records.map((r) => r.Id)).toEqual([sorted[4]]);
  });

  it('strings compare case-insensitively; LIKE, IN, escapes', async () => {
    expect(await names("Company = 'ACME'")).toEqual(['Alpha', 'beta']);
    expect(await names("LastName LIKE 'b%'")).toEqual(['beta']);
    expect(await names("Company IN ('globex', 'Initech')")).toEqual(['Delta', 'Gamma']);
    expect(await names("Title = 'O\\'Brien \\\\ Co'")).toEqual(['Alpha']);
  });

  it('!= and NOT IN include nulls; = null / != null', async () => {
    expect(await names("Country != 'DE'")).toEqual(['beta', 'Delta', 'Gamma']);
    expect(await names("Country NOT IN ('DE', 'AT')")).toEqual(['beta', 'Delta']);
    expect(await names('Country = null')).toEqual(['beta']);
    expect(await names('AnnualRevenue != null AND AnnualRevenue >= 50')).toEqual(['Alpha', 'beta', 'Delta']);
  });

  it('AND / OR / NOT with parentheses; mixing AND and OR without them is MALFORMED_QUERY', async () => {
    expect(await names("(Country = 'DE' OR Country = 'AT') AND NOT LastName = 'Eps'")).toEqual(['Alpha', 'Gamma']);
    expect(await names("NOT (Country = 'DE' OR Country = null)")).toEqual(['Delta', 'Gamma']);
    const err = await failure(conn.query("SELECT Id FROM Lead WHERE Country = 'DE' AND LastName = 'x' OR Company = 'y'"));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
  });

  it('INCLUDES / EXCLUDES on multi-select picklists', async () => {
    expect(await names("Products__c INCLUDES ('solar-pv')")).toEqual(['Alpha', 'Delta']);
    expect(await names("Products__c INCLUDES ('heat-pump;solar-pv', 'wallbox')")).toEqual(['Alpha', 'beta']);
    expect(await names("Products__c EXCLUDES ('solar-pv')")).toEqual(['beta', 'Eps', 'Gamma']);
  });

  it('ORDER BY several fields with NULLS FIRST/LAST, LIMIT, OFFSET, COUNT()', async () => {
    expect(await names('Id != null', 'ORDER BY AnnualRevenue DESC NULLS FIRST')).toEqual(['Gamma', 'Alpha', 'Delta', 'beta', 'Eps']);
    expect(await names('Id != null', 'ORDER BY AnnualRevenue ASC NULLS LAST LIMIT 2 OFFSET 1')).toEqual(['beta', 'Delta']);
    expect(await names('Id != null', 'ORDER BY Country NULLS LAST, LastName DESC')).toEqual(['Gamma', 'Delta', 'Eps', 'Alpha', 'beta']);
    const count = await conn.query("SELECT COUNT() FROM Lead WHERE Country = 'DE'");
    expect(count).toEqual({ totalSize: 2, done: true, records: [] });
  });

  it('date literals and date fields', async () => {
    emu.seed('Lead', [{ LastName: 'Today', Company: 'T' }]);
    expect(await names('CreatedDate = TODAY')).toEqual(['Alpha', 'beta', 'Delta', 'Gamma', 'Today']);
    expect(await names('CreatedDate < 2024-05-20T00:00:00Z')).toEqual(['Eps']);
    expect(await names('CreatedDate = LAST_N_DAYS:3')).toEqual(['Alpha', 'beta', 'Delta', 'Gamma', 'Today']);
  });

  it('relationship fields in SELECT and WHERE', async () => {
    const r = await conn.query<Row & { Owner: { Username: string } }>(`SELECT Id, Owner.Username FROM Lead WHERE Owner.IsActive = true AND Id = '${ids[0] ?? ''}'`);
    expect(r.records[0]?.Owner).toEqual({ attributes: { type: 'User', url: expect.stringMatching(/\/sobjects\/User\/005/) as unknown }, Username: 'integration@leadrelay.test' });
  });

  it('errors: unknown column, unknown object, quoted datetime, syntax', async () => {
    const col = await failure(conn.query('SELECT Id, Foo FROM Lead'));
    expect(col.errorCode).toBe('INVALID_FIELD');
    expect(col.message).toContain("No such column 'Foo' on entity 'Lead'");
    expect(col.message).toContain('ERROR at Row:1:Column:12');
    const obj = await failure(conn.query('SELECT Id FROM Leed'));
    expect(obj.errorCode).toBe('INVALID_TYPE');
    expect(obj.message).toContain("sObject type 'Leed' is not supported");
    const quoted = await failure(conn.query("SELECT Id FROM Lead WHERE SystemModstamp > '2024-05-20T20:49:32Z'"));
    expect(quoted.errorCode).toBe('INVALID_FIELD');
    expect(quoted.message).toContain("value of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes");
    const syntax = await failure(conn.query('SELECT Id FORM Lead'));
    expect(syntax.errorCode).toBe('MALFORMED_QUERY');
    const longText = await failure(conn.query("SELECT Id FROM Lead WHERE Description = 'x'"));
    expect(longText.errorCode).toBe('INVALID_FIELD');
  });

  it('field and object names are case-insensitive, answers use canonical names', async () => {
    const r = await conn.query<Row>(`select id, lastname from lead where id = '${ids[1] ?? ''}'`);
    expect(Object.keys(r.records[0] ?? {})).toEqual(['attributes', 'Id', 'LastName']);
  });
});

describe('queryAll and replication', () => {
  it('queryAll sees deleted rows (IsDeleted, MasterRecordId); query does not; deleted/updated endpoints', async () => {
    const emu = await startEmu();
    try {
      const conn = await loginConn(emu);
      const [a, b, c] = emu.seed('Lead', leads(3));
      await conn.sobject('Lead').destroy([a ?? '']);
      emu.remove('Lead', b ?? '', { mergedInto: c ?? '' });
      const live = await conn.query<Row>('SELECT Id FROM Lead');
      expect(live.records.map((r) => r.Id)).toEqual([c]);
      const all = await conn.query<Row>('SELECT Id, IsDeleted, MasterRecordId FROM Lead ORDER BY Id', { scanAll: true });
      expect(all.records.map((r) => [r.Id, r.IsDeleted, r.MasterRecordId])).toEqual([[a, true, null], [b, true, c], [c, false, null]]);
      expect(emu.calls().byKind.queryAll).toBe(1);
      const start = new Date(Date.now() - 3_600_000);
      // The replication API covers whole minutes up to now: this minute's deletes show up a minute later.
      const early = await conn.sobject('Lead').deleted(start, new Date(Date.now() + 120_000));
      expect(early.deletedRecords.filter((d) => d.id === a)).toHaveLength(0);
      emu.setClock(() => new Date(Date.now() + 120_000));
      const end = new Date(Date.now() + 180_000);
      const deleted = await conn.sobject('Lead').deleted(start, end);
      expect(deleted.deletedRecords.map((d) => d.id).sort()).toEqual([a, b].sort());
      expect(deleted.deletedRecords[0]?.deletedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
      const updated = await conn.sobject('Lead').updated(start, end);
      expect(updated.ids).toEqual([c]);
      expect(updated.latestDateCovered).toMatch(/:00\.000\+0000$/);
      const tooOld = await failure(conn.sobject('Lead').updated(new Date(Date.now() - 31 * 86_400_000), end));
      expect(tooOld.errorCode).toBe('INVALID_REPLICATION_DATE');
    } finally {
      await emu.close();
    }
  });
});

describe('performance', () => {
  it('seeds 20,000 records and pulls 5,000 by SystemModstamp window quickly', async () => {
    const emu = await startEmu();
    try {
      const conn = await loginConn(emu);
      const base = Date.parse('2024-05-01T00:00:00Z');
      const t0 = performance.now();
      emu.seed('Lead', leads(20_000, (i) => ({ SystemModstamp: new Date(base + Math.floor(i / 4) * 1000).toISOString() })));
      const seeded = performance.now() - t0;
      const from = new Date(base + 2500 * 1000).toISOString().replace('.000', '');
      const to = new Date(base + 3750 * 1000).toISOString().replace('.000', '');
      const t1 = performance.now();
      const r = await conn.query<Row>(`SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp >= ${from} AND SystemModstamp < ${to} ORDER BY SystemModstamp, Id`, { autoFetch: true, maxFetch: 100_000 });
      const queried = performance.now() - t1;
      expect(r.records).toHaveLength(5000);
      expect(seeded).toBeLessThan(3000);
      expect(queried).toBeLessThan(3000);
    } finally {
      await emu.close();
    }
  });
});
