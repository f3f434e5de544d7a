// prepareMatching: build partner views, compile criteria and index partners once per run, so a match call only
// evaluates partners that could be in the lead's area: those serving its country as a whole, its postcode
// prefixes or region, or located near it. Partners outside every lookup are outside the area (counted, not
// listed, unless explainAll). The index is conservative: any partner that could pass the service area at some widening step is
// reachable through the lookup for that step (property-tested against evaluating every partner).
//
// What the lookups and the service-area check find for a lead depends only on the lead's country, region, location
// and a postcode prefix, so it is memoised per such "area" (AreaCache): leads from the same postcode zone share it.
import type { Partner, PartnerStats } from '../domain/partner.ts';
import type { MatchingConfig, WideningStep } from './config-schema.ts';
import type { CompiledFilter } from './criteria/filters.ts';
import { compileFilter } from './criteria/filters.ts';
import type { CompiledScore } from './criteria/scores.ts';
import { compileScore } from './criteria/scores.ts';
import type { AreaCheck } from './criteria/service-area.ts';
import type { PartnerTable } from './criteria/table.ts';
import { partnerTable } from './criteria/table.ts';
import type { LeadView, PartnerView } from './criteria/views.ts';
import { Pair, partnerView } from './criteria/views.ts';
import { topLevels } from './fairness.ts';
import type { GeoPoint, Geocoder } from './geo.ts';
import { builtinGeocoder } from './geo.ts';

export interface PreparedMatcher {
  readonly cfg: MatchingConfig;
  /** The partner list it was built from (match re-prepares when handed a different list or config). */
  readonly partners: readonly Partner[];
  /** Partner views sorted by partner id: index order is id order, the deterministic tie-break. */
  readonly views: readonly PartnerView[];
  readonly filters: readonly CompiledFilter[];
  readonly scores: readonly CompiledScore[];
  /** Lead paths of attribute criteria by slot (null: compares with a literal). */
  readonly leadAttrPaths: readonly (string | null)[];
  readonly geocoder: Geocoder | null;
  /** Lower-cased top levels (fairness). */
  readonly topLevels: ReadonlySet<string>;
  readonly index: AreaIndex | null;
  /** The partner fields the hot loops read, as columns (criteria/table.ts). */
  readonly table: PartnerTable;
  /** The index's findings per lead area, memoised; null when `index` is. */
  readonly areas: AreaCache | null;
}

/** Service-area lookups; null when no serviceArea filter is configured (every partner is plausible). */
export interface AreaIndex {
  readonly wholeCountry: ReadonlyMap<string, readonly number[]>;
  readonly byPrefix: ReadonlyMap<string, readonly number[]>;
  readonly byRegion: ReadonlyMap<string, readonly number[]>;
  readonly inCountry: ReadonlyMap<string, readonly number[]>;
  readonly anywhere: readonly number[];
  readonly radiusGrid: Grid;
  readonly locatedGrid: Grid;
  readonly maxRadiusKm: number;
}

const ANY = '*';

export function prepareMatching(partners: readonly Partner[], _stats: ReadonlyMap<string, PartnerStats>, cfg: MatchingConfig, geocoder: Geocoder = builtinGeocoder): PreparedMatcher {
  // Stats are not baked in: services update them during a run (offers made count as load at once), and match
  // reads them per call.
  const attrPartnerPaths: string[] = [];
  const leadAttrPaths: (string | null)[] = [];
  const slotFor = (c: { type: string; partner?: string; lead?: string | undefined }): number => {
    if (c.type !== 'attribute' || c.partner === undefined) return -1;
    attrPartnerPaths.push(c.partner);
    leadAttrPaths.push(c.lead ?? null);
    return attrPartnerPaths.length - 1;
  };
  const filters = cfg.filters.map((f) => compileFilter(f, cfg, slotFor(f)));
  const scores = cfg.scores.map((s) => compileScore(s, cfg, slotFor(s)));
  const geo = cfg.geo.offlineGeocoding ? geocoder : null;
  const sorted = [...partners].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const views = sorted.map((p, i) => partnerView(p, i, cfg.levels, attrPartnerPaths, geo));
  const area = cfg.filters.find((f) => f.type === 'serviceArea');
  const top = topLevels(cfg);
  const table = partnerTable(views, top, attrPartnerPaths.length);
  const index = area === undefined ? null : buildIndex(views, area.emptyArea);
  const check = filters.find((f) => f.kind === 'area');
  return {
    cfg, partners, views, filters, scores, leadAttrPaths, geocoder: geo, topLevels: top, index, table,
    areas: index === null || check?.kind !== 'area' ? null : new AreaCache(views, index, check.area, cfg.widening.steps),
  };
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const l = map.get(key);
  if (l === undefined) map.set(key, [i]);
  else l.push(i);
}

function buildIndex(views: readonly PartnerView[], emptyArea: 'ownCountry' | 'nowhere' | 'everywhere'): AreaIndex {
  const wholeCountry = new Map<string, number[]>();
  const byPrefix = new Map<string, number[]>();
  const byRegion = new Map<string, number[]>();
  const inCountry = new Map<string, number[]>();
  const anywhere: number[] = [];
  const radiusGrid = new Grid();
  const locatedGrid = new Grid();
  let maxRadiusKm = 0;
  for (const v of views) {
    const countries = v.territory.size > 0 ? [...v.territory] : [ANY];
    for (const c of new Set([...countries, ...(v.country !== null ? [v.country] : [])])) push(inCountry, c, v.index);
    if (v.loc !== null) locatedGrid.add(v.loc, v.index);
    if (v.radiusKm !== null && v.loc !== null) {
      radiusGrid.add(v.loc, v.index);
      maxRadiusKm = Math.max(maxRadiusKm, v.radiusKm);
    }
    if (v.declaresTerritory) {
      if (v.prefixes.length === 0 && v.regions.size === 0) for (const c of countries) push(wholeCountry, c, v.index);
      for (const c of countries) {
        for (const x of v.prefixes) push(byPrefix, `${c}|${x}`, v.index);
        for (const r of v.regions) push(byRegion, `${c}|${r}`, v.index);
      }
    } else if (v.radiusKm === null) {
      if (emptyArea === 'everywhere') anywhere.push(v.index);
      else if (emptyArea === 'ownCountry' && v.country !== null) push(wholeCountry, v.country, v.index);
    }
  }
  return { wholeCountry, byPrefix, byRegion, inCountry, anywhere, radiusGrid, locatedGrid, maxRadiusKm };
}

/** Partners worth evaluating at the declared area (stage 0). */
export function basePlausible(ix: AreaIndex, lead: LeadView, add: (i: number) => void): void {
  const countries = lead.country === null ? [ANY] : [lead.country, ANY];
  for (const c of countries) {
    ix.wholeCountry.get(c)?.forEach(add);
    if (lead.postal !== null) for (let k = 1; k <= lead.postal.length; k++) ix.byPrefix.get(`${c}|${lead.postal.slice(0, k)}`)?.forEach(add);
    if (lead.region !== null) ix.byRegion.get(`${c}|${lead.region}`)?.forEach(add);
  }
  ix.anywhere.forEach(add);
  if (lead.loc !== null && ix.maxRadiusKm > 0) ix.radiusGrid.near(lead.loc, ix.maxRadiusKm, add);
}

/** Partners worth evaluating once widening step `type` applies. */
export function stepPlausible(ix: AreaIndex, lead: LeadView, step: MatchingConfig['widening']['steps'][number], add: (i: number) => void): void {
  if (step.type === 'radius') {
    if (lead.loc !== null) ix.locatedGrid.near(lead.loc, step.km, add);
    return;
  }
  if (lead.country !== null) ix.inCountry.get(lead.country)?.forEach(add);
  ix.inCountry.get(ANY)?.forEach(add);
}

/**
 * 1° × 1° cells. A radius query visits the cells its bounding box touches (about 70 for 300 km in Europe); beyond
 * 2,000 km it visits every cell, which is still bounded by the number of located partners.
 */
export class Grid {
  private readonly cells = new Map<number, number[]>();

  private static key(latCell: number, lonCell: number): number {
    return (latCell + 90) * 400 + (((lonCell + 180) % 360) + 360) % 360;
  }

  add(p: GeoPoint, i: number): void {
    const k = Grid.key(Math.min(89, Math.floor(p.lat)), Math.floor(p.lon));
    const l = this.cells.get(k);
    if (l === undefined) this.cells.set(k, [i]);
    else l.push(i);
  }

  near(p: GeoPoint, km: number, add: (i: number) => void): void {
    if (km > 2000) {
      for (const l of this.cells.values()) l.forEach(add);
      return;
    }
    // 111.0 km per degree is below the true ~111.2, so the box errs on the large side.
    const dLat = km / 111.0 + 0.01;
    const cos = Math.cos((Math.min(89, Math.abs(p.lat) + dLat) * Math.PI) / 180);
    const dLon = Math.min(180, km / (111.0 * Math.max(cos, 0.01)) + 0.01);
    const lat0 = Math.max(-90, Math.floor(p.lat - dLat));
    const lat1 = Math.min(89, Math.floor(p.lat + dLat));
    const lon0 = Math.floor(p.lon - dLon);
    const lon1 = dLon >= 180 ? lon0 + 359 : Math.floor(p.lon + dLon);
    for (let a = lat0; a <= lat1; a++) {
      for (let o = lon0; o <= lon1; o++) this.cells.get(Grid.key(a, o))?.forEach(add);
    }
  }
}

/** Partners a round of lookups found, in the area at a finite stage; ascending view index. */
export interface AreaRound {
  readonly idx: Int32Array;
  /** First widening stage at which the partner is in the area (0 = as declared). */
  readonly stage: Int32Array;
  /** km; NaN = no distance (an end not located). */
  readonly dist: Float64Array;
}

/** One lead area: round 0 (the declared areas' lookups), then round s for widening step s, computed on demand. */
export interface AreaEntry {
  readonly rounds: AreaRound[];
}

/** Total partners held across entries before the least recently used entries are dropped (~16 bytes each). */
const AREA_CACHE_SLOTS = 1 << 21;

/**
 * basePlausible / stepPlausible and the service-area stage of every partner they find, memoised per lead area.
 * Those depend on the lead only through its country, region, location (distances, radius lookups) and its
 * postcode up to the longest prefix any partner declares or any region step compares (`keyLength`), so those
 * fields are the key. Partners outside the area at every stage are dropped: match never lists or counts them
 * without explainAll, which does not use the index. Stats, declined/offered sets and products are not part of
 * an entry: the filters and scores that read them run per call.
 */
export class AreaCache {
  private readonly entries = new Map<string, AreaEntry>();
  private readonly keyLength: number;
  private readonly seen: Uint8Array;
  private readonly noStats = new Map<string, PartnerStats>();
  private slots = 0;

  constructor(
    private readonly views: readonly PartnerView[],
    private readonly index: AreaIndex,
    private readonly area: AreaCheck,
    private readonly steps: readonly WideningStep[],
    private readonly maxSlots = AREA_CACHE_SLOTS,
  ) {
    let len = 0;
    for (const v of views) for (const x of v.prefixes) len = Math.max(len, x.length);
    for (const s of steps) if (s.type === 'region') len = Math.max(len, s.postalPrefixLength);
    this.keyLength = len;
    this.seen = new Uint8Array(views.length);
  }

  /** Entries held (tests). */
  get size(): number {
    return this.entries.size;
  }

  /** The key of a lead's area: the lead fields the lookups and the stage read, each length-prefixed. */
  key(lead: LeadView): string {
    const part = (s: string | null): string => (s === null ? '-' : `${s.length}:${s}`);
    const loc = lead.loc === null ? '-' : `${lead.loc.lat},${lead.loc.lon}`;
    return `${part(lead.country)}${part(lead.region)}${part(lead.postal === null ? null : lead.postal.slice(0, this.keyLength))}${loc}`;
  }

  /** The lead's entry, with round 0 computed. */
  entry(lead: LeadView): AreaEntry {
    const key = this.key(lead);
    let e = this.entries.get(key);
    if (e !== undefined) {
      // Most recently used last: eviction takes the first.
      this.entries.delete(key);
      this.entries.set(key, e);
      return e;
    }
    e = { rounds: [] };
    this.entries.set(key, e);
    this.round(e, lead, 0);
    return e;
  }

  /** Round s of `e` (a lead of that area): the partners the lookups for step s add, with their stages. */
  round(e: AreaEntry, lead: LeadView, s: number): AreaRound {
    const known = e.rounds[s];
    if (known !== undefined) return known;
    for (let r = e.rounds.length; r < s; r++) this.round(e, lead, r);
    // The partners the lookups up to step s find, marked once each; the round is those step s adds (round 0: the
    // base lookups'), exactly the partners match used to evaluate anew at that step.
    const seen = this.seen;
    const touched: number[] = [];
    const mark = (i: number): void => {
      if (seen[i] === 0) {
        seen[i] = 1;
        touched.push(i);
      }
    };
    basePlausible(this.index, lead, mark);
    let from = 0;
    for (let r = 1; r <= s; r++) {
      from = touched.length;
      stepPlausible(this.index, lead, this.steps[r - 1]!, mark);
    }
    for (const i of touched) seen[i] = 0;
    const found = touched.slice(from);
    found.sort((a, b) => a - b);
    const pair = new Pair(lead, this.noStats);
    const idx: number[] = [];
    const stage: number[] = [];
    const dist: number[] = [];
    for (const i of found) {
      const p = this.views[i]!;
      pair.reset(p);
      const st = this.area.stage(p, lead, pair);
      if (st === Infinity) continue;
      const d = pair.dist;
      idx.push(i);
      stage.push(st);
      dist.push(d === null ? NaN : d);
    }
    const round: AreaRound = { idx: Int32Array.from(idx), stage: Int32Array.from(stage), dist: Float64Array.from(dist) };
    e.rounds[s] = round;
    this.slots += idx.length;
    this.evict(e);
    return round;
  }

  private evict(keep: AreaEntry): void {
    for (const [key, e] of this.entries) {
      if (this.slots <= this.maxSlots) return;
      if (e === keep) continue;
      this.entries.delete(key);
      for (const r of e.rounds) this.slots -= r.idx.length;
    }
  }
}
