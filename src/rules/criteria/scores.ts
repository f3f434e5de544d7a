// Weighted score terms. `run` is the hot path: the values of every passing partner, criterion by criterion, as
// integers 0..1e6 (numbers only); `note` renders the explanation of one value and runs only for the candidates a
// result carries. Every value is 0..1; the weight makes it points (match.ts). A term written per pair goes through
// `make`.
import type { MatchingConfig, ScoreConfig } from '../config-schema.ts';
import { clamp01, pct } from '../values.ts';
import { LEAD_MISSING, PARTNER_MISSING, compileAttribute } from './attribute.ts';
import type { Evaluation } from './evaluation.ts';
import { DIST_UNKNOWN } from './evaluation.ts';
import { perLead, wantedCertifications } from './filters.ts';
import { NoteMemo } from './note-memo.ts';
import type { MatchContext, Pair, PartnerView } from './views.ts';

/**
 * Values of the partners at positions pos[0..m) of `e` into out[j × stride + c]; the caller clamps them to 0..1
 * and rounds them to millionths (`micro`), so a run needs neither.
 */
export type ScoreRun = (e: Evaluation, pos: Int32Array, m: number, out: Float64Array, stride: number, c: number) => void;

export interface CompiledScore {
  readonly name: string;
  readonly type: ScoreConfig['type'];
  /** The weight as configured. */
  readonly weight: number;
  /** The weight in hundredths, an integer: scores are summed exactly (see match.ts). */
  readonly w: number;
  readonly run: ScoreRun;
  note(p: PartnerView, ctx: MatchContext, pair: Pair): string;
}

export const MICRO = 1_000_000;

/**
 * A value 0..1 (clamped; NaN is 0) in millionths, rounded: the unit scores are summed in. match.ts applies it to
 * every value a run wrote, so the runs leave clamp01 out (micro(clamp01(x)) = micro(x)). They also spell small
 * helpers out: a call that is not inlined takes and returns its numbers boxed, an allocation per partner.
 */
export function micro(v: number): number {
  return Math.round((v <= 0 || Number.isNaN(v) ? 0 : v >= 1 ? 1 : v) * MICRO);
}

/** Smoothed conversion rate: (won + prior × m) / (n + m). A partner with 1 won of 1 is near the prior, not 100 %. */
export function smoothedRate(won: number, n: number, prior: number, m: number): number {
  const den = n + m;
  return den > 0 ? (won + prior * m) / den : prior;
}

export function compileScore(s: ScoreConfig, cfg: MatchingConfig, attrSlot: number): CompiledScore {
  const base = { name: s.name ?? s.type, type: s.type, weight: s.weight, w: Math.round(s.weight * 100) };
  const fast = (run: ScoreRun, note: CompiledScore['note']): CompiledScore => ({ ...base, run, note });
  /** A term written per pair: value(p, ctx, pair) 0..1. */
  const make = (value: (p: PartnerView, ctx: MatchContext, pair: Pair) => number, note: CompiledScore['note']): CompiledScore =>
    fast((e, pos, m, out, stride, c) => {
      for (let j = 0; j < m; j++) {
        const k = pos[j]!;
        out[j * stride + c] = value(e.view(k), e.ctx, e.pairAt(k));
        e.keep(k);
      }
    }, note);
  const memo = new NoteMemo();
  switch (s.type) {
    case 'products': {
      /** "sells x of y wanted products" by y, then x. */
      const texts: string[][] = [];
      return fast(
        (e, pos, m, out, stride, c) => {
          const wanted = e.lead.products.length;
          if (wanted === 0) {
            for (let j = 0; j < m; j++) out[j * stride + c] = 0;
            return;
          }
          const q = e.products();
          const bits = e.table.products;
          for (let j = 0; j < m; j++) out[j * stride + c] = bits.count(e.idx[pos[j]!]!, q) / wanted;
        },
        (p, ctx) => {
          const wanted = ctx.lead.products;
          if (wanted.length === 0) return 'lead names no product';
          let x = 0;
          for (const w of wanted) if (p.products.has(w)) x++;
          const row = (texts[wanted.length] ??= []);
          return (row[x] ??= `sells ${x} of ${wanted.length} wanted products`);
        },
      );
    }
    case 'level':
      return fast(
        (e, pos, m, out, stride, c) => {
          const levelValue = e.table.levelValue;
          const idx = e.idx;
          for (let j = 0; j < m; j++) out[j * stride + c] = levelValue[idx[pos[j]!]!]!;
        },
        (p) => memo.get(p, 0) ?? memo.set(p, 0, 0, `level ${p.level ?? '(none)'}`),
      );
    case 'conversionRate': {
      const fullAt = ` (full score at ${pct(s.fullAt)})`;
      const reserved = s.basis === 'reserved';
      const { prior, priorWeight } = s;
      return fast(
        (e, pos, m, out, stride, c) => {
          const fullAt = s.fullAt;
          for (let j = 0; j < m; j++) {
            const st = e.stAt(pos[j]!);
            // smoothedRate(won, basis, prior, priorWeight), spelled out
            const den = (reserved ? st.reserved : st.won + st.lost) + priorWeight;
            out[j * stride + c] = (den > 0 ? (st.won + prior * priorWeight) / den : prior) / fullAt;
          }
        },
        (p, _ctx, pair) => {
          const st = pair.st;
          const basis = reserved ? st.reserved : st.won + st.lost;
          return memo.get(p, st.won, basis) ?? memo.set(p, st.won, basis, `${st.won} won of ${basis} ${s.basis}: ${pct(smoothedRate(st.won, basis, prior, priorWeight))} smoothed${fullAt}`);
        },
      );
    }
    case 'responsiveness': {
      const { ifUnknown, slowMinutes, fastMinutes } = s;
      return fast(
        (e, pos, m, out, stride, c) => {
          for (let j = 0; j < m; j++) {
            const min = e.stAt(pos[j]!).medianMinutesToReserve;
            out[j * stride + c] = min === null || !Number.isFinite(min) ? ifUnknown : (slowMinutes - min) / (slowMinutes - fastMinutes);
          }
        },
        (p, _ctx, pair) => {
          const min = pair.st.medianMinutesToReserve;
          if (min === null) return 'never reserved: neutral value';
          const r = Math.round(min);
          return memo.get(p, r) ?? memo.set(p, r, 0, `median ${r} min to reserve`);
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
      /** Notes by whole km: they depend on nothing else, and a partner's distance changes from lead to lead. */
      const byKm: string[] = [];
      return fast(
        (e, pos, m, out, stride, c) => {
          const maxKm = s.maxKm;
          const dists = e.dist;
          for (let j = 0; j < m; j++) {
            const k = pos[j]!;
            let d = dists[k]!;
            if (d === DIST_UNKNOWN) d = e.distAt(k) ?? NaN;
            out[j * stride + c] = Number.isNaN(d) ? values[fallback(e.view(k), e.ctx)]! : 1 - d / maxKm;
          }
        },
        (p, ctx, pair) => {
          const dist = pair.dist;
          if (dist === null) return notes[fallback(p, ctx)]!;
          const km = Math.round(dist);
          if (!(km >= 0 && km < 40_000)) return `${km} km (0 at ${s.maxKm} km)`;
          while (byKm.length <= km) byKm.push('');
          const text = byKm[km]!;
          return text !== '' ? text : (byKm[km] = `${km} km (0 at ${s.maxKm} km)`);
        },
      );
    }
    case 'certifications': {
      const wanted = perLead((lead) => wantedCertifications(s.preferred, s.byProduct, lead));
      /** "holds x of y wanted certifications" by y, then x. */
      const texts: string[][] = [];
      return fast(
        (e, pos, m, out, stride, c) => {
          const w = wanted(e.lead);
          if (w.length === 0) {
            const certCount = e.table.certCount;
            const idx = e.idx;
            const fullAt = s.fullAt;
            for (let j = 0; j < m; j++) out[j * stride + c] = certCount[idx[pos[j]!]!]! / fullAt;
            return;
          }
          const bits = e.table.certifications;
          const q = bits.query(w);
          for (let j = 0; j < m; j++) out[j * stride + c] = bits.count(e.idx[pos[j]!]!, q) / w.length;
        },
        (p, ctx) => {
          const w = wanted(ctx.lead);
          if (w.length === 0) return memo.get(p, 0) ?? memo.set(p, 0, 0, `${p.certifications.size} certifications (full at ${s.fullAt})`);
          let x = 0;
          for (const c of w) if (p.certifications.has(c)) x++;
          const row = (texts[w.length] ??= []);
          return (row[x] ??= `holds ${x} of ${w.length} wanted certifications`);
        },
      );
    }
    case 'load': {
      const halfAt = s.halfAt;
      return fast(
        (e, pos, m, out, stride, c) => {
          const capacities = e.table.capacity;
          const idx = e.idx;
          for (let j = 0; j < m; j++) {
            const k = pos[j]!;
            const open = e.stAt(k).open;
            const capacity = capacities[idx[k]!]!;
            out[j * stride + c] = Number.isNaN(capacity) ? halfAt / (halfAt + Math.max(0, open)) : capacity === 0 ? 0 : 1 - open / capacity;
          }
        },
        (p, _ctx, pair) => {
          const open = pair.st.open;
          return memo.get(p, open) ?? memo.set(p, open, 0, `${open} open leads${p.capacity === null ? ', no capacity set' : ` of capacity ${p.capacity}`}`);
        },
      );
    }
    case 'recentOffers': {
      const halfAt = s.halfAt;
      return fast(
        (e, pos, m, out, stride, c) => {
          for (let j = 0; j < m; j++) out[j * stride + c] = halfAt / (halfAt + Math.max(0, e.stAt(pos[j]!).recentOffers));
        },
        (p, _ctx, pair) => {
          const n = pair.st.recentOffers;
          return memo.get(p, n) ?? memo.set(p, n, 0, `${n} offers in the last ${cfg.fairness.windowDays} days`);
        },
      );
    }
    case 'feedbackGate':
      return fast(
        (e, pos, m, out, stride, c) => {
          const blocked = e.ctx.blocked;
          const anyBlocked = blocked.size > 0;
          const ids = e.table.ids;
          const idx = e.idx;
          for (let j = 0; j < m; j++) {
            const k = pos[j]!;
            out[j * stride + c] = (anyBlocked && blocked.has(ids[idx[k]!]!)) || e.stAt(k).overdue > 0 ? 0 : 1;
          }
        },
        (p, ctx, pair) => (ctx.blocked.has(p.id) || pair.st.overdue > 0 ? `${pair.st.overdue} overdue feedback` : 'no overdue feedback'),
      );
    case 'points':
      // A balance of fullAt points or more scores 1; zero or a negative balance scores 0.
      return make(
        (_p, _ctx, pair) => clamp01((pair.st.points ?? 0) / s.fullAt),
        (_p, _ctx, pair) => `${pair.st.points ?? 0} points (full score at ${s.fullAt})`,
      );
    case 'attribute': {
      const a = compileAttribute(s);
      const leadPart = perLead((lead) => a.describeLead(lead.attrs[attrSlot]!));
      return fast(
        (e, pos, m, out, stride, c) => {
          const lv = e.lead.attrs[attrSlot]!;
          const q = e.attrQuery(attrSlot, a.other(lv).texts);
          const col = e.table.attrs[attrSlot]!;
          for (let j = 0; j < m; j++) {
            const i = e.idx[pos[j]!]!;
            const v = a.evaluateAt(col, i, lv, q);
            out[j * stride + c] = v === LEAD_MISSING ? s.ifLeadMissing : v === PARTNER_MISSING ? 0 : v;
          }
        },
        (p, ctx) => {
          const lv = ctx.lead.attrs[attrSlot]!;
          if (a.leadMissing(lv)) return `lead has no ${s.lead ?? 'value'}`;
          const own = memo.get(p, 0) ?? memo.set(p, 0, 0, a.describePartner(p.attrs[attrSlot]!));
          const other = leadPart(ctx.lead);
          return other === null ? own : own + other;
        },
      );
    }
  }
}
