import { describe, expect, it } from 'vitest';
import { duplicateKeys, findDuplicates, normalizeCompany } from '../../src/rules/duplicates.ts';
import { NOW, lead, qualification } from './fixtures.ts';

const cfg = qualification().duplicates;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('duplicates', () => {
  it('normalises company names without legal forms or accents', () => {
    expect(normalizeCompany('ACME Heiztechnik GmbH & Co. KG')).toBe('acme heiztechnik');
    expect(normalizeCompany('Société Générale S.A.')).toBe('societe generale');
  });

  it('builds email, phone and company keys', () => {
    expect(duplicateKeys(lead({ email: ' Anna@Acme.DE ', phone: '+49 (89) 123-45678', company: 'Acme GmbH', country: 'de' }), cfg)).toEqual([
      { kind: 'email', key: 'email:anna@acme.de' },
      { kind: 'phone', key: 'phone:912345678' },
      { kind: 'company', key: 'company:acme|de' },
    ]);
    expect(duplicateKeys(lead({ email: 'not an email', phone: '123', company: 'GmbH' }), cfg)).toEqual([]);
    expect(duplicateKeys(null, cfg)).toEqual([]);
  });

  it('finds earlier leads of the same person or company within the window, newest first', () => {
    const me = lead({ email: 'anna@acme.de', phone: '089 1234 5678', company: 'ACME', country: 'DE' });
    const prior = [
      { id: 'old', data: lead({ email: 'anna@acme.de' }), receivedAt: daysAgo(200) },
      { id: 'phone', data: lead({ email: 'other@x.de', phone: '+49 89 1234 5678', company: 'Other' }), receivedAt: daysAgo(10) },
      { id: 'company', data: lead({ email: 'bob@acme.de', phone: null, company: 'Acme AG', country: 'DE' }), receivedAt: daysAgo(3) },
      { id: 'abroad', data: lead({ email: 'bob@acme.at', phone: null, company: 'Acme AG', country: 'AT' }), receivedAt: daysAgo(3) },
    ];
    expect(findDuplicates(me, prior, cfg, NOW)).toEqual([
      { leadId: 'company', kinds: ['company'], receivedAt: daysAgo(3) },
      { leadId: 'phone', kinds: ['phone'], receivedAt: daysAgo(10) },
    ]);
    expect(findDuplicates(me, prior, { ...cfg, windowDays: 365, keys: ['email'] }, NOW).map((d) => d.leadId)).toEqual(['old']);
  });
});
