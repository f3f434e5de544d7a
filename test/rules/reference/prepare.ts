// FROZEN REFERENCE (test oracle): the matching engine as it was before the throughput work, kept verbatim so
// test/rules/equivalence.test.ts can check that the optimised engine in src/rules returns identical results. Do not
// optimise or "fix" this copy; when matching semantics change on purpose, change both and say so in the commit.
// prepareMatching: build partner views, compile criteria and index partners once per run, so a match call only
// evaluates partners that could be in the lead's area: those serving its country as a whole, its postcode
// prefixes or region, or located near it. Partners outside every lookup are outside the area (counted, not
// listed, unless explainAll). The index is conservative: any partner that could pass the service area at some widening step is
// reachable through the lookup for that step (property-tested against evaluating every partner).
import type { Partner, PartnerStats } from '../../../src/domain/partner.ts';
import type { MatchingConfig } from '../../../src/rules/config-schema.ts';
import type { CompiledFilter } from './criteria/filters.ts';
import { compileFilter } from './criteria/filters.ts';
import type { CompiledScore } from './criteria/scores.ts';
import { compileScore } from './criteria/scores.ts';
import type { LeadView, PartnerView } from './criteria/views.ts';
import { partnerView } from './criteria/views.ts';
import { topLevels } from '../../../src/rules/fairness.ts';
import type { GeoPoint, Geocoder } from '../../../src/rules/geo.ts';
import { builtinGeocoder } from '../../../src/rules/geo.ts';

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
  return {
    cfg, partners, views, filters, scores, leadAttrPaths, geocoder: geo, topLevels: topLevels(cfg),
    index: area === undefined ? null : buildIndex(views, area.emptyArea),
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
