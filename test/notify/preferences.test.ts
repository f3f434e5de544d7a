// Notification preferences: which offers a user wants by mail, quiet hours (across midnight, in their time
// zone) and digest times.
import { describe, expect, it } from 'vitest';
import { lastDigestSlot, nextDigestSlot, notificationPrefsSchema, offerWanted, quietUntil } from '../../src/domain/notification-prefs.ts';

const prefs = (x: unknown) => notificationPrefsSchema.parse(x);
const facts = { productInterest: ['Heatpump', 'PV'], region: 'Bavaria', country: 'DE', temperature: 'warm' as const };

describe('notification preferences', () => {
  it('filters offers by products, regions (or country) and temperature; empty filters match all; off matches none', () => {
    expect(offerWanted(prefs({}), facts)).toBe(true);
    expect(offerWanted(prefs({ offers: 'off' }), facts)).toBe(false);
    expect(offerWanted(prefs({ filters: { products: ['heatpump'] } }), facts)).toBe(true);
    expect(offerWanted(prefs({ filters: { products: ['wallbox'] } }), facts)).toBe(false);
    expect(offerWanted(prefs({ filters: { regions: ['de'] } }), facts)).toBe(true);
    expect(offerWanted(prefs({ filters: { regions: ['Saxony'] } }), facts)).toBe(false);
    expect(offerWanted(prefs({ filters: { temperatures: ['hot'] } }), facts)).toBe(false);
    expect(offerWanted(prefs({ filters: { temperatures: ['hot', 'warm'] } }), facts)).toBe(true);
  });

  it('quiet hours across midnight end at the local morning time', () => {
    const p = prefs({ timezone: 'Europe/Berlin', quietHours: { from: '20:00', to: '07:00' } });
    // 22:30 Berlin (CET, UTC+1) = 21:30 UTC → quiet until 07:00 Berlin = 06:00 UTC next day.
    expect(quietUntil(p, Date.parse('2026-11-02T21:30:00Z'))).toBe(Date.parse('2026-11-03T06:00:00Z'));
    // 05:00 Berlin = 04:00 UTC → still the night that began yesterday.
    expect(quietUntil(p, Date.parse('2026-11-03T04:00:00Z'))).toBe(Date.parse('2026-11-03T06:00:00Z'));
    expect(quietUntil(p, Date.parse('2026-11-03T09:00:00Z'))).toBeNull();
    expect(quietUntil(prefs({}), Date.parse('2026-11-03T03:00:00Z'))).toBeNull();
  });

  it('finds the digest times before and after an instant in the user\'s zone', () => {
    const p = prefs({ timezone: 'America/New_York', digestTimes: ['08:00', '16:00'] });
    const at = Date.parse('2026-11-02T18:00:00Z'); // 13:00 in New York (EST, UTC-5)
    expect(lastDigestSlot(p, at)).toBe(Date.parse('2026-11-02T13:00:00Z'));
    expect(nextDigestSlot(p, at)).toBe(Date.parse('2026-11-02T21:00:00Z'));
  });

  it('rejects unknown time zones and bad times', () => {
    expect(notificationPrefsSchema.safeParse({ timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(notificationPrefsSchema.safeParse({ digestTimes: ['25:00'] }).success).toBe(false);
  });
});
