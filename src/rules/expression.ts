// Evaluator for the rule expression language (syntax and validation: condition-schema.ts). Conditions are compiled
// once into closures (regexes built, literals normalised) so qualifying a lead is a few function calls.
import type { Condition, FieldTest, Scalar } from './condition-schema.ts';
import type { Prim } from './values.ts';
import { DAY_MS, isPresent, norm, own, primitives, readPath, toEpochMs, toNumber, toText } from './values.ts';

export interface EvalContext {
  /** The lead data; typed loosely because qualification must survive junk records. */
  readonly lead: unknown;
  readonly now: Date;
  readonly receivedAt: Date;
}

export type Predicate = (ctx: EvalContext) => boolean;

/** Regex tests see at most this many characters of a value: a pasted 10 MB "remark" must not stall a run. */
export const REGEX_INPUT_LIMIT = 10_000;

/** Value of a lead path, including the virtual fields receivedAt (epoch ms), ageDays and emailDomain. */
export function fieldValue(ctx: EvalContext, path: string): unknown {
  switch (path) {
    case 'receivedAt':
      return ctx.receivedAt.getTime();
    case 'ageDays':
      return (ctx.now.getTime() - ctx.receivedAt.getTime()) / DAY_MS;
    case 'emailDomain': {
      const e = own(ctx.lead, 'email');
      if (typeof e !== 'string') return null;
      const at = e.lastIndexOf('@');
      return at < 0 ? null : e.slice(at + 1).trim().toLowerCase() || null;
    }
    default:
      return readPath(ctx.lead, path, 'custom');
  }
}

export function compileCondition(c: Condition): Predicate {
  if ('all' in c) {
    const ps = c.all.map(compileCondition);
    return (ctx) => ps.every((p) => p(ctx));
  }
  if ('any' in c) {
    const ps = c.any.map(compileCondition);
    return (ctx) => ps.some((p) => p(ctx));
  }
  if ('not' in c) {
    const p = compileCondition(c.not);
    return (ctx) => !p(ctx);
  }
  return compileFieldTest(c);
}

type ValueTest = (raw: unknown, values: readonly Prim[], ctx: EvalContext) => boolean;

function compileFieldTest(t: FieldTest): Predicate {
  const tests: ValueTest[] = [];
  const anyOf = (f: (p: Prim) => boolean): ValueTest => (_raw, vs) => vs.some(f);

  if (t.equals !== undefined) {
    const eq = literalEquals(t.equals);
    tests.push(t.equals === null ? (raw) => !isPresent(raw) : anyOf(eq));
  }
  if (t.notEquals !== undefined) {
    const eq = literalEquals(t.notEquals);
    tests.push(t.notEquals === null ? (raw) => isPresent(raw) : (_raw, vs) => !vs.some(eq));
  }
  if (t.in !== undefined) {
    const eqs = t.in.map(literalEquals);
    const nullOk = t.in.includes(null);
    tests.push((raw, vs) => (nullOk && !isPresent(raw)) || vs.some((v) => eqs.some((eq) => eq(v))));
  }
  if (t.contains !== undefined) {
    const needle = norm(t.contains);
    // A list "contains" an element; a text contains a substring.
    tests.push((raw, vs) => (Array.isArray(raw) ? vs.some((v) => norm(toText(v)) === needle) : vs.some((v) => norm(toText(v)).includes(needle))));
  }
  if (t.startsWith !== undefined) {
    const prefix = norm(t.startsWith);
    tests.push(anyOf((v) => norm(toText(v)).startsWith(prefix)));
  }
  if (t.matches !== undefined) {
    const re = new RegExp(t.matches, t.flags ?? 'i');
    tests.push(anyOf((v) => re.test(toText(v).slice(0, REGEX_INPUT_LIMIT))));
  }
  if (t.exists !== undefined) {
    const want = t.exists;
    tests.push((raw) => isPresent(raw) === want);
  }
  const num = (cmp: (n: number) => boolean): ValueTest => anyOf((v) => {
    const n = toNumber(v);
    return n !== null && cmp(n);
  });
  const { gt, gte, lt, lte } = t;
  if (gt !== undefined) tests.push(num((n) => n > gt));
  if (gte !== undefined) tests.push(num((n) => n >= gte));
  if (lt !== undefined) tests.push(num((n) => n < lt));
  if (lte !== undefined) tests.push(num((n) => n <= lte));
  const age = (cmp: (days: number) => boolean): ValueTest => (raw, _vs, ctx) => {
    for (const v of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
      const ms = toEpochMs(v);
      if (ms !== null && cmp((ctx.now.getTime() - ms) / DAY_MS)) return true;
    }
    return false;
  };
  const { olderThanDays, newerThanDays } = t;
  if (olderThanDays !== undefined) tests.push(age((d) => d > olderThanDays));
  if (newerThanDays !== undefined) tests.push(age((d) => d < newerThanDays));

  const field = t.field;
  return (ctx) => {
    const raw = fieldValue(ctx, field);
    const values = primitives(raw);
    return tests.every((test) => test(raw, values, ctx));
  };
}

/** Equality against a config literal: numbers numerically, booleans by value or "true"/"false", text normalised. */
function literalEquals(lit: Scalar): (v: Prim) => boolean {
  if (lit === null) return () => false;
  if (typeof lit === 'number') return (v) => toNumber(v) === lit;
  if (typeof lit === 'boolean') {
    const s = String(lit);
    return (v) => v === lit || (typeof v === 'string' && norm(v) === s);
  }
  const s = norm(lit);
  return (v) => norm(toText(v)) === s;
}

/**
 * Compiled once per config object. Rulesets are parsed once at start-up, so a WeakMap keyed by the config
 * object caches without leaking; an edited config is a new object and compiles afresh.
 */
export function memoize<K extends object, V>(build: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = build(k);
      cache.set(k, v);
    }
    return v;
  };
}
