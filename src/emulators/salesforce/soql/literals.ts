// SOQL literal handling: quoted strings with backslash escapes, and date literals (TODAY, LAST_N_DAYS:n …) as
// half-open UTC ranges (the emulated org's time zone is GMT).
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/**
 * Unquotes a string literal. In LIKE patterns `\%` and `\_` stay escaped (returned as a marker pair) so the
 * matcher can treat them as literal characters; elsewhere they are plain characters.
 */
export function unquote(raw: string, forLike: boolean): string {
  const body = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1] ?? '';
    i++;
    if (n === '%' || n === '_') out += forLike ? `\\${n}` : n;
    else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += ESCAPES[n] ?? n;
  }
  return out;
}

/** Compiles a LIKE pattern (% any run, _ one char, case-insensitive) to a RegExp. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      re += pattern[i + 1] === '%' ? '%' : '_';
      i++;
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

const DAY = 86_400_000;

export interface MsRange {
  start: number;
  end: number;
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}
function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
}
function startOfMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
function startOfQuarter(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
}
function startOfYear(ms: number, add = 0): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + add, 0, 1);
}
/** Weeks start on Sunday in the default (en_US) locale. */
function startOfWeek(ms: number): number {
  const day = startOfDay(ms);
  return day - new Date(day).getUTCDay() * DAY;
}

/** The [start, end) range a date literal covers, or undefined if the literal is unknown. */
export function dateLiteralRange(literal: string, n: number | undefined, nowMs: number): MsRange | undefined {
  const today = startOfDay(nowMs);
  const k = n ?? 0;
  const name = literal.toUpperCase().split(':')[0] ?? '';
  const fiscal = name.replace('_FISCAL', ''); // fiscal year = calendar year in the emulated org
  switch (fiscal) {
    case 'YESTERDAY': return { start: today - DAY, end: today };
    case 'TODAY': return { start: today, end: today + DAY };
    case 'TOMORROW': return { start: today + DAY, end: today + 2 * DAY };
    case 'LAST_WEEK': return { start: startOfWeek(nowMs) - 7 * DAY, end: startOfWeek(nowMs) };
    case 'THIS_WEEK': return { start: startOfWeek(nowMs), end: startOfWeek(nowMs) + 7 * DAY };
    case 'NEXT_WEEK': return { start: startOfWeek(nowMs) + 7 * DAY, end: startOfWeek(nowMs) + 14 * DAY };
    case 'LAST_MONTH': return { start: addMonths(nowMs, -1), end: startOfMonth(nowMs) };
    case 'THIS_MONTH': return { start: startOfMonth(nowMs), end: addMonths(nowMs, 1) };
    case 'NEXT_MONTH': return { start: addMonths(nowMs, 1), end: addMonths(nowMs, 2) };
    case 'LAST_90_DAYS': return { start: today - 90 * DAY, end: today + DAY };
    case 'NEXT_90_DAYS': return { start: today + DAY, end: today + 91 * DAY };
    case 'THIS_QUARTER': return { start: startOfQuarter(nowMs), end: addMonths(startOfQuarter(nowMs), 3) };
    case 'LAST_QUARTER': return { start: addMonths(startOfQuarter(nowMs), -3), end: startOfQuarter(nowMs) };
    case 'NEXT_QUARTER': return { start: addMonths(startOfQuarter(nowMs), 3), end: addMonths(startOfQuarter(nowMs), 6) };
    case 'THIS_YEAR': return { start: startOfYear(nowMs), end: startOfYear(nowMs, 1) };
    case 'LAST_YEAR': return { start: startOfYear(nowMs, -1), end: startOfYear(nowMs) };
    case 'NEXT_YEAR': return { start: startOfYear(nowMs, 1), end: startOfYear(nowMs, 2) };
    // "LAST_N_DAYS:n … includes the current day"; NEXT_N_DAYS starts tomorrow.
    case 'LAST_N_DAYS': return { start: today - k * DAY, end: today + DAY };
    case 'NEXT_N_DAYS': return { start: today + DAY, end: today + (k + 1) * DAY };
    case 'N_DAYS_AGO': return { start: today - k * DAY, end: today - (k - 1) * DAY };
    case 'LAST_N_WEEKS': return { start: startOfWeek(nowMs) - 7 * k * DAY, end: startOfWeek(nowMs) };
    case 'NEXT_N_WEEKS': return { start: startOfWeek(nowMs) + 7 * DAY, end: startOfWeek(nowMs) + 7 * (k + 1) * DAY };
    case 'N_WEEKS_AGO': return { start: startOfWeek(nowMs) - 7 * k * DAY, end: startOfWeek(nowMs) - 7 * (k - 1) * DAY };
    case 'LAST_N_MONTHS': return { start: addMonths(nowMs, -k), end: startOfMonth(nowMs) };
    case 'NEXT_N_MONTHS': return { start: addMonths(nowMs, 1), end: addMonths(nowMs, k + 1) };
    case 'N_MONTHS_AGO': return { start: addMonths(nowMs, -k), end: addMonths(nowMs, -k + 1) };
    case 'LAST_N_QUARTERS': return { start: addMonths(startOfQuarter(nowMs), -3 * k), end: startOfQuarter(nowMs) };
    case 'NEXT_N_QUARTERS': return { start: addMonths(startOfQuarter(nowMs), 3), end: addMonths(startOfQuarter(nowMs), 3 * (k + 1)) };
    case 'N_QUARTERS_AGO': return { start: addMonths(startOfQuarter(nowMs), -3 * k), end: addMonths(startOfQuarter(nowMs), -3 * (k - 1)) };
    case 'LAST_N_YEARS': return { start: startOfYear(nowMs, -k), end: startOfYear(nowMs) };
    case 'NEXT_N_YEARS': return { start: startOfYear(nowMs, 1), end: startOfYear(nowMs, k + 1) };
    case 'N_YEARS_AGO': return { start: startOfYear(nowMs, -k), end: startOfYear(nowMs, -k + 1) };
    default: return undefined;
  }
}
