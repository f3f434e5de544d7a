import { describe, expect, it } from 'vitest';
import { conditionSchema } from '../../src/rules/config-schema.ts';
import { compileCondition } from '../../src/rules/expression.ts';
import { toEpochMs } from '../../src/rules/values.ts';
import { EPOCH, NOW, lead } from './fixtures.ts';

const L = lead({
  email: 'Anna@Acme.de', employees: 120, budget: 25000, industry: ' Manufacturing ', productInterest: ['heatpump', 'Solar'],
  phone: null, custom: { language: 'de', tags: ['vip', 'fair-2025'], visited: '2025-02-01', big: true },
});
const test = (c: unknown, data: unknown = L, receivedAt = EPOCH): boolean =>
  compileCondition(conditionSchema.parse(c))({ lead: data, now: NOW, receivedAt });

describe('expression operators', () => {
  it('equals / notEquals: trimmed, case-insensitive, numeric, boolean, null = missing', () => {
    expect(test({ field: 'industry', equals: 'manufacturing' })).toBe(true);
    expect(test({ field: 'industry', equals: 'retail' })).toBe(false);
    expect(test({ field: 'employees', equals: 120 })).toBe(true);
    expect(test({ field: 'employees', equals: '120' })).toBe(true);
    expect(test({ field: 'custom.big', equals: true })).toBe(true);
    expect(test({ field: 'phone', equals: null })).toBe(true);
    expect(test({ field: 'productInterest', equals: 'solar' })).toBe(true);
    expect(test({ field: 'industry', notEquals: 'retail' })).toBe(true);
    expect(test({ field: 'industry', notEquals: 'MANUFACTURING' })).toBe(false);
    expect(test({ field: 'phone', notEquals: 'x' })).toBe(true);
    expect(test({ field: 'phone', notEquals: null })).toBe(false);
  });

  it('in, contains, startsWith', () => {
    expect(test({ field: 'country', in: ['AT', 'de'] })).toBe(true);
    expect(test({ field: 'country', in: ['AT', 'CH'] })).toBe(false);
    expect(test({ field: 'phone', in: [null] })).toBe(true);
    expect(test({ field: 'company', contains: 'HEATING' })).toBe(true);
    expect(test({ field: 'custom.tags', contains: 'vip' })).toBe(true);
    expect(test({ field: 'custom.tags', contains: 'vi' })).toBe(false); // list: element, not substring
    expect(test({ field: 'postalCode', startsWith: '80' })).toBe(true);
    expect(test({ field: 'postalCode', startsWith: '20' })).toBe(false);
  });

  it('matches: regex with default i flag, compiled at load', () => {
    expect(test({ field: 'email', matches: '@acme\\.de$' })).toBe(true);
    expect(test({ field: 'email', matches: '^anna@', flags: '' })).toBe(false);
    expect(test({ field: 'emailDomain', equals: 'acme.de' })).toBe(true);
  });

  it('exists: null, blank and empty lists are missing', () => {
    expect(test({ field: 'email', exists: true })).toBe(true);
    expect(test({ field: 'phone', exists: false })).toBe(true);
    expect(test({ field: 'title', exists: true }, lead({ title: '   ' }))).toBe(false);
    expect(test({ field: 'productInterest', exists: true }, lead({ productInterest: [] }))).toBe(false);
    expect(test({ field: 'custom.none', exists: false })).toBe(true);
  });

  it('ranges: gt, gte, lt, lte, several operators all hold', () => {
    expect(test({ field: 'budget', gte: 25000 })).toBe(true);
    expect(test({ field: 'budget', gt: 25000 })).toBe(false);
    expect(test({ field: 'employees', gte: 50, lte: 250 })).toBe(true);
    expect(test({ field: 'employees', gte: 50, lt: 100 })).toBe(false);
    expect(test({ field: 'budget', lt: 1 }, lead({ budget: null }))).toBe(false);
  });

  it('age of the lead: olderThanDays / newerThanDays, ageDays and dated custom fields', () => {
    // NOW is 68.5 days after EPOCH.
    expect(test({ field: 'receivedAt', olderThanDays: 60 })).toBe(true);
    expect(test({ field: 'receivedAt', olderThanDays: 70 })).toBe(false);
    expect(test({ field: 'receivedAt', newerThanDays: 70 })).toBe(true);
    expect(test({ field: 'ageDays', gt: 68, lt: 69 })).toBe(true);
    expect(test({ field: 'custom.visited', olderThanDays: 30, newerThanDays: 40 })).toBe(true);
    expect(test({ field: 'custom.language', olderThanDays: 1 })).toBe(false);
  });

  it('all / any / not', () => {
    expect(test({ all: [{ field: 'country', equals: 'DE' }, { field: 'budget', gte: 1000 }] })).toBe(true);
    expect(test({ all: [{ field: 'country', equals: 'DE' }, { field: 'budget', gte: 1e9 }] })).toBe(false);
    expect(test({ any: [{ field: 'country', equals: 'FR' }, { field: 'budget', gte: 1000 }] })).toBe(true);
    expect(test({ not: { field: 'country', equals: 'DE' } })).toBe(false);
  });

  it('never reaches prototypes through custom paths', () => {
    expect(test({ field: 'custom.__proto__', exists: true })).toBe(false);
    expect(test({ field: 'custom.constructor', exists: true })).toBe(false);
  });

  it('parses ISO dates without the Date global', () => {
    expect(toEpochMs('2025-03-10T12:00:00Z')).toBe(NOW.getTime());
    expect(toEpochMs('2025-03-10T14:00:00+02:00')).toBe(NOW.getTime());
    expect(toEpochMs('2025-01-01')).toBe(EPOCH.getTime());
    expect(toEpochMs('2024-02-29T00:00:00.5Z')).toBe(new Date('2024-02-29T00:00:00.500Z').getTime());
    expect(toEpochMs('1969-12-31')).toBe(-86_400_000);
    expect(toEpochMs('10/03/2025')).toBeNull();
    expect(toEpochMs('2025-13-01')).toBeNull();
  });
});
