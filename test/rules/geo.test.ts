import { describe, expect, it } from 'vitest';
import { builtinGeocoder, distanceKm, locate } from '../../src/rules/geo.ts';

describe('geo', () => {
  it('computes great-circle distances', () => {
    expect(distanceKm({ lat: 48.137, lon: 11.575 }, { lat: 53.551, lon: 9.993 })).toBeCloseTo(612, -1); // München–Hamburg
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 6);
  });

  it('geocodes German postcode zones offline, else the country centroid', () => {
    expect(builtinGeocoder.locate('de', '80331', null)).toEqual({ lat: 48.14, lon: 11.58, precision: 'postcode' });
    expect(builtinGeocoder.locate('DE', '00000', null)).toEqual({ lat: 51.2, lon: 10.4, precision: 'country' });
    expect(builtinGeocoder.locate('AT', '1010', 'Wien')).toEqual({ lat: 47.6, lon: 14.1, precision: 'country' });
    expect(builtinGeocoder.locate('XX', '1', null)).toBeNull();
    expect(builtinGeocoder.locate(null, '80331', null)).toBeNull();
  });

  it('prefers CRM coordinates, drops null island and country-level points', () => {
    expect(locate(52.5, 13.4, 'DE', '80331', null, builtinGeocoder)).toEqual({ lat: 52.5, lon: 13.4, precision: 'exact' });
    expect(locate(0, 0, 'DE', '80331', null, builtinGeocoder)).toEqual({ lat: 48.14, lon: 11.58, precision: 'postcode' });
    expect(locate(null, null, 'AT', '1010', null, builtinGeocoder)).toBeNull();
    expect(locate(null, null, 'DE', '80331', null, null)).toBeNull();
  });
});
