// No secrets or personal data in logs: a full run (setup, sync, reservations, feedback, flush) at debug level,
// then a scan of every log line for the seeded emails, phones, names, the client secret and the password.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCredentials, seedDemoOrg } from '../../src/cli/commands/demo.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';

describe('logs of a full run', () => {
  let h: Harness;
  const lines: string[] = [];
  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter((l) => l !== '')));
    h = await startHarness({ logger: createLogger({ stream, level: 'debug' }) });
    expect((await h.cli(['setup', 'salesforce'])).code).toBe(0);
    seedDemoOrg(h.emu, { partners: 20, leads: 200, mqlShare: 0.6, incompleteMqls: 10 });
    // A record that will be quarantined and a write the CRM rejects: error paths log too.
    h.emu.seed('Lead', [{ LastName: 'Quarantäne', Company: 'Broken GmbH', Email: 'broken.person@private-mail.test', Phone: '+49 171 5550199', Status: 'Marketing Qualified', Latitude: 123, SystemModstamp: new Date(Date.now() - 60_000).toISOString() }]);
    h.emu.faults.add({ kind: 'collections', times: 1, recordError: { index: 0, statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Email anna.privat@example.org is blocked', fields: ['Email'] } });
    await h.cli(['sync']);
    const [lead] = (await h.cliJson<Array<{ id: string }>>(['leads', 'list', '--status', 'offered', '--limit', '1'])).value;
    const shown = await h.cliJson<{ offers: Array<{ partnerId: string }> }>(['leads', 'show', lead!.id]);
    await h.cli(['reserve', lead!.id, '--partner', shown.value.offers[0]!.partnerId]);
    await h.cli(['feedback', lead!.id, '--partner', shown.value.offers[0]!.partnerId, '--status', 'meeting', '--comment', 'Spoke to Anna Müller, anna.mueller@kunde.test, +49 89 1234567']);
    await h.cli(['flush']);
    h.emu.expireSessions();
    await h.cli(['sync']);
  }, 120_000);
  afterAll(async () => { await h.close(); });

  it('logged something at all (the scan is not vacuous)', () => {
    expect(lines.length).toBeGreaterThanOrEqual(5);
    // The error paths logged too: the quarantined write-back (its reason carries an email) and the cycle summaries.
    expect(lines.some((l) => l.includes('write-back quarantined'))).toBe(true);
    expect(lines.filter((l) => l.includes('sync cycle finished')).length).toBeGreaterThanOrEqual(2);
  });

  it('carries no seeded email, phone, person name, street, comment, client secret, password or bearer token', () => {
    const leads = h.emu.all('Lead');
    const contacts = h.emu.all('Contact');
    const needles = new Set<string>([demoCredentials.clientSecret, `${demoCredentials.password}"`, 'anna.privat@example.org', 'anna.mueller@kunde.test', '+49 89 1234567', 'Anna Müller', 'broken.person@private-mail.test', '+49 171 5550199']);
    for (const r of [...leads, ...contacts]) {
      for (const f of ['Email', 'Phone', 'Street']) if (typeof r[f] === 'string' && r[f] !== '') needles.add(r[f]);
      if (typeof r['LastName'] === 'string' && typeof r['FirstName'] === 'string') needles.add(`${r['FirstName']} ${r['LastName']}`);
    }
    const text = lines.join('\n');
    const found = [...needles].filter((n) => text.includes(n));
    expect(found).toEqual([]);
    expect(text).not.toMatch(/Bearer (?!\[secret\])[A-Za-z0-9._~+/=!-]{8,}/);
    expect(text).not.toMatch(/"(access_token|refresh_token|password|client_secret)":"(?!\[secret\])/);
  });
});
