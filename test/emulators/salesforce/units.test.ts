// Pure pieces of the Salesforce emulator: id checksums, SOQL literals and date ranges, datetime parsing.
import { describe, expect, it } from 'vitest';
import { IdFactory, normalizeId, to18 } from '../../../src/emulators/salesforce/ids.ts';
import { formatDateTime, parseDate, parseDateTime } from '../../../src/emulators/salesforce/data/values.ts';
import { dateLiteralRange, likeToRegExp, unquote } from '../../../src/emulators/salesforce/soql/literals.ts';

describe('ids', () => {
  it('computes the case-checksum suffix of published examples', () => {
    expect(to18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(to18('00570000001ZwTi')).toBe('00570000001ZwTiAAK');
  });

  it('normalises 15-char ids and rejects bad checksums or characters', () => {
    expect(normalizeId('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(normalizeId('001A0000006Vm9rIAC')).toBe('001A0000006Vm9rIAC');
    expect(normalizeId('001A0000006Vm9riac')).toBe('001A0000006Vm9rIAC');
    expect(normalizeId('001A0000006Vm9rAAA')).toBeUndefined();
    expect(normalizeId('001-000000Vm9rIAC')).toBeUndefined();
  });

  it('generates increasing, valid ids per key prefix', () => {
    const f = new IdFactory();
    const a = f.next('00Q');
    const b = f.next('00Q');
    expect(a).toMatch(/^00Q[0-9A-Za-z]{15}$/);
    expect(normalizeId(a)).toBe(a);
    expect(a < b).toBe(true);
    expect(f.next('001').slice(3)).not.toBe(a.slice(3));
  });
});

describe('SOQL literals', () => {
  it('unquotes backslash escapes; keeps \\% and \\_ literal only in LIKE', () => {
    expect(unquote("'O\\'Brien \\\\ \\n'", false)).toBe("O'Brien \\ \n");
    expect(unquote("'50\\%'", false)).toBe('50%');
    expect(likeToRegExp(unquote("'50\\%%'", true)).test('50% off')).toBe(true);
    expect(likeToRegExp(unquote("'50\\%%'", true)).test('500 off')).toBe(false);
    expect(likeToRegExp('a_c%').test('ABCdef')).toBe(true);
  });

  it('date literals are half-open UTC ranges', () => {
    const now = Date.parse('2024-05-22T15:00:00Z'); // a Wednesday
    const day = (s: string): number => Date.parse(`${s}T00:00:00Z`);
    expect(dateLiteralRange('TODAY', undefined, now)).toEqual({ start: day('2024-05-22'), end: day('2024-05-23') });
    expect(dateLiteralRange('LAST_N_DAYS:3', 3, now)).toEqual({ start: day('2024-05-19'), end: day('2024-05-23') });
    expect(dateLiteralRange('THIS_WEEK', undefined, now)).toEqual({ start: day('2024-05-19'), end: day('2024-05-26') });
    expect(dateLiteralRange('LAST_MONTH', undefined, now)).toEqual({ start: day('2024-04-01'), end: day('2024-05-01') });
    expect(dateLiteralRange('THIS_FISCAL_QUARTER', undefined, now)).toEqual({ start: day('2024-04-01'), end: day('2024-07-01') });
    expect(dateLiteralRange('NOPE', undefined, now)).toBeUndefined();
  });
});

describe('datetimes', () => {
  it('parses Salesforce spellings and formats with second precision', () => {
    const ms = Date.parse('2024-05-20T20:49:32Z');
    expect(parseDateTime('2024-05-20T20:49:32Z')).toBe(ms);
    expect(parseDateTime('2024-05-20T20:49:32.000+0000')).toBe(ms);
    expect(parseDateTime('2024-05-20T22:49:32+02:00')).toBe(ms);
    expect(parseDateTime('2024-05-20T15:49:32.000-05:00')).toBe(ms);
    expect(parseDateTime('not a date')).toBeUndefined();
    expect(formatDateTime(ms)).toBe('2024-05-20T20:49:32.000+0000');
    expect(parseDate('2024-02-30')).toBeUndefined();
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
  });
});
