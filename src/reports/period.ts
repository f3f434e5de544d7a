// Report periods. Every period is a half-open UTC range [from, to): a report means the same hours wherever it
// is run or read, and a week/month boundary never depends on the server's time zone. ISO 8601 weeks start on
// Monday; week 1 is the week with the year's first Thursday (so 2026-W01 starts on 2025-12-29).
import type { Period } from './model.ts';

const DAY = 86_400_000;

export class PeriodError extends Error {
  override readonly name = 'PeriodError';
}

const utc = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m - 1, d));

/** Monday 00:00 UTC of ISO week 1 of `year`. */
function isoWeek1(year: number): Date {
  const jan4 = utc(year, 1, 4);
  const dow = (jan4.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(jan4.getTime() - dow * DAY);
}

/** 52 or 53: a year has 53 ISO weeks when 1 January or 31 December is a Thursday. */
export function isoWeeksIn(year: number): number {
  return (isoWeek1(year + 1).getTime() - isoWeek1(year).getTime()) / (7 * DAY);
}

export function isoWeekPeriod(year: number, week: number): Period {
  const from = new Date(isoWeek1(year).getTime() + (week - 1) * 7 * DAY);
  return { label: `${year}-W${String(week).padStart(2, '0')}`, from, to: new Date(from.getTime() + 7 * DAY) };
}

/** The ISO week containing `at` (UTC). */
export function isoWeekOf(at: Date): Period {
  const day = utc(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate());
  const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
  // The ISO year is the year of that week's Thursday.
  const year = new Date(monday.getTime() + 3 * DAY).getUTCFullYear();
  const week = Math.round((monday.getTime() - isoWeek1(year).getTime()) / (7 * DAY)) + 1;
  return isoWeekPeriod(year, week);
}

const pad = (n: number): string => String(n).padStart(2, '0');
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

function year(text: string, input: string): number {
  const y = Number(text);
  if (y < 2000 || y > 2999) throw new PeriodError(`--period ${input}: year ${text} is out of range (2000-2999)`);
  return y;
}

function day(text: string, input: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) throw new PeriodError(`--period ${input}: "${text}" is not a date like 2026-01-31`);
  const [y, mo, d] = [year(m[1]!, input), Number(m[2]), Number(m[3])];
  const date = utc(y, mo, d);
  // Date.UTC rolls 2026-02-30 over to March: compare back to catch impossible dates.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw new PeriodError(`--period ${input}: ${text} is not a date in the calendar`);
  return date;
}

/**
 * Parse a period: `2026-W47` (ISO week), `2026-11` (month), `2026-Q4` (quarter), `2026` (year),
 * `2026-01-01..2026-03-31` (inclusive days), `this-week` / `last-week` (ISO weeks relative to `now`). All UTC.
 */
export function parsePeriod(input: string, now: Date): Period {
  const text = input.trim();
  if (text === 'this-week') return isoWeekOf(now);
  if (text === 'last-week') return isoWeekOf(new Date(isoWeekOf(now).from.getTime() - DAY));
  let m = /^(\d{4})-W(\d{1,2})$/i.exec(text);
  if (m !== null) {
    const [y, w] = [year(m[1]!, input), Number(m[2])];
    if (w < 1 || w > isoWeeksIn(y)) throw new PeriodError(`--period ${input}: week ${w} does not exist in ${y} (it has ${isoWeeksIn(y)} ISO weeks)`);
    return isoWeekPeriod(y, w);
  }
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m !== null) {
    const [y, mo] = [year(m[1]!, input), Number(m[2])];
    if (mo < 1 || mo > 12) throw new PeriodError(`--period ${input}: month ${m[2]} does not exist (01-12)`);
    return { label: `${y}-${pad(mo)}`, from: utc(y, mo, 1), to: utc(mo === 12 ? y + 1 : y, mo === 12 ? 1 : mo + 1, 1) };
  }
  m = /^(\d{4})-Q(\d)$/i.exec(text);
  if (m !== null) {
    const [y, q] = [year(m[1]!, input), Number(m[2])];
    if (q < 1 || q > 4) throw new PeriodError(`--period ${input}: quarter ${q} does not exist (Q1-Q4)`);
    return { label: `${y}-Q${q}`, from: utc(y, q * 3 - 2, 1), to: q === 4 ? utc(y + 1, 1, 1) : utc(y, q * 3 + 1, 1) };
  }
  m = /^(\d{4})$/.exec(text);
  if (m !== null) {
    const y = year(m[1]!, input);
    return { label: String(y), from: utc(y, 1, 1), to: utc(y + 1, 1, 1) };
  }
  m = /^(\S+)\.\.(\S+)$/.exec(text);
  if (m !== null) {
    const from = day(m[1]!, input);
    const last = day(m[2]!, input);
    if (last.getTime() < from.getTime()) throw new PeriodError(`--period ${input}: the range ends before it starts`);
    // The range names inclusive days; the period ends at the midnight after the last one.
    return { label: `${m[1]}..${m[2]}`, from, to: new Date(last.getTime() + DAY) };
  }
  throw new PeriodError(`--period ${input}: not a period; use 2026-W47, 2026-11, 2026-Q4, 2026, 2026-01-01..2026-03-31, this-week or last-week`);
}

/** The period of equal length just before `p` (week-on-week, month-on-month by length for ranges). */
export function previousPeriod(p: Period): Period {
  const len = p.to.getTime() - p.from.getTime();
  // Calendar periods step back by calendar (a month before March is February, not 31 days).
  const weekly = /^(\d{4})-W\d{2}$/.exec(p.label);
  if (weekly !== null) return isoWeekOf(new Date(p.from.getTime() - DAY));
  if (/^\d{4}-\d{2}$/.test(p.label) || /^\d{4}-Q\d$/.test(p.label) || /^\d{4}$/.test(p.label)) {
    return parsePeriod(previousLabel(p), p.from);
  }
  const from = new Date(p.from.getTime() - len);
  return { label: `${isoDay(from)}..${isoDay(new Date(p.from.getTime() - DAY))}`, from, to: p.from };
}

function previousLabel(p: Period): string {
  const y = p.from.getUTCFullYear();
  const mo = p.from.getUTCMonth() + 1;
  if (/^\d{4}$/.test(p.label)) return String(y - 1);
  if (/Q/.test(p.label)) {
    const q = Math.floor((mo - 1) / 3) + 1;
    return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
  }
  return mo === 1 ? `${y - 1}-12` : `${y}-${pad(mo - 1)}`;
}

/** The ISO weeks ending with the one containing the period's last instant, oldest first (the trend series). */
export function trendWeeks(p: Period, count: number): Period[] {
  const last = isoWeekOf(new Date(p.to.getTime() - 1));
  const weeks: Period[] = [];
  for (let i = count - 1; i >= 0; i--) weeks.push(isoWeekOf(new Date(last.from.getTime() - i * 7 * DAY)));
  return weeks;
}
