// Pure marketplace rules: working-hours arithmetic, periods, away periods, the feedback SLA, the teaser and the
// opportunity plan note. No I/O.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveDeadlineMs, isAwayAt } from '../../src/domain/availability.ts';
import type { WorkCalendar } from '../../src/domain/calendar.ts';
import { addWorkingTime, localDayOf, localToUtc, parsePeriod, periodOfDay } from '../../src/domain/calendar.ts';
import { feedbackDueInMs } from '../../src/domain/feedback-sla.ts';
import { contactFields, leadDataSchema } from '../../src/domain/lead.ts';
import { opportunityPlanSchema, renderPlan } from '../../src/domain/opportunity-plan.ts';
import { budgetBand, teaserFields, teaserOf } from '../../src/domain/teaser.ts';

const H = 3_600_000;
const ms = (iso: string): number => new Date(iso).getTime();
const iso = (t: number): string => new Date(t).toISOString();
const utc: WorkCalendar = { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', holidays: [] };

describe('working hours', () => {
  it('a wave opened Friday 17:00 with 24 working hours ends Tuesday 11:00, not over the weekend', () => {
    // 2026-11-20 is a Friday: 1 h Friday, 10 h Monday, 10 h Tuesday... 24 h = Fri 1 + Mon 10 + Tue 10 + Wed 3.
    expect(iso(addWorkingTime(ms('2026-11-20T17:00:00Z'), 24 * H, utc))).toBe('2026-11-25T11:00:00.000Z');
    expect(iso(addWorkingTime(ms('2026-11-20T17:00:00Z'), 1 * H, utc))).toBe('2026-11-20T18:00:00.000Z');
    expect(iso(addWorkingTime(ms('2026-11-20T17:00:00Z'), 2 * H, utc))).toBe('2026-11-23T09:00:00.000Z');
  });

  it('counts from the next opening when started outside working hours, and skips holidays', () => {
    expect(iso(addWorkingTime(ms('2026-11-21T12:00:00Z'), 3 * H, utc))).toBe('2026-11-23T11:00:00.000Z'); // Saturday
    expect(iso(addWorkingTime(ms('2026-11-23T06:00:00Z'), 3 * H, utc))).toBe('2026-11-23T11:00:00.000Z'); // before opening
    const xmas = { ...utc, holidays: ['2026-12-24', '2026-12-25'] };
    expect(iso(addWorkingTime(ms('2026-12-23T17:00:00Z'), 2 * H, xmas))).toBe('2026-12-28T09:00:00.000Z');
  });

  it('follows the local working day of the time zone across a DST change (Europe/Berlin)', () => {
    const berlin = { ...utc, timezone: 'Europe/Berlin' };
    // Friday 2026-10-23 17:00 CEST (15:00Z) + 2 h: 1 h Friday, then Monday 26th 08:00 CET (07:00Z) + 1 h.
    expect(iso(addWorkingTime(ms('2026-10-23T15:00:00Z'), 2 * H, berlin))).toBe('2026-10-26T08:00:00.000Z');
    expect(iso(localToUtc(localDayOf(ms('2026-07-01T12:00:00Z'), 'Europe/Berlin'), 8 * 60, 'Europe/Berlin'))).toBe('2026-07-01T06:00:00.000Z');
  });

  it('never ends before start + duration in working time, and is monotonic (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 * 24 * 400 }), fc.integer({ min: 1, max: 200 }), (startMin, hours) => {
      const start = ms('2026-01-01T00:00:00Z') + startMin * 60_000;
      const end = addWorkingTime(start, hours * H, utc);
      expect(end).toBeGreaterThanOrEqual(start + hours * H);
      expect(addWorkingTime(start, (hours + 1) * H, utc)).toBeGreaterThan(end);
    }), { numRuns: 200 });
  });
});

describe('periods', () => {
  it('parses ISO weeks, months and years and names the period of a day', () => {
    const w = parsePeriod('2026-W47')!;
    expect(iso(w.startDay * 86_400_000)).toBe('2026-11-16T00:00:00.000Z');
    expect(w.endDay - w.startDay).toBe(7);
    expect(parsePeriod('2025-W53')).toBeNull(); // 2025 has 52 ISO weeks; 2026 (starting on a Thursday) has 53
    expect(parsePeriod('2026-W53')).not.toBeNull();
    expect(parsePeriod('2026-13')).toBeNull();
    expect(parsePeriod('last week')).toBeNull();
    const day = localDayOf(ms('2026-11-22T23:30:00Z'), 'UTC'); // a Sunday
    expect(periodOfDay(day, 'week').label).toBe('2026-W47');
    expect(periodOfDay(day, 'month').label).toBe('2026-11');
    expect(periodOfDay(localDayOf(ms('2027-01-01T10:00:00Z'), 'UTC'), 'week').label).toBe('2026-W53');
  });
});

describe('away periods', () => {
  const away = [{ from: new Date('2026-12-21T00:00:00Z'), to: new Date('2027-01-04T00:00:00Z') }];
  it('stop the feedback clock: a deadline inside the period moves past its end by the time that was left', () => {
    expect(iso(effectiveDeadlineMs(ms('2026-12-22T00:00:00Z'), away))).toBe('2027-01-05T00:00:00.000Z');
    expect(iso(effectiveDeadlineMs(ms('2026-12-20T00:00:00Z'), away))).toBe('2026-12-20T00:00:00.000Z');
    expect(iso(effectiveDeadlineMs(ms('2027-01-04T00:00:00Z'), away))).toBe('2027-01-04T00:00:00.000Z');
    const twice = [...away, { from: new Date('2027-01-04T12:00:00Z'), to: new Date('2027-01-10T00:00:00Z') }];
    // 22 Dec → 5 Jan (one day was left), which falls into the second period (12 h after it began) → 10 Jan 12:00.
    expect(iso(effectiveDeadlineMs(ms('2026-12-22T00:00:00Z'), twice))).toBe('2027-01-10T12:00:00.000Z');
    expect(isAwayAt(away, ms('2026-12-24T10:00:00Z'))).toBe(true);
    expect(isAwayAt(away, ms('2027-01-04T00:00:00Z'))).toBe(false);
  });
});

describe('feedback SLA', () => {
  it('first report within firstHours, then updateDays, unless a stage says otherwise; none for closed leads', () => {
    const sla = { firstHours: 48, updateDays: 14, stages: { contacted: { days: 7 }, proposal: { hours: 500 } } };
    expect(feedbackDueInMs('reserved', sla)).toBe(48 * H);
    expect(feedbackDueInMs('contacted', sla)).toBe(7 * 24 * H);
    expect(feedbackDueInMs('meeting', sla)).toBe(14 * 24 * H);
    expect(feedbackDueInMs('proposal', sla)).toBe(500 * H);
    expect(feedbackDueInMs('won', sla)).toBeNull();
  });
});

describe('teaser', () => {
  const options = { fields: [...teaserFields], postalAreaLength: 2, budgetBands: [10_000, 50_000, 250_000] };
  it('never carries contact data, the company, the remarks or coordinates, whatever the lead holds (property)', () => {
    const text = fc.string({ minLength: 3, maxLength: 20 }).map((s) => `§${s}§`);
    fc.assert(fc.property(text, text, text, text, text, text, text, text, text, (firstName, lastName, email, phone, street, title, website, company, remarks) => {
      const lead = { data: leadDataSchema.parse({ firstName, lastName, email, phone, street, title, website, company, remarks, postalCode: '10115', budget: 42_000, latitude: 52.5, longitude: 13.4 }), temperature: 'hot' as const };
      const t = teaserOf(lead, options);
      const shown = JSON.stringify(t);
      for (const secret of [firstName, lastName, email, phone, street, title, website, company, remarks]) expect(shown).not.toContain(secret);
      for (const f of contactFields) expect(t).not.toHaveProperty(f);
      expect(t).toMatchObject({ postalArea: '10', budgetBand: '10,000–50,000', temperature: 'hot', remarksLength: remarks.trim().length });
    }), { numRuns: 100 });
  });

  it('bands budgets', () => {
    expect(budgetBand(null, [10])).toBeNull();
    expect(budgetBand(5_000, [10_000, 50_000])).toBe('< 10,000');
    expect(budgetBand(50_000, [10_000, 50_000])).toBe('≥ 50,000');
  });
});

describe('opportunity plan', () => {
  it('validates and renders a readable note with every section', () => {
    const plan = opportunityPlanSchema.parse({
      accountTeam: [{ name: 'Eva Ops', side: 'internal', role: 'channel manager' }, { name: 'Max Partner', side: 'partner', role: 'sales', email: 'max@p.test' }],
      customer: { industry: 'Hotels', size: '120 rooms' },
      opportunity: { description: 'Heat pumps for two hotels', budget: 180000, problem: 'Gas boilers at end of life', urgency: 'high', timeline: 'Q2 2027', consequencesOfWaiting: 'Boiler failure in winter' },
      milestones: [{ name: 'Site visit', date: '2026-12-03' }, { name: 'Kick-off', date: '2026-11-30', done: true }],
      keyPersons: [{ name: 'Dr. Berg', roleInDecision: 'decision_maker', attitude: 'supporter', values: 'running costs' }],
      competitors: [{ name: 'ThermoCorp', strengths: 'price', weaknesses: 'service', strategy: 'total cost of ownership' }],
    });
    const note = renderPlan(plan);
    expect(note).toContain('OPPORTUNITY PLAN');
    expect(note).toContain('Budget: 180000');
    expect(note).toContain('- 2026-11-30 Kick-off [done]\n- 2026-12-03 Site visit');
    expect(note).toContain('Dr. Berg: decision maker, supporter; values running costs');
    expect(note).toContain('our strategy: total cost of ownership');
    const bad = opportunityPlanSchema.safeParse({ milestones: [{ name: 'x', date: 'soon' }], keyPersons: [{ name: 'y', roleInDecision: 'boss' }], extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'keyPersons.0.roleInDecision', 'milestones.0.date']);
  });
});
