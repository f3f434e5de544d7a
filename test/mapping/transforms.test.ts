import { describe, expect, it } from 'vitest';
import { applyTransform, chainKind, normalise } from '../../src/mapping/transforms.ts';
import type { Mapped, TransformName } from '../../src/mapping/transforms.ts';

const run = (t: TransformName, v: Mapped): unknown => {
  const r = applyTransform(t, v);
  return r.ok ? r.value : `fail: ${r.message}`;
};

describe('transforms', () => {
  it('trim, lower, upper work on text, numbers and lists', () => {
    expect(run('trim', '  a b  ')).toBe('a b');
    expect(run('lower', 'ABC')).toBe('abc');
    expect(run('upper', ['de', 'at'])).toEqual(['DE', 'AT']);
    expect(run('trim', 42)).toBe('42');
    expect(run('trim', null)).toBeNull();
  });

  it('split makes a list from a multi-select value, dropping blanks', () => {
    expect(run('split', 'Heat Pumps; Solar;;')).toEqual(['Heat Pumps', 'Solar']);
    expect(run('split', '')).toEqual([]);
    expect(run('split', ['a'])).toEqual(['a']);
    expect(run('split', null)).toBeNull();
  });

  it('number and integer parse strictly', () => {
    expect(run('number', ' 12.5 ')).toBe(12.5);
    expect(run('number', '-1e3')).toBe(-1000);
    expect(run('number', 7)).toBe(7);
    expect(run('number', '')).toBeNull();
    expect(run('number', 'abc')).toBe('fail: not a number');
    expect(run('number', '1,234')).toBe('fail: not a number');
    expect(run('number', true)).toMatch(/^fail/);
    expect(run('integer', '12')).toBe(12);
    expect(run('integer', '12.0')).toBe(12);
    expect(run('integer', '12.5')).toBe('fail: not a whole number');
  });

  it('date and datetime accept ISO forms, including Salesforce +0000 zones and epoch milliseconds', () => {
    expect(run('date', '2024-02-29')).toBe('2024-02-29');
    expect(run('date', '2024-02-30')).toBe('fail: not a date (YYYY-MM-DD)');
    expect(run('date', '2024-03-01T23:30:00.000-0200')).toBe('2024-03-02');
    expect(run('datetime', '2024-01-02T03:04:05.000+0000')).toBe('2024-01-02T03:04:05.000Z');
    expect(run('datetime', '2024-01-02T03:04:05+01:00')).toBe('2024-01-02T02:04:05.000Z');
    expect(run('datetime', '2024-01-02 03:04')).toBe('2024-01-02T03:04:00.000Z');
    expect(run('datetime', 0)).toBe('1970-01-01T00:00:00.000Z');
    expect(run('datetime', 'yesterday')).toBe('fail: not an ISO date-time');
    expect(run('datetime', '')).toBeNull();
  });

  it('boolean reads flags, 1/0 and yes/no words', () => {
    expect(run('boolean', true)).toBe(true);
    expect(run('boolean', 'Yes')).toBe(true);
    expect(run('boolean', '0')).toBe(false);
    expect(run('boolean', 1)).toBe(true);
    expect(run('boolean', '')).toBeNull();
    expect(run('boolean', 'maybe')).toBe('fail: not a yes/no value');
    expect(run('boolean', 2)).toMatch(/^fail/);
  });

  it('normalise strips control characters but keeps tabs and newlines, and refuses structures', () => {
    expect(normalise('a\u0000b\u0007c\td\ne\u007f')).toEqual({ ok: true, value: 'abc\td\ne' });
    expect(normalise({ street: 'x' })).toMatchObject({ ok: false });
    expect(normalise(Number.NaN)).toMatchObject({ ok: false });
    expect(normalise(undefined)).toEqual({ ok: true, value: null });
  });

  it('chainKind types a chain and finds the first impossible step', () => {
    expect(chainKind([])).toEqual({ ok: true, kind: 'raw' });
    expect(chainKind(['trim', 'split', 'upper'])).toEqual({ ok: true, kind: 'list' });
    expect(chainKind(['trim', 'integer'])).toEqual({ ok: true, kind: 'number' });
    expect(chainKind(['split', 'number'])).toMatchObject({ ok: false, index: 1 });
    expect(chainKind(['number', 'lower'])).toMatchObject({ ok: false, index: 1 });
    expect(chainKind(['split', 'split'])).toMatchObject({ ok: false, index: 1 });
    expect(chainKind(['boolean', 'date'])).toMatchObject({ ok: false, index: 1 });
  });
});
