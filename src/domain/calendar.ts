// Working-hours and calendar arithmetic, pure: instants are epoch milliseconds (the caller turns them into Dates;
// the domain has no clock), time zones come from Intl (the IANA database Node ships), no I/O.
//
// Why working hours: a wave that opens on Friday at 17:00 and lasts 24 wall-clock hours ends on Saturday at
// 17:00, before any partner has seen it. Counting the wave's hours in working hours (Mon–Fri 08:00–18:00 by
// default) gives every partner the same amount of *office* time to react. Days are local days of the calendar's
// time zone, so DST changes shift the UTC times of the working window but never its local times.
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export interface WorkCalendar {
  /** IANA time zone, e.g. Europe/Berlin. */
  readonly timezone: string;
  readonly days: readonly Weekday[];
  /** Local start and end of the working day, "HH:MM" ("24:00" allowed as the end). */
  readonly from: string;
  readonly to: string;
  /** Local dates (YYYY-MM-DD) without working hours. */
  readonly holidays: readonly string[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export function minutesOfDay(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (m === null) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------ civil dates (Howard Hinnant's algorithms)

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayIndex(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

export function isoDateOfDays(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ------------------------------------------------------------ time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The local wall clock of an instant, as "epoch ms if that wall clock were UTC". */
function wallMs(ms: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const days = daysFromCivil(parts['year'] ?? 1970, parts['month'] ?? 1, parts['day'] ?? 1);
  return days * DAY + ((parts['hour'] ?? 0) * 60 + (parts['minute'] ?? 0)) * MINUTE + (parts['second'] ?? 0) * 1000 + (((ms % 1000) + 1000) % 1000);
}

/** The local day (days since 1970-01-01 in the zone's calendar) an instant falls on. */
export function localDayOf(ms: number, tz: string): number {
  return Math.floor(wallMs(ms, tz) / DAY);
}

/** The instant of a local wall-clock time. Two passes settle DST; a time inside a DST gap maps just after it. */
export function localToUtc(days: number, minutes: number, tz: string): number {
  const wall = days * DAY + minutes * MINUTE;
  const guess = wall - (wallMs(wall, tz) - wall);
  return wall - (wallMs(guess, tz) - guess);
}

// ------------------------------------------------------------ working time

function isWorkingDay(days: number, cal: WorkCalendar, holidays: ReadonlySet<string>): boolean {
  return cal.days.includes(weekdays[weekdayIndex(days)]!) && !holidays.has(isoDateOfDays(days));
}

/**
 * `start` plus `durationMs` of working time. Time before opening or after closing does not count; a start
 * outside working hours counts from the next opening. A calendar with no working time at all (no days, or
 * holidays for ten years) falls back to wall-clock time rather than never ending.
 */
export function addWorkingTime(startMs: number, durationMs: number, cal: WorkCalendar): number {
  if (durationMs <= 0) return startMs;
  const open = minutesOfDay(cal.from);
  const close = minutesOfDay(cal.to);
  if (!(close > open) || cal.days.length === 0) return startMs + durationMs;
  const holidays = new Set(cal.holidays);
  let left = durationMs;
  let day = localDayOf(startMs, cal.timezone);
  for (let i = 0; i < 3660; i++, day++) {
    if (!isWorkingDay(day, cal, holidays)) continue;
    const opens = localToUtc(day, open, cal.timezone);
    const closes = localToUtc(day, close, cal.timezone);
    const from = Math.max(startMs, opens);
    if (from >= closes) continue;
    if (left <= closes - from) return from + left;
    left -= closes - from;
  }
  return startMs + durationMs;
}

// ------------------------------------------------------------ periods (leaderboards)

export interface Period {
  /** "2026-W47", "2026-11" or "2026". */
  readonly label: string;
  /** Local days [startDay, endDay) of the calendar's zone. */
  readonly startDay: number;
  readonly endDay: number;
}

function isoWeekMonday(year: number, week: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  return jan4 - weekdayIndex(jan4) + (week - 1) * 7;
}

/** Parse a period label; null when it is not one. ISO weeks start on Monday (week 1 holds January 4). */
export function parsePeriod(label: string): Period | null {
  const week = /^(\d{4})-W(\d{2})$/.exec(label);
  if (week !== null) {
    const y = Number(week[1]);
    const w = Number(week[2]);
    const start = isoWeekMonday(y, w);
    if (w < 1 || isoWeekOf(start).year !== y) return null;
    return { label, startDay: start, endDay: start + 7 };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(label);
  if (month !== null) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    if (m < 1 || m > 12) return null;
    return { label, startDay: daysFromCivil(y, m, 1), endDay: m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1) };
  }
  const year = /^(\d{4})$/.exec(label);
  if (year !== null) {
    const y = Number(year[1]);
    return { label, startDay: daysFromCivil(y, 1, 1), endDay: daysFromCivil(y + 1, 1, 1) };
  }
  return null;
}

function isoWeekOf(days: number): { year: number; week: number } {
  const thursday = days - weekdayIndex(days) + 3;
  const year = civilFromDays(thursday).y;
  return { year, week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1 };
}

/** The period of a kind that a local day falls in. */
export function periodOfDay(days: number, kind: 'week' | 'month' | 'year'): Period {
  if (kind === 'week') {
    const { year, week } = isoWeekOf(days);
    return parsePeriod(`${year}-W${String(week).padStart(2, '0')}`)!;
  }
  const { y, m } = civilFromDays(days);
  return parsePeriod(kind === 'month' ? `${y}-${String(m).padStart(2, '0')}` : String(y))!;
}
