// FROZEN REFERENCE (test oracle): the matching engine as it was before the throughput work, kept verbatim so
// test/rules/equivalence.test.ts can check that the optimised engine in src/rules returns identical results. Do not
// optimise or "fix" this copy; when matching semantics change on purpose, change both and say so in the commit.
// Hard filters. Each returns null (pass) or the reason it removed the partner: explanations store these, so a
// channel manager can see why a partner did not get a lead. The service area is special: it yields a widening
// stage, not a yes/no (service-area.ts).
import type { FilterConfig, MatchingConfig } from '../../../../src/rules/config-schema.ts';
import { LEAD_MISSING, PARTNER_MISSING, compileAttribute } from './attribute.ts';
import type { AreaCheck } from './service-area.ts';
import { compileArea } from './service-area.ts';
import type { LeadView, MatchContext, Pair, PartnerView } from './views.ts';

export type CompiledFilter =
  | { readonly kind: 'check'; readonly name: string; readonly type: FilterConfig['type']; check(p: PartnerView, ctx: MatchContext, pair: Pair): string | null }
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

/**
 * @param attrSlot slot of this filter's attribute values in PartnerView.attrs / LeadView.attrs (attribute only).
 */
export function compileFilter(f: FilterConfig, cfg: MatchingConfig, attrSlot: number): CompiledFilter {
  const name = f.name ?? f.type;
  const check = (fn: (p: PartnerView, ctx: MatchContext, pair: Pair) => string | null): CompiledFilter => ({ kind: 'check', name, type: f.type, check: fn });
  switch (f.type) {
    case 'active':
      return check((p) => (p.active ? null : 'partner is inactive'));
    case 'serviceArea':
      return { kind: 'area', name, type: 'serviceArea', area: compileArea(f.emptyArea, cfg.widening.steps) };
    case 'products':
      return check((p, ctx) => {
        const wanted = ctx.lead.products;
        if (wanted.length === 0) return f.ifLeadMissing === 'pass' ? null : 'lead names no product';
        let sold = 0;
        for (let k = 0; k < wanted.length; k++) if (p.products.has(wanted[k]!)) sold++;
        if (f.mode === 'all' ? sold === wanted.length : sold > 0) return null;
        return f.mode === 'all' ? `does not sell ${list(wanted.filter((w) => !p.products.has(w)))}` : `sells none of ${ctx.lead.productsText}`;
      });
    case 'certifications': {
      const wanted = perLead((lead) => wantedCertifications(f.required, f.byProduct, lead));
      return check((p, ctx) => {
        const missing = wanted(ctx.lead).filter((c) => !p.certifications.has(c));
        return missing.length === 0 ? null : `lacks certification ${list(missing)}`;
      });
    }
    case 'level': {
      const min = cfg.levels[f.min] ?? 0;
      return check((p) => (p.levelValue >= min ? null : `level ${p.level ?? '(none)'} is below ${f.min}`));
    }
    case 'capacity':
      return check((p, _ctx, pair) => {
        if (p.capacity === null) return null;
        const open = pair.st.open;
        return open < p.capacity ? null : `at capacity: ${open} open leads, capacity ${p.capacity}`;
      });
    case 'declined':
      return check((p, ctx) => (ctx.declined.has(p.id) ? 'declined this lead before' : null));
    case 'alreadyOffered':
      return check((p, ctx) => (ctx.alreadyOffered.has(p.id) ? 'already offered this lead in an earlier wave' : null));
    case 'feedbackGate':
      return check((p, ctx, pair) => {
        if (ctx.blocked.has(p.id)) return 'blocked by the feedback gate';
        const overdue = pair.st.overdue;
        return overdue > f.maxOverdue ? `feedback gate: ${overdue} overdue feedback${overdue === 1 ? '' : 's'}` : null;
      });
    case 'distance':
      return check((_p, _ctx, pair) => {
        const dist = pair.dist;
        if (dist === null) return f.ifUnknown === 'pass' ? null : 'distance unknown (lead or partner not located)';
        return dist <= f.maxKm ? null : `${Math.round(dist)} km away, more than ${f.maxKm} km`;
      });
    case 'attribute': {
      const a = compileAttribute(f);
      return check((p, ctx) => {
        const pv = p.attrs[attrSlot]!;
        const lv = ctx.lead.attrs[attrSlot]!;
        const v = a.evaluate(pv, lv);
        if (v === LEAD_MISSING) return f.ifLeadMissing === 'pass' ? null : `lead has no ${f.lead ?? 'value'}`;
        if (v === PARTNER_MISSING) return f.ifPartnerMissing === 'pass' ? null : `partner has no ${f.partner}`;
        return a.passes(pv, v) ? null : `${f.name}: ${a.describe(pv, lv)}`;
      });
    }
  }
}
