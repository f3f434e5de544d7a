// Normalised views of partners (built once per prepareMatching) and of the lead (once per match call), so the
// per-pair criteria do set lookups and arithmetic only: no string normalisation in the inner loop.
import type { LeadData, Temperature } from '../../domain/lead.ts';
import type { Partner, PartnerStats } from '../../domain/partner.ts';
import type { GeoPoint, Geocoder } from '../geo.ts';
import { cosLat, haversineKm, locate, normCountry, normPostal } from '../geo.ts';
import { norm, normTexts, primitives, readPath, toNumber } from '../values.ts';

/** A value read for an attribute criterion: normalised texts for set ops, numbers for comparisons. */
export interface AttrValues {
  /** Distinct, in first-seen order. */
  readonly texts: readonly string[];
  readonly set: ReadonlySet<string>;
  readonly nums: readonly number[];
}

export function attrValues(v: unknown): AttrValues {
  const nums: number[] = [];
  for (const p of primitives(v)) {
    const n = toNumber(p);
    if (n !== null) nums.push(n);
  }
  const set = new Set(normTexts(v));
  return { texts: [...set], set, nums };
}

export interface PartnerView {
  readonly index: number;
  readonly id: string;
  readonly partner: Partner;
  readonly active: boolean;
  readonly level: string | null;
  readonly levelValue: number;
  readonly products: ReadonlySet<string>;
  readonly certifications: ReadonlySet<string>;
  readonly country: string | null;
  /** Countries served: `countries`, else the partner's own country; empty = not bound to a country. */
  readonly territory: ReadonlySet<string>;
  readonly regions: ReadonlySet<string>;
  readonly prefixes: readonly string[];
  readonly postal: string | null;
  readonly radiusKm: number | null;
  readonly loc: GeoPoint | null;
  /** cos(latitude) of loc, cached for distances. */
  readonly cosLat: number;
  /** Whether countries, regions or postcode prefixes are declared (a radius alone is not a territory). */
  readonly declaresTerritory: boolean;
  readonly capacity: number | null;
  /** Values of the partner fields named by attribute criteria, by slot. */
  readonly attrs: readonly AttrValues[];
}

const set = (v: unknown): ReadonlySet<string> => new Set(normTexts(v));

export function partnerView(p: Partner, index: number, levels: Readonly<Record<string, number>>, attrPaths: readonly string[], geocoder: Geocoder | null): PartnerView {
  const d = p.data;
  const country = normCountry(d.country);
  const countries = primitives(d.countries).map((c) => normCountry(c)).filter((c): c is string => c !== null);
  const territory = new Set(countries.length > 0 ? countries : country !== null ? [country] : []);
  const regions = set(d.regions);
  const prefixes = primitives(d.postalPrefixes).map(normPostal).filter((x): x is string => x !== null);
  const level = typeof d.level === 'string' && d.level.trim() !== '' ? d.level.trim() : null;
  const radius = typeof d.radiusKm === 'number' && d.radiusKm > 0 ? d.radiusKm : null;
  const loc = locate(d.latitude, d.longitude, d.country, d.postalCode, d.city, geocoder);
  return {
    index, id: p.id, partner: p, active: d.active !== false, level,
    levelValue: level === null ? 0 : (levels[level] ?? levels[norm(level)] ?? 0),
    products: set(d.products), certifications: set(d.certifications),
    country, territory, regions, prefixes, postal: normPostal(d.postalCode), radiusKm: radius,
    loc, cosLat: loc === null ? 1 : cosLat(loc),
    declaresTerritory: countries.length > 0 || regions.size > 0 || prefixes.length > 0,
    capacity: typeof d.capacity === 'number' && d.capacity >= 0 ? d.capacity : null,
    attrs: attrPaths.map((path) => attrValues(readPath(d, path, 'attributes'))),
  };
}

export interface LeadView {
  readonly data: LeadData;
  readonly temperature: Temperature;
  readonly country: string | null;
  readonly region: string | null;
  readonly postal: string | null;
  /** Distinct normalised product interests, in the lead's order. */
  readonly products: readonly string[];
  readonly loc: GeoPoint | null;
  readonly cosLat: number;
  /** Values of the lead fields named by attribute criteria (`lead:`), by slot; literals are resolved at compile. */
  readonly attrs: readonly AttrValues[];
  /** Rendered once per lead for exclusion messages. */
  readonly productsText: string;
  readonly placeText: string;
}

const noValues: AttrValues = { texts: [], set: new Set(), nums: [] };

export function leadView(data: LeadData, temperature: Temperature, attrPaths: readonly (string | null)[], geocoder: Geocoder | null): LeadView {
  const region = typeof data.region === 'string' && data.region.trim() !== '' ? norm(data.region) : null;
  const country = normCountry(data.country);
  const postal = normPostal(data.postalCode);
  const loc = locate(data.latitude, data.longitude, data.country, data.postalCode, data.city, geocoder);
  const products = [...new Set(normTexts(data.productInterest))];
  // Read only for service-area exclusions, which are listed with explainAll: rendered on first use.
  let placeText: string | null = null;
  return {
    data, temperature, region, country, postal, products, loc, cosLat: loc === null ? 1 : cosLat(loc),
    attrs: attrPaths.map((path) => (path === null ? noValues : attrValues(readPath(data, path, 'custom')))),
    productsText: products.length <= 5 ? products.join(', ') : `${products.slice(0, 5).join(', ')} +${products.length - 5}`,
    get placeText(): string {
      if (placeText === null) {
        const place = [country ?? 'unknown country', postal, region].filter((x): x is string => x !== null).join(' ');
        placeText = loc === null ? `${place} (not located)` : place;
      }
      return placeText;
    },
  };
}

/** Everything a criterion may look at for one (lead, partner) pair besides the two views. */
export interface MatchContext {
  readonly lead: LeadView;
  readonly stats: ReadonlyMap<string, PartnerStats>;
  readonly declined: ReadonlySet<string>;
  readonly alreadyOffered: ReadonlySet<string>;
  readonly blocked: ReadonlySet<string>;
  readonly now: Date;
}

/** A partner's stats as criteria read them. */
export type PairStats = Omit<PartnerStats, 'partnerId'>;

/**
 * Per (lead, partner) facts shared by every criterion, computed on first use: most partners near a lead fail the
 * service area before anyone needs their distance or stats. One instance is reset per partner (no allocation
 * per pair on the hot path).
 */
export class Pair {
  private partner: PartnerView | null = null;
  private d: number | null | undefined;
  private s: PairStats | undefined;

  constructor(private readonly lead: LeadView, private readonly stats: ReadonlyMap<string, PartnerStats>) {}

  /** Point at partner `p`; pass facts already computed for it (ranking reuses the filters' work). */
  reset(p: PartnerView, dist?: number | null, st?: PairStats): this {
    this.partner = p;
    this.d = dist;
    this.s = st;
    return this;
  }

  /** Facts computed so far, for a later reset (undefined = not computed). */
  get computedDist(): number | null | undefined {
    return this.d;
  }

  get computedStats(): PairStats | undefined {
    return this.s;
  }

  /** km, when both ends are located finer than a country. */
  get dist(): number | null {
    if (this.d === undefined) {
      const p = this.partner;
      const a = p?.loc ?? null;
      const b = this.lead.loc;
      this.d = a !== null && b !== null && p !== null ? haversineKm(a.lat, a.lon, p.cosLat, b.lat, b.lon, this.lead.cosLat) : null;
    }
    return this.d;
  }

  get st(): PairStats {
    if (this.s === undefined) this.s = (this.partner === null ? undefined : this.stats.get(this.partner.id)) ?? zeroStats;
    return this.s;
  }
}

export const zeroStats: PairStats = {
  offered: 0, reserved: 0, won: 0, lost: 0, declined: 0, open: 0, recentOffers: 0, medianMinutesToReserve: null, overdue: 0,
};
