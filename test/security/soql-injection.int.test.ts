// A value from a record that ends up in SOQL cannot widen the query: the cursor's last Id (read back from the
// CRM, so attacker-influenced in principle) is quoted and escaped.
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soqlString, windowCondition } from '../../src/connectors/salesforce/soql.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { SalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import { demoCredentials } from '../../src/cli/commands/demo.ts';

describe('SOQL built from values', () => {
  let emu: SalesforceEmulator;
  let conn: jsforce.Connection;
  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    const stamp = '2026-11-02T09:00:00.000Z';
    emu.seed('Lead', ['A', 'B', 'C'].map((n) => ({ LastName: n, Company: `${n} GmbH`, SystemModstamp: stamp, LastModifiedDate: stamp, CreatedDate: stamp })));
    conn = new jsforce.Connection({ loginUrl: emu.url, version: '60.0', oauth2: { loginUrl: emu.url, clientId: demoCredentials.clientId, clientSecret: demoCredentials.clientSecret } });
    await conn.login(demoCredentials.username, demoCredentials.password);
  });
  afterAll(async () => { await emu.close(); });

  it('escapes quotes and backslashes', () => {
    expect(soqlString(`O'Brien \\ co`)).toBe(`'O\\'Brien \\\\ co'`);
  });

  it('an injected quote in the cursor id stays one (invalid) Id value', async () => {
    const hostile = `zzz' OR Id != 'x`;
    const where = windowCondition({ to: new Date('2026-11-02T10:00:00Z'), from: { stamp: '2026-11-02T09:00:00Z', lastId: hostile }, overlapSeconds: 0 });
    expect(where).toContain(`'zzz\\' OR Id != \\'x'`);
    // Salesforce (and the emulator) parse the whole text as one Id literal and reject it: nothing is widened.
    await expect(conn.query(`SELECT Id FROM Lead WHERE ${where}`)).rejects.toThrow(/invalid ID field: zzz' OR Id != 'x/);
  });

  it('an injected quote in a text value matches nothing instead of everything', async () => {
    const hostile = `A GmbH' OR Company != 'x`;
    const safe = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Company = ${soqlString(hostile)}`);
    expect(safe.totalSize).toBe(0);
    const naive = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Company = '${hostile}'`);
    expect(naive.totalSize).toBe(3);
  });
});
