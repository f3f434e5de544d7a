import { describe, expect, it } from 'vitest';
import { isoWeekOf, isoWeeksIn, parsePeriod, previousPeriod, trendWeeks } from '../../src/reports/period.ts';
import { parseSlice } from '../../src/reports/slice.ts';

const now = new Date('2026-11-25T15:30:00Z'); // Wednesday of 2026-W48
const iso = (d: Date): string => d.toISOString();

describe('parsePeriod (UTC, half-open)', () => {
  it.each([
    ['2026-W47', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z', '2026-W47'],
    ['2026-W01', '2025-12-29T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '2026-W01'], // week 1 holds 2026's first Thursday
    ['2026-W53', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z', '2026-W53'], // 2026 starts on a Thursday: 53 weeks
    ['2026-11', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2026-11'],
    ['2026-12', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-12'],
    ['2026-Q4', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-Q4'],
    ['2026-Q1', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', '2026-Q1'],
    ['2026', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026'],
    ['2026-01-01..2026-03-31', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', '2026-01-01..2026-03-31'],
    ['this-week', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-W48'],
    ['last-week', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z', '2026-W47'],
  ])('%s', (input, from, to, label) => {
    const p = parsePeriod(input, now);
    expect([iso(p.from), iso(p.to), p.label]).toEqual([from, to, label]);
  });

  it('last-week across a year boundary', () => {
    expect(parsePeriod('last-week', new Date('2027-01-06T10:00:00Z')).label).toBe('2026-W53');
    expect(parsePeriod('this-week', new Date('2027-01-03T23:59:59Z')).label).toBe('2026-W53'); // Sunday
  });

  it.each([
    ['2026-W54', '--period 2026-W54: week 54 does not exist in 2026 (it has 53 ISO weeks)'],
    ['2025-W53', '--period 2025-W53: week 53 does not exist in 2025 (it has 52 ISO weeks)'],
    ['2026-W00', '--period 2026-W00: week 0 does not exist in 2026'],
    ['2026-13', '--period 2026-13: month 13 does not exist (01-12)'],
    ['2026-Q5', '--period 2026-Q5: quarter 5 does not exist (Q1-Q4)'],
    ['2026-02-30..2026-03-01', '--period 2026-02-30..2026-03-01: 2026-02-30 is not a date in the calendar'],
    ['2026-03-01..2026-02-01', '--period 2026-03-01..2026-02-01: the range ends before it starts'],
    ['yesterday', '--period yesterday: not a period; use 2026-W47'],
    ['1999', '--period 1999: year 1999 is out of range'],
  ])('%s is refused', (input, message) => {
    expect(() => parsePeriod(input, now)).toThrow(message);
  });

  it('ISO week facts', () => {
    expect([2020, 2021, 2025, 2026, 2027].map(isoWeeksIn)).toEqual([53, 52, 52, 53, 52]);
    expect(isoWeekOf(new Date('2027-01-01T12:00:00Z')).label).toBe('2026-W53');
    expect(isoWeekOf(new Date('2024-12-30T00:00:00Z')).label).toBe('2025-W01');
  });

  it('previous periods have equal length or are the previous calendar unit', () => {
    const prev = (s: string): string => { const p = previousPeriod(parsePeriod(s, now)); return `${p.label} ${iso(p.from)} ${iso(p.to)}`; };
    expect(prev('2026-W01')).toBe('2025-W52 2025-12-22T00:00:00.000Z 2025-12-29T00:00:00.000Z');
    expect(prev('2026-03')).toBe('2026-02 2026-02-01T00:00:00.000Z 2026-03-01T00:00:00.000Z');
    expect(prev('2026-01')).toBe('2025-12 2025-12-01T00:00:00.000Z 2026-01-01T00:00:00.000Z');
    expect(prev('2026-Q1')).toBe('2025-Q4 2025-10-01T00:00:00.000Z 2026-01-01T00:00:00.000Z');
    expect(prev('2026')).toBe('2025 2025-01-01T00:00:00.000Z 2026-01-01T00:00:00.000Z');
    expect(prev('2026-01-11..2026-01-20')).toBe('2026-01-01..2026-01-10 2026-01-01T00:00:00.000Z 2026-01-11T00:00:00.000Z');
  });

  it('trend weeks end with the week holding the period end', () => {
    expect(trendWeeks(parsePeriod('2026-11', now), 3).map((w) => w.label)).toEqual(['2026-W47', '2026-W48', '2026-W49']);
    expect(trendWeeks(parsePeriod('2026-W02', now), 3).map((w) => w.label)).toEqual(['2025-W52', '2026-W01', '2026-W02']);
  });
});

describe('parseSlice', () => {
  it.each([
    ['all', { kind: 'all' }],
    ['partner:P001', { kind: 'partner', id: 'P001' }],
    ['organisation:abc', { kind: 'organisation', id: 'abc' }],
    ['portfolio:cm@maker.test', { kind: 'portfolio', userId: 'cm@maker.test' }],
    ['region:Bavaria', { kind: 'region', value: 'Bavaria' }],
    ['product:heat-pump', { kind: 'product', value: 'heat-pump' }],
    ['source:Trade Show', { kind: 'source', value: 'Trade Show' }],
    ['campaign:spring:2026', { kind: 'campaign', value: 'spring:2026' }],
    ['temperature:HOT', { kind: 'temperature', value: 'HOT' }],
  ])('%s', (input, slice) => {
    expect(parseSlice(input)).toEqual(slice);
  });

  it.each([
    ['partner:', '--slice partner:: partner: needs a value after the colon'],
    ['team:x', '--slice team:x: unknown slice kind "team"'],
    ['everything', '--slice everything: not a slice'],
    ['temperature:lukewarm', '--slice temperature:lukewarm: temperature must be one of hot, warm, cold'],
  ])('%s is refused', (input, message) => {
    expect(() => parseSlice(input)).toThrow(message);
  });
});
