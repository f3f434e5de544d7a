// The partner fields the hot loops read, as columns by view index (typed arrays, no object per partner): a
// match call touches a few hundred partners, and reading a byte from a column is much cheaper than pulling each
// partner's view object (and its Sets) into the cache. Built once per prepared matcher from the views, which
// stay the source of truth for everything else (explanation texts).
import { TextBits } from './bitset.ts';
import type { AttrValues, PartnerView } from './views.ts';

/** One attribute criterion's partner values (by slot). */
export interface AttrColumn {
  readonly bits: TextBits;
  /** How many distinct texts the partner has (0: no value). */
  readonly count: Int32Array;
  /** The first of its numbers; NaN: none (numbers are finite). */
  readonly num: Float64Array;
  readonly values: readonly AttrValues[];
}

export interface PartnerTable {
  readonly ids: readonly string[];
  readonly active: Uint8Array;
  readonly levelValue: Float64Array;
  /** NaN: no capacity set. */
  readonly capacity: Float64Array;
  readonly certCount: Int32Array;
  /** 1 where the partner's level is a top level (fairness). */
  readonly top: Uint8Array;
  readonly products: TextBits;
  readonly certifications: TextBits;
  readonly attrs: readonly AttrColumn[];
}

export function partnerTable(views: readonly PartnerView[], topLevels: ReadonlySet<string>, attrSlots: number): PartnerTable {
  const n = views.length;
  const attrs: AttrColumn[] = [];
  for (let slot = 0; slot < attrSlots; slot++) {
    const values = views.map((v) => v.attrs[slot]!);
    attrs.push({
      bits: new TextBits(values.map((v) => v.set)),
      count: Int32Array.from(values, (v) => v.texts.length),
      num: Float64Array.from(values, (v) => v.nums[0] ?? NaN),
      values,
    });
  }
  const capacity = new Float64Array(n);
  for (let i = 0; i < n; i++) capacity[i] = views[i]!.capacity ?? NaN;
  return {
    ids: views.map((v) => v.id),
    active: Uint8Array.from(views, (v) => (v.active ? 1 : 0)),
    levelValue: Float64Array.from(views, (v) => v.levelValue),
    capacity,
    certCount: Int32Array.from(views, (v) => v.certifications.size),
    top: Uint8Array.from(views, (v) => (v.level !== null && topLevels.has(v.level.toLowerCase()) ? 1 : 0)),
    products: new TextBits(views.map((v) => v.products)),
    certifications: new TextBits(views.map((v) => v.certifications)),
    attrs,
  };
}
