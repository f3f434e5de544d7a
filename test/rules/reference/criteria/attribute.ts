// FROZEN REFERENCE (test oracle): the matching engine as it was before the throughput work, kept verbatim so
// test/rules/equivalence.test.ts can check that the optimised engine in src/rules returns identical results. Do not
// optimise or "fix" this copy; when matching semantics change on purpose, change both and say so in the commit.
// Criteria over any partner field or custom attribute, by config alone (rules issue: "adding a criterion over any
// canonical or custom partner attribute needs config, not code"). E.g. partner `attributes.languages` overlapping
// the lead's `custom.language`. Each op yields a value 0..1 (scores) and a pass/fail (filters).
import type { FilterConfig, ScoreConfig } from '../../../../src/rules/config-schema.ts';
import { clamp01, norm } from '../../../../src/rules/values.ts';
import type { AttrValues } from './views.ts';
import { attrValues } from './views.ts';

type AttributeConfig = Extract<FilterConfig | ScoreConfig, { type: 'attribute' }>;

/** What evaluate returns besides a value 0..1: the side that has no value (the criterion's ifLeadMissing /
 * ifPartnerMissing apply). Numbers, not objects: this runs for every partner near every lead. */
export const LEAD_MISSING = -1;
export const PARTNER_MISSING = -2;

export interface CompiledAttribute {
  /** The literal to compare with, when the criterion has `value` instead of `lead`. */
  readonly literal: AttrValues | null;
  /** A value 0..1, or LEAD_MISSING / PARTNER_MISSING. */
  evaluate(partner: AttrValues, lead: AttrValues): number;
  /** Filter semantics of a value: covers needs all, range needs min..max, the rest anything above 0. */
  passes(partner: AttrValues, value: number): boolean;
  describe(partner: AttrValues, other: AttrValues): string;
}

const show = (v: AttrValues): string => (v.texts.length === 0 ? '(none)' : v.texts.slice(0, 5).join(', ') + (v.texts.length > 5 ? ' …' : ''));

export function compileAttribute(c: AttributeConfig): CompiledAttribute {
  const literal = c.lead === undefined && c.value !== undefined ? attrValues(c.value) : null;
  const map = c.map === undefined ? null : new Map(Object.entries(c.map).map(([k, v]) => [norm(k), v]));
  const { min, max } = c;
  const needsOther = c.op !== 'exists' && c.op !== 'range' && c.op !== 'map';

  const evaluate = (p: AttrValues, lead: AttrValues): number => {
    const o = literal ?? lead;
    if (needsOther && o.texts.length === 0) return LEAD_MISSING;
    switch (c.op) {
      case 'exists':
        return p.texts.length > 0 ? 1 : 0;
      case 'overlap':
      case 'covers': {
        if (p.texts.length === 0) return PARTNER_MISSING;
        let n = 0;
        for (const w of o.texts) if (p.set.has(w)) n++;
        return n / o.texts.length;
      }
      case 'equals':
      case 'in': {
        if (p.texts.length === 0) return PARTNER_MISSING;
        for (const t of p.texts) if (o.set.has(t)) return 1;
        return 0;
      }
      case 'gte':
      case 'lte': {
        const pn = p.nums[0];
        const on = o.nums[0];
        if (on === undefined) return LEAD_MISSING;
        if (pn === undefined) return PARTNER_MISSING;
        return (c.op === 'gte' ? pn >= on : pn <= on) ? 1 : 0;
      }
      case 'range': {
        const pn = p.nums[0];
        if (pn === undefined || min === undefined || max === undefined) return PARTNER_MISSING;
        return clamp01((pn - min) / (max - min));
      }
      case 'map': {
        if (p.texts.length === 0 || map === null) return PARTNER_MISSING;
        let best = 0;
        for (const t of p.texts) best = Math.max(best, map.get(t) ?? 0);
        return clamp01(best);
      }
    }
  };

  const passes = (p: AttrValues, value: number): boolean => {
    if (c.op === 'covers') return value === 1;
    if (c.op === 'range') {
      const pn = p.nums[0];
      return pn !== undefined && min !== undefined && max !== undefined && pn >= min && pn <= max;
    }
    return value > 0;
  };

  const describe = (p: AttrValues, lead: AttrValues): string => {
    const o = literal ?? lead;
    const side = literal !== null ? 'wanted' : `lead ${c.lead ?? ''}`;
    switch (c.op) {
      case 'exists':
        return `${c.partner}: ${show(p)}`;
      case 'range':
        return `${c.partner} ${show(p)} on ${String(min)}..${String(max)}`;
      case 'map':
        return `${c.partner} ${show(p)} mapped`;
      default:
        return `${c.partner} ${show(p)} ${c.op} ${side} ${show(o)}`;
    }
  };

  return { literal, evaluate, passes, describe };
}
