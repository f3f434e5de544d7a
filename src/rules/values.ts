// Defensive value helpers. Leads arrive from CRMs through mappings, and qualification must survive any junk
// (objects where text was expected, huge strings, emoji, control characters): nothing here throws, and nothing
// stringifies with a template literal (a Symbol would throw there).

export type Prim = string | number | boolean;

/** Trimmed, lower-cased text: the comparison form for every string in rules and config. */
export function norm(s: string): string {
  return s.trim().toLowerCase();
}

/** The primitive values of a field: a list's primitive elements, or the value itself; blanks and objects dropped. */
export function primitives(v: unknown): Prim[] {
  if (Array.isArray(v)) {
    const out: Prim[] = [];
    for (const e of v as unknown[]) {
      const p = primitive(e);
      if (p !== null) out.push(p);
    }
    return out;
  }
  const p = primitive(v);
  return p === null ? [] : [p];
}

function primitive(v: unknown): Prim | null {
  switch (typeof v) {
    case 'string':
      return v.trim() === '' ? null : v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    default:
      return null;
  }
}

/** True when the field has a value: not null, not blank text, not an empty list. Objects count as present. */
export function isPresent(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.trim() !== '';
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return (v as unknown[]).some(isPresent);
  return true;
}

export function toNumber(p: Prim): number | null {
  if (typeof p === 'number') return p;
  if (typeof p === 'string') {
    const t = p.trim();
    if (t === '' || t.length > 40) return null;
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function toText(p: Prim): string {
  return typeof p === 'string' ? p : String(p);
}

/** Normalised string forms of a field's values (for set operations). */
export function normTexts(v: unknown): string[] {
  return primitives(v).map((p) => norm(toText(p)));
}

/** Own property only: `custom.__proto__` must not reach Object.prototype. */
export function own(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Read `field` or `prefix.<name>` (custom.x on leads, attributes.x on partners) from a record of unknown shape. */
export function readPath(record: unknown, path: string, nested: string): unknown {
  if (path.startsWith(`${nested}.`)) return own(own(record, nested), path.slice(nested.length + 1));
  return own(record, path);
}

const DAY_MS = 86_400_000;
export { DAY_MS };

/**
 * Milliseconds since the epoch for an ISO-8601 date or date-time (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]),
 * a finite number (epoch ms) or anything with getTime(). Hand-parsed: the Date global is off limits in the pure
 * core, and Date.parse accepts locale-dependent formats we do not want to depend on. No zone = UTC.
 */
export function toEpochMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v !== null && typeof v === 'object' && typeof (v as { getTime?: unknown }).getTime === 'function') {
    const t: unknown = (v as { getTime: () => unknown }).getTime();
    return typeof t === 'number' && Number.isFinite(t) ? t : null;
  }
  if (typeof v !== 'string' || v.length > 40) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMin = 0;
  const z = m[8];
  if (z !== undefined && z.toUpperCase() !== 'Z') {
    const digits = z.replace(':', '');
    offsetMin = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi - offsetMin) * 60 + s) * 1000 + ms;
}

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Short, safe rendering of a value for reasons and notes (no contact data is put in reasons by the callers). */
export function show(v: unknown, max = 40): string {
  const ps = primitives(v);
  if (ps.length === 0) return '(none)';
  const s = ps.map(toText).join(', ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function clamp01(x: number): number {
  return x <= 0 || Number.isNaN(x) ? 0 : x >= 1 ? 1 : x;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
