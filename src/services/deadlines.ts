// Deadlines from config and time: when a wave ends (working hours of the partners' calendars), when feedback is
// due (the SLA per stage), and which deadline a partner is held to once its away periods are applied.
import { effectiveDeadlineMs } from '../domain/availability.ts';
import type { AwayPeriod } from '../domain/availability.ts';
import type { WorkCalendar } from '../domain/calendar.ts';
import { addWorkingTime } from '../domain/calendar.ts';
import { feedbackDueInMs } from '../domain/feedback-sla.ts';
import type { Lead, LeadStatus } from '../domain/lead.ts';
import { workingStatuses } from '../domain/lead.ts';
import type { Partner } from '../domain/partner.ts';
import type { Store } from '../domain/ports.ts';
import type { FeedbackOwed } from '../domain/write-back.ts';
import type { ServiceSettings } from './context.ts';
import { HOUR } from './context.ts';

/** The partner's working calendar: the manufacturer's, with the partner's own entry (CRM id or id) over it. */
export function calendarFor(settings: ServiceSettings, partner: Pick<Partner, 'id' | 'externalId'> | null): WorkCalendar {
  const { partners, ...base } = settings.calendar;
  const own = partner === null ? undefined : (partners[partner.externalId] ?? partners[partner.id]);
  if (own === undefined) return base;
  return {
    timezone: own.timezone ?? base.timezone, days: own.days ?? base.days, from: own.from ?? base.from,
    to: own.to ?? base.to, holidays: own.holidays ?? base.holidays,
  };
}

/**
 * The deadline of a wave opened at `now` for these partners. `waveClock: working` counts waveHours in each
 * partner's working hours and takes the latest, so every partner of the wave gets at least waveHours of its own
 * office time (one deadline per wave keeps "the wave ended" a single event). `wall`: plain hours.
 */
export function waveDeadline(settings: ServiceSettings, now: Date, partners: readonly Pick<Partner, 'id' | 'externalId'>[]): Date {
  const ms = settings.offers.waveHours * HOUR;
  if (settings.offers.waveClock === 'wall') return new Date(now.getTime() + ms);
  const cals = partners.length === 0 ? [calendarFor(settings, null)] : partners.map((p) => calendarFor(settings, p));
  return new Date(Math.max(...cals.map((c) => addWorkingTime(now.getTime(), ms, c))));
}

/** When feedback is next due on a lead entering `stage` at `now`; null when none is owed (closed stages). */
export function feedbackDueAt(settings: ServiceSettings, stage: LeadStatus, now: Date): Date | null {
  const ms = feedbackDueInMs(stage, settings.feedback);
  return ms === null ? null : new Date(now.getTime() + ms);
}

/** The deadline the holding partner is held to: the stored one, moved by away periods it falls into. */
export function effectiveDue(dueAt: Date, away: readonly AwayPeriod[]): Date {
  return new Date(effectiveDeadlineMs(dueAt.getTime(), away));
}

/** Away periods of one partner that can move a deadline at `dueAt` (those ending after it). */
export async function awayAround(tx: Store, partnerId: string, dueAt: Date): Promise<AwayPeriod[]> {
  return tx.availability.list([partnerId], dueAt);
}

/** The feedback the holding partner owes now, as the CRM should show it; null when none is owed. */
export async function feedbackOwed(tx: Store, lead: Lead, now: Date): Promise<FeedbackOwed | null> {
  if (!workingStatuses.includes(lead.status) || lead.feedbackDueAt === null || lead.partnerId === null) return null;
  const due = effectiveDue(lead.feedbackDueAt, await awayAround(tx, lead.partnerId, lead.feedbackDueAt));
  if (now.getTime() >= due.getTime()) return { dueAt: due, state: 'overdue' };
  const reminded = await tx.notices.has(lead.id, lead.feedbackDueAt, 'reminder');
  return { dueAt: due, state: reminded ? 'reminded' : 'due' };
}
