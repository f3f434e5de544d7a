// Inbound transforms: small, total functions from a CRM value to a canonical value. Each returns a value or a
// failure message that never contains the value itself (it may be personal data). Chains are type-checked at
// load time (`chainKind`) so "number after split" fails in `leadrelay validate`, not on the first record.

export const transformNames = ['trim', 'lower', 'upper', 'split', 'number', 'integer', 'date', 'datetime', 'boolean'] as const;
export type TransformName = (typeof transformNames)[number];

/** What flows between transforms. `raw` = whatever the CRM sent (text, number, flag). */
export type ValueKind = 'raw' | 'text' | 'list' | 'number' | 'boolean';

export type Mapped = string | number | boolean | string[] | null;
export type StepResult = { readonly ok: true; readonly value: Mapped } | { readonly ok: false; readonly message: string };

/** The longest text leadrelay keeps from a CRM field; longer values quarantine the record. */
export const maxTextLength = 10_000;

const accepts: Readonly<Record<TransformName, readonly ValueKind[]>> = {
  trim: ['raw', 'text', 'list'],
  lower: ['raw', 'text', 'list'],
  upper: ['raw', 'text', 'list'],
  split: ['raw', 'text'],
  number: ['raw', 'text', 'number'],
  integer: ['raw', 'text', 'number'],
  date: ['raw', 'text'],
  datetime: ['raw', 'text'],
  boolean: ['raw', 'text', 'number'],
};

function produces(t: TransformName, input: ValueKind): ValueKind {
  switch (t) {
    case 'trim': case 'lower': case 'upper':
      return input === 'list' ? 'list' : 'text';
    case 'split':
      return 'list';
    case 'number': case 'integer':
      return 'number';
    case 'date': case 'datetime':
      return 'text';
    case 'boolean':
      return 'boolean';
  }
}

export type ChainResult =
  | { readonly ok: true; readonly kind: ValueKind }
  | { readonly ok: false; readonly index: number; readonly message: string; readonly hint: string };

/** The kind a chain produces, or the first step that cannot take its input. */
export function chainKind(chain: readonly TransformName[]): ChainResult {
  let kind: ValueKind = 'raw';
  for (let i = 0; i < chain.length; i++) {
    const t = chain[i] as TransformName;
    if (!accepts[t].includes(kind)) {
      const prev = chain[i - 1] ?? 'the CRM value';
      return {
        ok: false, index: i,
        message: `'${t}' cannot follow '${prev}' (it gets a ${kind === 'list' ? 'list' : kind}, it needs ${accepts[t].filter((k) => k !== 'raw').join(' or ')})`,
        hint: kind === 'list' ? `'${t}' works on single values, not on the list 'split' makes: remove one of them` : `reorder or remove '${t}'`,
      };
    }
    kind = produces(t, kind);
  }
  return { ok: true, kind };
}

// ---------------------------------------------------------------- runtime

// C0 controls and DEL, except tab, newline and carriage return (remarks are multi-line).
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Bring a CRM value into the Mapped domain: strip control characters; objects and non-finite numbers fail. */
export function normalise(raw: unknown): StepResult {
  if (raw === undefined || raw === null) return { ok: true, value: null };
  if (typeof raw === 'string') return { ok: true, value: raw.replace(controlChars, '') };
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, message: 'not a finite number' };
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return { ok: true, value: raw.map((x: string) => x.replace(controlChars, '')) };
  return { ok: false, message: `a structured value (${Array.isArray(raw) ? 'list' : typeof raw}) cannot be mapped; map one of its parts` };
}

const fail = (message: string): StepResult => ({ ok: false, message });
const ok = (value: Mapped): StepResult => ({ ok: true, value });

function textOf(v: string | number | boolean): string {
  return typeof v === 'string' ? v : String(v);
}

function eachText(v: Mapped, f: (s: string) => string): StepResult {
  if (v === null) return ok(null);
  if (Array.isArray(v)) return ok(v.map(f));
  return ok(f(textOf(v)));
}

const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 date-time as CRMs send it; Salesforce writes the zone as +0000 (no colon).
const dateTimePattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/;

function toNumber(v: Mapped): StepResult {
  if (v === null) return ok(null);
  if (typeof v === 'number') return ok(v);
  if (typeof v !== 'string') return fail(Array.isArray(v) ? 'a list is not a number' : 'a flag is not a number');
  const s = v.trim();
  if (s === '') return ok(null);
  if (!numberPattern.test(s)) return fail('not a number');
  const n = Number(s);
  return Number.isFinite(n) ? ok(n) : fail('number out of range');
}

function parseInstant(v: Mapped): Date | null | 'invalid' {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v) : 'invalid';
  if (typeof v !== 'string') return 'invalid';
  const s = v.trim();
  if (s === '') return null;
  const d = datePattern.exec(s);
  if (d !== null) {
    const date = new Date(`${s}T00:00:00Z`);
    // Reject 2024-02-30: Date rolls it over to March, the round trip catches it.
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== s ? 'invalid' : date;
  }
  const m = dateTimePattern.exec(s);
  if (m === null) return 'invalid';
  const zone = m[5] === undefined ? 'Z' : m[5].length === 5 ? `${m[5].slice(0, 3)}:${m[5].slice(3)}` : m[5];
  const date = new Date(`${m[1] ?? ''}T${m[2] ?? ''}${zone}`);
  return Number.isNaN(date.getTime()) ? 'invalid' : date;
}

const truthy = new Set(['true', '1', 'yes', 'y', 'on', 'x']);
const falsy = new Set(['false', '0', 'no', 'n', 'off', '']);

export function applyTransform(t: TransformName, v: Mapped): StepResult {
  switch (t) {
    case 'trim':
      return eachText(v, (s) => s.trim());
    case 'lower':
      return eachText(v, (s) => s.toLowerCase());
    case 'upper':
      return eachText(v, (s) => s.toUpperCase());
    case 'split':
      // Multi-select picklists arrive as "A;B;C" (Salesforce) or "A;B" (HubSpot checkboxes).
      if (v === null || Array.isArray(v)) return ok(v);
      return ok(textOf(v).split(';').map((s) => s.trim()).filter((s) => s !== ''));
    case 'number':
      return toNumber(v);
    case 'integer': {
      const r = toNumber(v);
      if (!r.ok || r.value === null) return r;
      return Number.isSafeInteger(r.value) ? r : fail('not a whole number');
    }
    case 'date': case 'datetime': {
      const d = parseInstant(v);
      if (d === 'invalid') return fail(t === 'date' ? 'not a date (YYYY-MM-DD)' : 'not an ISO date-time');
      if (d === null) return ok(null);
      const iso = d.toISOString();
      return ok(t === 'date' ? iso.slice(0, 10) : iso);
    }
    case 'boolean': {
      if (v === null || typeof v === 'boolean') return ok(v);
      if (typeof v === 'number') return v === 1 || v === 0 ? ok(v === 1) : fail('not a yes/no value');
      if (Array.isArray(v)) return fail('a list is not a yes/no value');
      const s = v.trim().toLowerCase();
      if (truthy.has(s)) return ok(true);
      return falsy.has(s) ? ok(s === '' ? null : false) : fail('not a yes/no value');
    }
  }
}
