// Distance without the internet: coordinates from the CRM when present; otherwise an offline Geocoder (data
// shipped with the code, never a network call); otherwise matching falls back to region / country equality.
// The built-in table is deliberately small: country centroids, plus German 2-digit postcode zones (Leitregionen)
// so tests and demos have real distances. A data package (GeoNames postal codes, CC-BY) would add every
// postcode and city centroid per country behind the same interface.
import { norm } from './values.ts';

/** How precise a location is. Country centroids are too coarse for distances: callers fall back to equality. */
export type Precision = 'exact' | 'postcode' | 'city' | 'country';

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  /** Absent = exact. */
  readonly precision?: Precision;
}

export interface Geocoder {
  locate(country: string | null, postalCode: string | null, city: string | null): GeoPoint | null;
}

const EARTH_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance (haversine), km. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  return haversineKm(a.lat, a.lon, Math.cos(a.lat * RAD), b.lat, b.lon, Math.cos(b.lat * RAD));
}

/** Haversine with the cosines of both latitudes precomputed (matching caches them per partner and lead). */
export function haversineKm(lat1: number, lon1: number, cos1: number, lat2: number, lon2: number, cos2: number): number {
  const sLat = Math.sin(((lat2 - lat1) * RAD) / 2);
  const sLon = Math.sin(((lon2 - lon1) * RAD) / 2);
  const h = sLat * sLat + cos1 * cos2 * sLon * sLon;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function cosLat(p: GeoPoint): number {
  return Math.cos(p.lat * RAD);
}

/** A usable point from CRM coordinates, or null (out of range, non-numeric, or the 0/0 "null island" default). */
export function pointFrom(lat: unknown, lon: unknown): GeoPoint | null {
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180 || (lat === 0 && lon === 0)) return null;
  return { lat, lon, precision: 'exact' };
}

export function normCountry(c: unknown): string | null {
  return typeof c === 'string' && c.trim() !== '' ? c.trim().toUpperCase() : null;
}

export function normPostal(p: unknown): string | null {
  if (typeof p === 'number' && Number.isFinite(p)) return String(p);
  if (typeof p !== 'string') return null;
  const s = p.replace(/[\s-]/g, '').toUpperCase();
  return s === '' || s.length > 12 ? null : s;
}

// Approximate centroids, 0.1° is plenty for scoring within a few hundred km.
const countryCentroids: Readonly<Record<string, readonly [number, number]>> = {
  DE: [51.2, 10.4], AT: [47.6, 14.1], CH: [46.8, 8.2], FR: [46.6, 2.4], IT: [42.8, 12.6], ES: [40.2, -3.6],
  PT: [39.6, -8.0], NL: [52.2, 5.5], BE: [50.6, 4.6], LU: [49.8, 6.1], DK: [56.0, 10.0], SE: [62.0, 15.0],
  NO: [64.5, 12.0], FI: [64.5, 26.0], PL: [52.1, 19.4], CZ: [49.8, 15.5], SK: [48.7, 19.5], HU: [47.2, 19.4],
  SI: [46.1, 14.8], HR: [45.1, 15.2], RO: [45.9, 25.0], BG: [42.7, 25.5], GR: [39.1, 22.0], IE: [53.2, -8.1],
  GB: [54.0, -2.5], IS: [64.9, -18.6], EE: [58.6, 25.0], LV: [56.9, 24.9], LT: [55.3, 23.9], TR: [39.0, 35.2],
  US: [39.8, -98.6], CA: [56.1, -106.3], MX: [23.6, -102.6], BR: [-14.2, -51.9], AU: [-25.3, 133.8],
  JP: [36.2, 138.3], CN: [35.9, 104.2], IN: [22.0, 79.0], ZA: [-30.6, 22.9],
};

// German postcode zones (first two digits) → approximate centroid of the zone's main area.
const dePostcodeZones: Readonly<Record<string, readonly [number, number]>> = {
  '01': [51.05, 13.74], '02': [51.15, 14.6], '03': [51.76, 14.33], '04': [51.34, 12.37], '06': [51.48, 11.97],
  '07': [50.88, 12.08], '08': [50.6, 12.4], '09': [50.83, 12.92], '10': [52.52, 13.4], '12': [52.45, 13.45],
  '13': [52.57, 13.35], '14': [52.4, 13.06], '15': [52.35, 14.3], '16': [52.85, 13.5], '17': [53.56, 13.26],
  '18': [54.09, 12.13], '19': [53.63, 11.41], '20': [53.55, 10.0], '21': [53.3, 10.2], '22': [53.62, 10.0],
  '23': [53.87, 10.69], '24': [54.32, 10.13], '25': [54.0, 9.3], '26': [53.3, 7.9], '27': [53.2, 8.9],
  '28': [53.08, 8.8], '29': [52.8, 10.3], '30': [52.37, 9.73], '31': [52.15, 9.95], '32': [52.15, 8.8],
  '33': [51.9, 8.5], '34': [51.31, 9.48], '35': [50.6, 8.7], '36': [50.55, 9.68], '37': [51.53, 9.93],
  '38': [52.27, 10.52], '39': [52.13, 11.63], '40': [51.23, 6.78], '41': [51.19, 6.44], '42': [51.26, 7.15],
  '44': [51.51, 7.47], '45': [51.46, 7.01], '46': [51.6, 6.8], '47': [51.4, 6.65], '48': [51.96, 7.63],
  '49': [52.28, 8.05], '50': [50.94, 6.96], '51': [50.95, 7.1], '52': [50.78, 6.08], '53': [50.73, 7.1],
  '54': [49.75, 6.64], '55': [49.95, 7.9], '56': [50.36, 7.59], '57': [50.87, 8.02], '58': [51.36, 7.47],
  '59': [51.6, 8.0], '60': [50.11, 8.68], '61': [50.3, 8.7], '63': [50.0, 9.0], '64': [49.87, 8.65],
  '65': [50.08, 8.24], '66': [49.24, 6.99], '67': [49.45, 8.0], '68': [49.49, 8.47], '69': [49.4, 8.69],
  '70': [48.78, 9.18], '71': [48.75, 9.1], '72': [48.45, 9.0], '73': [48.7, 9.6], '74': [49.14, 9.22],
  '75': [48.89, 8.7], '76': [49.01, 8.4], '77': [48.47, 7.94], '78': [47.9, 8.6], '79': [47.99, 7.85],
  '80': [48.14, 11.58], '81': [48.1, 11.55], '82': [47.8, 11.2], '83': [47.86, 12.12], '84': [48.54, 12.15],
  '85': [48.6, 11.6], '86': [48.37, 10.9], '87': [47.73, 10.31], '88': [47.75, 9.6], '89': [48.4, 9.99],
  '90': [49.45, 11.08], '91': [49.5, 10.8], '92': [49.5, 12.0], '93': [49.01, 12.1], '94': [48.57, 13.43],
  '95': [50.0, 11.7], '96': [50.0, 10.9], '97': [49.79, 9.95], '98': [50.6, 10.7], '99': [50.98, 11.03],
};

/** Postcode tables by country: prefix length and zones. Add a country here (or ship a package) to geocode it. */
const postcodeTables: Readonly<Record<string, { length: number; zones: Readonly<Record<string, readonly [number, number]>> }>> = {
  DE: { length: 2, zones: dePostcodeZones },
};

/** The built-in offline geocoder: postcode zone (DE), else country centroid, else null. `city` is not used yet. */
export const builtinGeocoder: Geocoder = {
  locate(country, postalCode) {
    const cc = normCountry(country);
    if (cc === null) return null;
    const table = postcodeTables[cc];
    const pc = normPostal(postalCode);
    if (table !== undefined && pc !== null && pc.length >= table.length) {
      const z = table.zones[pc.slice(0, table.length)];
      if (z !== undefined) return { lat: z[0], lon: z[1], precision: 'postcode' };
    }
    const c = countryCentroids[cc];
    return c === undefined ? null : { lat: c[0], lon: c[1], precision: 'country' };
  },
};

/** CRM coordinates first, then the geocoder; country-level points are dropped (too coarse for a distance). */
export function locate(
  lat: unknown, lon: unknown, country: unknown, postalCode: unknown, city: unknown, geocoder: Geocoder | null,
): GeoPoint | null {
  const exact = pointFrom(lat, lon);
  if (exact !== null) return exact;
  if (geocoder === null) return null;
  const p = geocoder.locate(
    typeof country === 'string' ? country : null,
    typeof postalCode === 'string' ? postalCode : typeof postalCode === 'number' ? String(postalCode) : null,
    typeof city === 'string' ? norm(city) : null,
  );
  return p === null || p.precision === 'country' ? null : p;
}
