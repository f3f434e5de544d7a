// The marketplace sections of the config: `offers:` (waves, teaser), `feedback:` (SLA per stage, reminders,
// revocation), `calendar:` (working hours for wave deadlines) and `points:` (the ledger's rules). schema.ts
// owns the top level and imports these; config/default.yaml lists every key with these defaults.
import { z } from 'zod';
import { isValidTimeZone, minutesOfDay, weekdays } from '../domain/calendar.ts';
import { contactFields } from '../domain/lead.ts';
import { teaserFields } from '../domain/teaser.ts';

const hours = z.number().positive();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2026-12-24' });
const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'must be a local time like "08:00" (quoted)' });
const timezone = z.string().refine(isValidTimeZone, { error: 'unknown IANA time zone; use e.g. Europe/Berlin or UTC' });

const teaserField = z.enum(teaserFields, {
  error: (iss) => ((contactFields as readonly unknown[]).includes(iss.input)
    ? `${String(iss.input)} is contact data: a teaser never shows it`
    : `not a teaser field; use one of ${teaserFields.join(', ')}`),
});

export const offersSchema = z.strictObject({
  waveHours: hours.default(24).describe('How long a wave stays open (see waveClock).'),
  waves: z.number().int().min(1).default(2),
  waveClock: z.enum(['working', 'wall']).default('working')
    .describe('working: waveHours count in working hours of the calendar (per-partner calendars respected); wall: clock hours.'),
  teaser: z.strictObject({
    fields: z.array(teaserField).default(['region', 'postalArea', 'country', 'productInterest', 'temperature', 'source', 'budgetBand', 'remarksLength', 'industry', 'employees', 'timeframe']),
    postalAreaLength: z.number().int().min(1).max(10).default(2),
    budgetBands: z.array(z.number().positive()).default([10_000, 50_000, 250_000]),
  }).prefault({}),
}).prefault({});

const stageSla = z.union([z.strictObject({ hours }), z.strictObject({ days: hours })]);

export const feedbackSchema = z.strictObject({
  firstHours: hours.default(48).describe('First feedback due this many hours after reservation.'),
  updateDays: hours.default(14).describe('Then an update every this many days.'),
  stages: z.strictObject({
    reserved: stageSla.optional(), contacted: stageSla.optional(), meeting: stageSla.optional(), proposal: stageSla.optional(),
  }).default({}).describe('Per stage: { hours } or { days } until the next report is due, instead of firstHours / updateDays.'),
  reminderHours: z.number().nonnegative().default(24).describe('Remind this many hours before the deadline; 0 = no reminder.'),
  graceHours: z.number().nonnegative().default(48).describe('Revoke the lead this many hours after the deadline.'),
  lostReasons: z.array(z.string().min(1)).default([]).describe('Allowed reasons for `lost`; empty = free text.'),
}).prefault({});

const calendarFields = {
  timezone: timezone.default('UTC'),
  days: z.array(z.enum(weekdays)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  from: hhmm.default('08:00'),
  to: hhmm.default('18:00'),
  holidays: z.array(isoDate).default([]),
};

const partnerCalendar = z.strictObject({
  timezone: timezone.optional(),
  days: z.array(z.enum(weekdays)).min(1).optional(),
  from: hhmm.optional(),
  to: hhmm.optional(),
  holidays: z.array(isoDate).optional(),
});

function openBeforeClose(c: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (c.from !== undefined && c.to !== undefined && minutesOfDay(c.from) >= minutesOfDay(c.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the working day must end after it starts (${c.from})` });
  }
}

export const calendarSchema = z.strictObject({
  ...calendarFields,
  partners: z.record(z.string().min(1), partnerCalendar.superRefine(openBeforeClose)).default({})
    .describe('Per partner (CRM id or leadrelay id): its own timezone, days, hours or holidays over the defaults above.'),
}).superRefine(openBeforeClose).prefault({});

export const pointsSchema = z.strictObject({
  reserve: z.strictObject({
    hot: z.number().default(1),
    warm: z.number().default(2),
    cold: z.number().default(3),
  }).prefault({}).describe('Points for reserving a lead, by temperature: more for the leads nobody wants.'),
  feedbackOnTime: z.number().default(1).describe('Feedback before its deadline, once per deadline.'),
  won: z.number().default(10),
  revoked: z.number().max(0).default(-5).describe('A revocation for missing feedback (negative).'),
  period: z.enum(['week', 'month']).default('week').describe('The leaderboard period when none is asked for.'),
}).prefault({});

export type OffersConfig = z.infer<typeof offersSchema>;
export type FeedbackConfig = z.infer<typeof feedbackSchema>;
export type CalendarConfig = z.infer<typeof calendarSchema>;
export type PointsSettings = z.infer<typeof pointsSchema>;
