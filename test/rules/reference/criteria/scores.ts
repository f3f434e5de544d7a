// FROZEN REFERENCE (test oracle): the matching engine as it was before the throughput work, kept verbatim so
// test/rules/equivalence.test.ts can check that the optimised engine in src/rules returns identical results. Do not
// optimise or "fix" this copy; when matching semantics change on purpose, change both and say so in the commit.
// Weighted score terms. `value` is the hot path (numbers only); `note` renders the explanation of that value and
// runs only for the candidates a result carries. Every value is 0..1; the weight makes it points (match.ts).
import type { MatchingConfig, ScoreConfig } from '../../../../src/rules/config-schema.ts';
import { clamp01, pct } from '../../../../src/rules/values.ts';
import { LEAD_MISSING, PARTNER_MISSING, compileAttribute } from './attribute.ts';
import { perLead, wantedCertifications } from './filters.ts';
import type { MatchContext, Pair, PartnerView } from './views.ts';

export interface CompiledScore {
  readonly name: string;
  readonly type: ScoreConfig['type'];
  /** The weight as configured. */
  readonly weight: number;
  /** The weight in hundredths, an integer: scores are summed exactly (see match.ts). */
  readonly w: number;
  value(p: PartnerView, ctx: MatchContext, pair: Pair): number;
  note(p: PartnerView, ctx: MatchContext, pair: Pair): string;
}

/** Smoothed conversion rate: (won + prior × m) / (n + m). A partner with 1 won of 1 is near the prior, not 100 %. */
export function smoothedRate(won: number, n: number, prior: number, m: number): number {
  const den = n + m;
  return den > 0 ? (won + prior * m) / den : prior;
}

export function compileScore(s: ScoreConfig, cfg: MatchingConfig, attrSlot: number): CompiledScore {
  const base = { name: s.name ?? s.type, type: s.type, weight: s.weight, w: Math.round(s.weight * 100) };
  const make = (value: CompiledScore['value'], note: CompiledScore['note']): CompiledScore => ({ ...base, value, note });
  switch (s.type) {
    case 'products':
      return make(
        (p, ctx) => {
          const wanted = ctx.lead.products;
          if (wanted.length === 0) return 0;
          let n = 0;
          for (let k = 0; k < wanted.length; k++) if (p.products.has(wanted[k]!)) n++;
          return n / wanted.length;
        },
        (p, ctx) => (ctx.lead.products.length === 0 ? 'lead names no product' : `sells ${ctx.lead.products.filter((w) => p.products.has(w)).length} of ${ctx.lead.products.length} wanted products`),
      );
    case 'level':
      return make((p) => p.levelValue, (p) => `level ${p.level ?? '(none)'}`);
    case 'conversionRate': {
      const fullAt = ` (full score at ${pct(s.fullAt)})`;
      const basis = ({ st }: Pair): number => (s.basis === 'reserved' ? st.reserved : st.won + st.lost);
      const rate = (pair: Pair): number => smoothedRate(pair.st.won, basis(pair), s.prior, s.priorWeight);
      return make(
        (_p, _ctx, pair) => clamp01(rate(pair) / s.fullAt),
        (_p, _ctx, pair) => `${pair.st.won} won of ${basis(pair)} ${s.basis}: ${pct(rate(pair))} smoothed${fullAt}`,
      );
    }
    case 'responsiveness': {
      const value = (m: number | null): number => (m === null || !Number.isFinite(m) ? s.ifUnknown : clamp01((s.slowMinutes - m) / (s.slowMinutes - s.fastMinutes)));
      return make(
        (_p, _ctx, pair) => value(pair.st.medianMinutesToReserve),
        (_p, _ctx, pair) => {
          const m = pair.st.medianMinutesToReserve;
          return m === null ? 'never reserved: neutral value' : `median ${Math.round(m)} min to reserve`;
        },
      );
    }
    case 'distance': {
      // Without a fine location on both ends, equality of region / country stands in for distance.
      const SAME_REGION = 0;
      const SAME_COUNTRY = 1;
      const UNKNOWN = 2;
      const fallback = (p: PartnerView, ctx: MatchContext): number => {
        const lead = ctx.lead;
        const postal = lead.postal;
        if (lead.region !== null && p.regions.has(lead.region)) return SAME_REGION;
        if (postal !== null && (p.prefixes.some((x) => postal.startsWith(x)) || (p.postal !== null && p.country === lead.country && p.postal.slice(0, 2) === postal.slice(0, 2)))) return SAME_REGION;
        if (lead.country !== null && (p.country === lead.country || p.territory.has(lead.country))) return SAME_COUNTRY;
        return UNKNOWN;
      };
      const values = [s.sameRegion, s.sameCountry, s.ifUnknown];
      const notes = ['not located; same region or postal zone', 'not located; same country', 'not located'];
      return make(
        (p, ctx, pair) => {
          const dist = pair.dist;
          return dist === null ? values[fallback(p, ctx)]! : clamp01(1 - dist / s.maxKm);
        },
        (p, ctx, pair) => {
          const dist = pair.dist;
          return dist === null ? notes[fallback(p, ctx)]! : `${Math.round(dist)} km (0 at ${s.maxKm} km)`;
        },
      );
    }
    case 'certifications': {
      const wanted = perLead((lead) => wantedCertifications(s.preferred, s.byProduct, lead));
      return make(
        (p, ctx) => {
          const w = wanted(ctx.lead);
          if (w.length === 0) return clamp01(p.certifications.size / s.fullAt);
          let n = 0;
          for (const c of w) if (p.certifications.has(c)) n++;
          return n / w.length;
        },
        (p, ctx) => {
          const w = wanted(ctx.lead);
          return w.length === 0 ? `${p.certifications.size} certifications (full at ${s.fullAt})` : `holds ${w.filter((c) => p.certifications.has(c)).length} of ${w.length} wanted certifications`;
        },
      );
    }
    case 'load': {
      const value = (open: number, capacity: number | null): number =>
        capacity === null ? s.halfAt / (s.halfAt + Math.max(0, open)) : capacity === 0 ? 0 : clamp01(1 - open / capacity);
      return make(
        (p, _ctx, pair) => value(pair.st.open, p.capacity),
        (p, _ctx, pair) => `${pair.st.open} open leads${p.capacity === null ? ', no capacity set' : ` of capacity ${p.capacity}`}`,
      );
    }
    case 'recentOffers':
      return make(
        (_p, _ctx, pair) => s.halfAt / (s.halfAt + Math.max(0, pair.st.recentOffers)),
        (_p, _ctx, pair) => `${pair.st.recentOffers} offers in the last ${cfg.fairness.windowDays} days`,
      );
    case 'feedbackGate':
      return make(
        (p, ctx, pair) => (ctx.blocked.has(p.id) || pair.st.overdue > 0 ? 0 : 1),
        (p, ctx, pair) => (ctx.blocked.has(p.id) || pair.st.overdue > 0 ? `${pair.st.overdue} overdue feedback` : 'no overdue feedback'),
      );
    // Added with the marketplace's `points` score (same semantics as src/rules/criteria/scores.ts).
    case 'points':
      return make(
        (_p, _ctx, pair) => clamp01((pair.st.points ?? 0) / s.fullAt),
        (_p, _ctx, pair) => `${pair.st.points ?? 0} points (full score at ${s.fullAt})`,
      );
    case 'attribute': {
      const a = compileAttribute(s);
      return make(
        (p, ctx) => {
          const v = a.evaluate(p.attrs[attrSlot]!, ctx.lead.attrs[attrSlot]!);
          return v === LEAD_MISSING ? s.ifLeadMissing : v === PARTNER_MISSING ? 0 : v;
        },
        (p, ctx) => {
          const pv = p.attrs[attrSlot]!;
          const lv = ctx.lead.attrs[attrSlot]!;
          return a.evaluate(pv, lv) === LEAD_MISSING ? `lead has no ${s.lead ?? 'value'}` : a.describe(pv, lv);
        },
      );
    }
  }
}
