// Notification preferences per user (glossary: user): how new offers reach them (instant mail, a digest at
// chosen local times, or not at all), which offers (products, regions, temperature), and quiet hours in which
// no mail goes out (it waits for the end of the quiet period). Pure: the caller passes instants in.
import { z } from 'zod';
import { isValidTimeZone, localDayOf, localToUtc, minutesOfDay } from './calendar.ts';
import type { Temperature } from './lead.ts';
import { temperatures } from './lead.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time like "08:00"' });

export const offerDeliveries = ['instant', 'digest', 'off'] as const;
export type OfferDelivery = (typeof offerDeliveries)[number];

export const notificationPrefsSchema = z.strictObject({
  offers: z.enum(offerDeliveries).default('instant'),
  /** Local times a digest goes out (when it has something to say). */
  digestTimes: z.array(hhmm).min(1).max(8).default(['08:00']),
  timezone: z.string().refine(isValidTimeZone, { error: 'unknown IANA time zone, e.g. Europe/Berlin' }).default('UTC'),
  /** Empty lists match everything. Products and regions compare case-insensitively. */
  filters: z.strictObject({
    products: z.array(z.string().min(1).max(100)).max(50).default([]),
    regions: z.array(z.string().min(1).max(100)).max(50).default([]),
    temperatures: z.array(z.enum(temperatures)).default([]),
  }).prefault({}),
  /** Local quiet period, e.g. 20:00–07:00 (may cross midnight); null = none. */
  quietHours: z.strictObject({ from: hhmm, to: hhmm }).nullable().default(null),
  /** Feedback requests and reminders by mail (the block notice is always sent). */
  reminders: z.boolean().default(true),
  /** The weekly KPI report mail (issue 7); stored preferences from before it parse as true. */
  reports: z.boolean().default(true),
});
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;

export const defaultPrefs = (timezone = 'UTC'): NotificationPrefs => notificationPrefsSchema.parse({ timezone });

/** What an offer mail filter looks at: teaser-level facts only. */
export interface OfferFacts {
  readonly productInterest: readonly string[];
  readonly region: string | null;
  readonly country: string | null;
  readonly temperature: Temperature;
}

const norm = (s: string): string => s.trim().toLowerCase();

export function offerWanted(prefs: NotificationPrefs, o: OfferFacts): boolean {
  if (prefs.offers === 'off') return false;
  const f = prefs.filters;
  if (f.temperatures.length > 0 && !f.temperatures.includes(o.temperature)) return false;
  if (f.products.length > 0) {
    const wanted = new Set(f.products.map(norm));
    if (!o.productInterest.some((p) => wanted.has(norm(p)))) return false;
  }
  if (f.regions.length > 0) {
    const wanted = new Set(f.regions.map(norm));
    const here = [o.region, o.country].filter((x): x is string => x !== null).map(norm);
    if (!here.some((r) => wanted.has(r))) return false;
  }
  return true;
}

const DAY_MIN = 24 * 60;

/** When `ms` falls in the user's quiet hours: the instant they end; otherwise null. */
export function quietUntil(prefs: NotificationPrefs, ms: number): number | null {
  const q = prefs.quietHours;
  if (q === null) return null;
  const from = minutesOfDay(q.from);
  const to = minutesOfDay(q.to);
  if (from === to) return null;
  const tz = prefs.timezone;
  const day = localDayOf(ms, tz);
  // Check the quiet period starting yesterday (it may run past midnight into today) and the one starting today.
  for (const start of [day - 1, day]) {
    const begin = localToUtc(start, from, tz);
    const end = localToUtc(to > from ? start : start + 1, to, tz);
    if (ms >= begin && ms < end) return end;
  }
  return null;
}

/** The latest digest time at or before `ms` (searching back two days), as an instant. */
export function lastDigestSlot(prefs: NotificationPrefs, ms: number): number {
  const tz = prefs.timezone;
  const day = localDayOf(ms, tz);
  let best = Number.NEGATIVE_INFINITY;
  for (const d of [day - 2, day - 1, day]) {
    for (const t of prefs.digestTimes) {
      const at = localToUtc(d, minutesOfDay(t), tz);
      if (at <= ms && at > best) best = at;
    }
  }
  return best;
}

/** The first digest time strictly after `ms`, as an instant. */
export function nextDigestSlot(prefs: NotificationPrefs, ms: number): number {
  const tz = prefs.timezone;
  const day = localDayOf(ms, tz);
  let best = Number.POSITIVE_INFINITY;
  for (const d of [day, day + 1, day + 2]) {
    for (const t of prefs.digestTimes) {
      const at = localToUtc(d, minutesOfDay(t), tz);
      if (at > ms && at < best) best = at;
    }
  }
  return best === Number.POSITIVE_INFINITY ? ms + DAY_MIN * 60_000 : best;
}
