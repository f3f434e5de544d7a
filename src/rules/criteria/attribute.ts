// Criteria over any partner field or custom attribute, by config alone (rules issue: "adding a criterion over any
// canonical or custom partner attribute needs config, not code"). E.g. partner `attributes.languages` overlapping
// the lead's `custom.language`. Each op yields a value 0..1 (scores) and a pass/fail (filters).
import type { FilterConfig, ScoreConfig } from '../config-schema.ts';
import { clamp01, norm } from '../values.ts';
import type { TextQuery } from './bitset.ts';
import type { AttrColumn } from './table.ts';
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
  /**
   * The same value for partner i of `col` (this criterion's partner values as columns), with `q` the query of the
   * other side's texts (the literal's, else the lead's) against col.bits: the matcher's hot path.
   */
  evaluateAt(col: AttrColumn, i: number, lead: AttrValues, q: TextQuery): number;
  /** passes(), for partner i of `col`. */
  passesAt(col: AttrColumn, i: number, value: number): boolean;
  /** The texts the partner's values are compared with: the literal's, else the lead's. */
  other(lead: AttrValues): AttrValues;
  /** Filter semantics of a value: covers needs all, range needs min..max, the rest anything above 0. */
  passes(partner: AttrValues, value: number): boolean;
  describe(partner: AttrValues, other: AttrValues): string;
  /** Whether evaluate(p, lead) is LEAD_MISSING: that depends on the lead side only. */
  leadMissing(lead: AttrValues): boolean;
  /**
   * describe(partner, lead) in two parts, the partner's and the lead's (null: the text does not depend on the
   * lead): describe = partnerPart + leadPart when the lead part is not null.
   */
  describePartner(partner: AttrValues): string;
  describeLead(lead: AttrValues): string | null;
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

  // evaluate() over columns: texts.length is col.count, nums[0] is col.num (NaN for none). overlap/covers count
  // the other side's texts the partner holds; equals/in ask whether any partner text is among the other side's,
  // i.e. whether that count is above 0 (both sides' texts are distinct).
  const evaluateAt = (col: AttrColumn, i: number, lead: AttrValues, q: TextQuery): number => {
    const o = literal ?? lead;
    if (needsOther && o.texts.length === 0) return LEAD_MISSING;
    switch (c.op) {
      case 'exists':
        return col.count[i]! > 0 ? 1 : 0;
      case 'overlap':
      case 'covers':
        if (col.count[i] === 0) return PARTNER_MISSING;
        return col.bits.count(i, q) / o.texts.length;
      case 'equals':
      case 'in':
        if (col.count[i] === 0) return PARTNER_MISSING;
        return col.bits.count(i, q) > 0 ? 1 : 0;
      case 'gte':
      case 'lte': {
        const on = o.nums[0];
        if (on === undefined) return LEAD_MISSING;
        const pn = col.num[i]!;
        if (Number.isNaN(pn)) return PARTNER_MISSING;
        return (c.op === 'gte' ? pn >= on : pn <= on) ? 1 : 0;
      }
      case 'range': {
        const pn = col.num[i]!;
        if (Number.isNaN(pn) || min === undefined || max === undefined) return PARTNER_MISSING;
        return clamp01((pn - min) / (max - min));
      }
      case 'map':
        return evaluate(col.values[i]!, lead);
    }
  };

  const passesAt = (col: AttrColumn, i: number, value: number): boolean => {
    if (c.op === 'covers') return value === 1;
    if (c.op === 'range') {
      const pn = col.num[i]!;
      return !Number.isNaN(pn) && min !== undefined && max !== undefined && pn >= min && pn <= max;
    }
    return value > 0;
  };

  const passes = (p: AttrValues, value: number): boolean => {
    if (c.op === 'covers') return value === 1;
    if (c.op === 'range') {
      const pn = p.nums[0];
      return pn !== undefined && min !== undefined && max !== undefined && pn >= min && pn <= max;
    }
    return value > 0;
  };

  const side = literal !== null ? 'wanted' : `lead ${c.lead ?? ''}`;
  const describePartner = (p: AttrValues): string => {
    switch (c.op) {
      case 'exists':
        return `${c.partner}: ${show(p)}`;
      case 'range':
        return `${c.partner} ${show(p)} on ${String(min)}..${String(max)}`;
      case 'map':
        return `${c.partner} ${show(p)} mapped`;
      default:
        return `${c.partner} ${show(p)}`;
    }
  };
  const describeLead = (lead: AttrValues): string | null => (needsOther ? ` ${c.op} ${side} ${show(literal ?? lead)}` : null);
  const describe = (p: AttrValues, lead: AttrValues): string => describePartner(p) + (describeLead(lead) ?? '');

  // evaluate() returns LEAD_MISSING when the other side has no texts (ops comparing with it), or, for gte/lte,
  // no number; before looking at the partner at all.
  const leadMissing = (lead: AttrValues): boolean => {
    if (!needsOther) return false;
    const o = literal ?? lead;
    return o.texts.length === 0 || ((c.op === 'gte' || c.op === 'lte') && o.nums[0] === undefined);
  };

  return { literal, evaluate, evaluateAt, passesAt, other: (lead) => literal ?? lead, passes, describe, leadMissing, describePartner, describeLead };
}
