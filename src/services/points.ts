// Points balances and the leaderboard by period. Periods are ISO weeks (2026-W47), months (2026-11) or years
// (2026), from local midnight in the manufacturer's calendar time zone.
import { localDayOf, localToUtc, parsePeriod, periodOfDay } from '../domain/calendar.ts';
import { domainError } from '../domain/errors.ts';
import type { PointsEntry } from '../domain/points.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { ServiceContext } from './context.ts';

export interface PeriodRange { readonly label: string; readonly from: Date; readonly to: Date }

export interface LeaderboardRow {
  readonly rank: number;
  readonly partnerId: string;
  readonly externalId: string | null;
  readonly name: string | null;
  readonly points: number;
  readonly entries: number;
}

/** The named period, or the current one of the configured kind (points.period). */
export function periodRange(ctx: ServiceContext, label?: string): Result<PeriodRange> {
  const tz = ctx.settings.calendar.timezone;
  const p = label === undefined ? periodOfDay(localDayOf(ctx.clock.now().getTime(), tz), ctx.settings.points.period) : parsePeriod(label);
  if (p === null) {
    return err(domainError('POINTS.INVALID_PERIOD', `Unknown period ${label ?? ''}: use an ISO week (2026-W47), a month (2026-11) or a year (2026).`, { period: label ?? null }));
  }
  return ok({ label: p.label, from: new Date(localToUtc(p.startDay, 0, tz)), to: new Date(localToUtc(p.endDay, 0, tz)) });
}

/** Partners by points in the period, best first; equal points share a rank. */
export async function leaderboard(ctx: ServiceContext, range: PeriodRange): Promise<LeaderboardRow[]> {
  const balances = await ctx.store.points.balances({ from: range.from, to: range.to });
  const rows: LeaderboardRow[] = [];
  for (const [i, b] of balances.entries()) {
    const partner = await ctx.store.partners.get(b.partnerId);
    const prev = rows[i - 1];
    rows.push({
      rank: prev !== undefined && prev.points === b.points ? prev.rank : i + 1, partnerId: b.partnerId,
      externalId: partner?.externalId ?? null, name: partner?.data.name ?? null, points: b.points, entries: b.entries,
    });
  }
  return rows;
}

export async function partnerPoints(ctx: ServiceContext, partnerId: string, range: PeriodRange): Promise<{ balance: number; entries: PointsEntry[] }> {
  const entries = await ctx.store.points.entries({ from: range.from, to: range.to, partnerId });
  return { balance: entries.reduce((s, e) => s + e.points, 0), entries };
}
