// Hard filters. Each removes partners with a reason: explanations store these, so a channel manager can see why a
// partner did not get a lead. The service area is special: it yields a widening stage, not a yes/no
// (service-area.ts). A filter runs once per match call over the partners still in the running (see
// evaluation.ts), so its loop is monomorphic and its per-lead work is done once; filters written per partner go
// through `sieve`.
import type { FilterConfig, MatchingConfig } from '../config-schema.ts';
import { LEAD_MISSING, PARTNER_MISSING, compileAttribute } from './attribute.ts';
import type { Evaluation } from './evaluation.ts';
import { perCall } from './evaluation.ts';
import type { AreaCheck } from './service-area.ts';
import { compileArea } from './service-area.ts';
import type { LeadView, MatchContext, Pair, PartnerView } from './views.ts';

/**
 * Keep the partners at positions live[0..count) that pass, in order (compacting `live` in place), and return how
 * many did; record each other one with e.fail(position, f, reason).
 */
export type FilterRun = (e: Evaluation, live: Int32Array, count: number, f: number) => number;

export type CompiledFilter =
  | { readonly kind: 'check'; readonly name: string; readonly type: FilterConfig['type']; readonly run: FilterRun }
  | { readonly kind: 'area'; readonly name: string; readonly type: 'serviceArea'; readonly area: AreaCheck };

const list = (xs: readonly string[]): string => (xs.length <= 5 ? xs.join(', ') : `${xs.slice(0, 5).join(', ')} +${xs.length - 5}`);

/** Certifications a lead needs from its partner: fixed ones plus those tied to the products it wants. */
export function wantedCertifications(fixed: readonly string[], byProduct: Readonly<Record<string, readonly string[]>>, lead: LeadView): string[] {
  const out = new Set(fixed.map((c) => c.trim().toLowerCase()));
  for (const [product, certs] of Object.entries(byProduct)) {
    if (lead.products.includes(product.trim().toLowerCase())) for (const c of certs) out.add(c.trim().toLowerCase());
  }
  return [...out];
}

/**
 * Memo of a per-lead value across the partners of one match call (match is synchronous, so the last lead seen
 * is the current one).
 */
export function perLead<T>(fn: (lead: LeadView) => T): (lead: LeadView) => T {
  let last: LeadView | null = null;
  let value: T | undefined;
  return (lead) => {
    if (lead !== last) {
      value = fn(lead);
      last = lead;
    }
    return value as T;
  };
}

/** A filter written per partner: null (pass) or the reason it removed the partner. */
export function sieve(check: (p: PartnerView, ctx: MatchContext, pair: Pair) => string | null): FilterRun {
  return (e, live, count, f) => {
    let w = 0;
    for (let r = 0; r < count; r++) {
      const k = live[r]!;
      const why = check(e.view(k), e.ctx, e.pairAt(k));
      e.keep(k);
      if (why === null) live[w++] = k;
      else e.fail(k, f, why);
    }
    return w;
  };
}

/** Remove everyone with the same reason. */
function failAll(e: Evaluation, live: Int32Array, count: number, f: number, why: string): number {
  for (let r = 0; r < count; r++) e.fail(live[r]!, f, why);
  return 0;
}

/** Remove the partners whose id is in the set `of` picks from the call. */
function notIn(of: (ctx: MatchContext) => ReadonlySet<string>, why: string): FilterRun {
  return (e, live, count, f) => {
    const ids = of(e.ctx);
    if (ids.size === 0) return count;
    const partnerIds = e.table.ids;
    const idx = e.idx;
    let w = 0;
    for (let r = 0; r < count; r++) {
      const k = live[r]!;
      if (!ids.has(partnerIds[idx[k]!]!)) live[w++] = k;
      else e.fail(k, f, why);
    }
    return w;
  };
}

/**
 * @param attrSlot slot of this filter's attribute values in PartnerView.attrs / LeadView.attrs (attribute only).
 */
export function compileFilter(f: FilterConfig, cfg: MatchingConfig, attrSlot: number): CompiledFilter {
  const name = f.name ?? f.type;
  const check = (run: FilterRun): CompiledFilter => ({ kind: 'check', name, type: f.type, run });
  switch (f.type) {
    case 'active':
      return check((e, live, count, fi) => {
        const active = e.table.active;
        const idx = e.idx;
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          if (active[idx[k]!] === 1) live[w++] = k;
          else e.fail(k, fi, 'partner is inactive');
        }
        return w;
      });
    case 'serviceArea':
      return { kind: 'area', name, type: 'serviceArea', area: compileArea(f.emptyArea, cfg.widening.steps) };
    case 'products': {
      const noneText = perCall((e) => `sells none of ${e.lead.productsText}`);
      return check((e, live, count, fi) => {
        const wanted = e.lead.products;
        if (wanted.length === 0) return f.ifLeadMissing === 'pass' ? count : failAll(e, live, count, fi, 'lead names no product');
        const q = e.products();
        const bits = e.table.products;
        const all = f.mode === 'all';
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          const i = e.idx[k]!;
          const sold = bits.count(i, q);
          if (all ? sold === wanted.length : sold > 0) live[w++] = k;
          else {
            const p = e.views[i]!;
            e.fail(k, fi, all ? `does not sell ${list(wanted.filter((x) => !p.products.has(x)))}` : noneText(e));
          }
        }
        return w;
      });
    }
    case 'certifications': {
      const wanted = perLead((lead) => wantedCertifications(f.required, f.byProduct, lead));
      return check((e, live, count, fi) => {
        const certs = wanted(e.lead);
        if (certs.length === 0) return count;
        const bits = e.table.certifications;
        const q = bits.query(certs);
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          const i = e.idx[k]!;
          if (bits.count(i, q) === certs.length) live[w++] = k;
          else {
            const p = e.views[i]!;
            e.fail(k, fi, `lacks certification ${list(certs.filter((c) => !p.certifications.has(c)))}`);
          }
        }
        return w;
      });
    }
    case 'level': {
      const min = cfg.levels[f.min] ?? 0;
      return check((e, live, count, fi) => {
        const levelValue = e.table.levelValue;
        const idx = e.idx;
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          if (levelValue[idx[k]!]! >= min) live[w++] = k;
          else e.fail(k, fi, `level ${e.view(k).level ?? '(none)'} is below ${f.min}`);
        }
        return w;
      });
    }
    case 'capacity':
      return check((e, live, count, fi) => {
        const capacities = e.table.capacity;
        const idx = e.idx;
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          const capacity = capacities[idx[k]!]!;
          if (Number.isNaN(capacity)) {
            live[w++] = k;
            continue;
          }
          const open = e.stAt(k).open;
          if (open < capacity) live[w++] = k;
          else e.fail(k, fi, `at capacity: ${open} open leads, capacity ${capacity}`);
        }
        return w;
      });
    case 'declined':
      return check(notIn((ctx) => ctx.declined, 'declined this lead before'));
    case 'alreadyOffered':
      return check(notIn((ctx) => ctx.alreadyOffered, 'already offered this lead in an earlier wave'));
    case 'feedbackGate':
      return check((e, live, count, fi) => {
        const blocked = e.ctx.blocked;
        const anyBlocked = blocked.size > 0;
        const ids = e.table.ids;
        const idx = e.idx;
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          if (anyBlocked && blocked.has(ids[idx[k]!]!)) {
            e.fail(k, fi, 'blocked by the feedback gate');
            continue;
          }
          const overdue = e.stAt(k).overdue;
          if (overdue > f.maxOverdue) e.fail(k, fi, `feedback gate: ${overdue} overdue feedback${overdue === 1 ? '' : 's'}`);
          else live[w++] = k;
        }
        return w;
      });
    case 'distance':
      return check((e, live, count, fi) => {
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          const dist = e.distAt(k);
          if (dist === null) {
            if (f.ifUnknown === 'pass') live[w++] = k;
            else e.fail(k, fi, 'distance unknown (lead or partner not located)');
          } else if (dist <= f.maxKm) live[w++] = k;
          else e.fail(k, fi, `${Math.round(dist)} km away, more than ${f.maxKm} km`);
        }
        return w;
      });
    case 'attribute': {
      const a = compileAttribute(f);
      return check((e, live, count, fi) => {
        const lv = e.lead.attrs[attrSlot]!;
        const q = e.attrQuery(attrSlot, a.other(lv).texts);
        const col = e.table.attrs[attrSlot]!;
        let w = 0;
        for (let r = 0; r < count; r++) {
          const k = live[r]!;
          const i = e.idx[k]!;
          const v = a.evaluateAt(col, i, lv, q);
          let why: string | null;
          if (v === LEAD_MISSING) why = f.ifLeadMissing === 'pass' ? null : `lead has no ${f.lead ?? 'value'}`;
          else if (v === PARTNER_MISSING) why = f.ifPartnerMissing === 'pass' ? null : `partner has no ${f.partner}`;
          else why = a.passesAt(col, i, v) ? null : `${f.name}: ${a.describe(col.values[i]!, lv)}`;
          if (why === null) live[w++] = k;
          else e.fail(k, fi, why);
        }
        return w;
      });
    }
  }
}
