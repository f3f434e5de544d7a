// A partner marking itself away (holiday, trade fair). While away it gets no offers (offer stage, next waves,
// re-offers), and a feedback deadline falling into the period waits until it is back (see domain/availability).
import type { AwayPeriod } from '../domain/availability.ts';
import { daysFromCivil, localToUtc } from '../domain/calendar.ts';
import { domainError } from '../domain/errors.ts';
import { workingStatuses } from '../domain/lead.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { ServiceContext } from './context.ts';
import { DAY } from './context.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface AwayRequest {
  readonly partnerId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reason: string | null;
  /** A user id, or 'partner:<id>'. */
  readonly by: string;
}

const MAX_DAYS = 366;

export async function markAway(ctx: ServiceContext, req: AwayRequest): Promise<Result<AwayPeriod>> {
  const from = req.from.getTime();
  const to = req.to.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    return err(domainError('AWAY.INVALID', 'An away period needs a start before its end (e.g. --from 2026-12-21 --to 2027-01-04).', { partnerId: req.partnerId }));
  }
  if (to - from > MAX_DAYS * DAY) return err(domainError('AWAY.INVALID', `An away period can last at most ${MAX_DAYS} days.`, { partnerId: req.partnerId }));
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    if (to <= now.getTime()) return err(domainError('AWAY.INVALID', 'That away period is over already.', { partnerId: req.partnerId }));
    const partner = await tx.partners.get(req.partnerId);
    if (partner === null) return err(domainError('PARTNER.NOT_FOUND', `No partner ${req.partnerId}.`, { partnerId: req.partnerId }));
    const period = await tx.availability.add({ partnerId: partner.id, from: req.from, to: req.to, reason: req.reason, createdAt: now, createdBy: req.by });
    // Deadlines of the leads it holds may move: the CRM shows the deadline the partner is held to.
    for (const lead of await tx.leads.list({ partnerId: partner.id, status: workingStatuses })) {
      await enqueueLeadState(tx, lead, ctx.settings.opportunityStages, now);
    }
    return ok(period);
  });
}

export async function cancelAway(ctx: ServiceContext, id: number): Promise<Result<true>> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const period = (await tx.availability.list('all', new Date(0))).find((p) => p.id === id);
    if (period === undefined || !(await tx.availability.remove(id))) {
      return err(domainError('AWAY.NOT_FOUND', `No away period ${id}; \`leadrelay away <partner>\` lists them.`, { id }));
    }
    for (const lead of await tx.leads.list({ partnerId: period.partnerId, status: workingStatuses })) {
      await enqueueLeadState(tx, lead, ctx.settings.opportunityStages, now);
    }
    return ok(true as const);
  });
}

/** Away periods of a partner that are not over yet. */
export async function listAway(ctx: ServiceContext, partnerId: string): Promise<AwayPeriod[]> {
  return ctx.store.availability.list([partnerId], ctx.clock.now());
}

/**
 * A CLI / form bound: a full ISO timestamp as given, or a local date of the calendar's time zone. A date as
 * the end is inclusive ("away to 2027-01-04" = back on the 5th at midnight). Null when it is neither.
 */
export function awayBound(text: string, timezone: string, end: boolean): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m !== null) {
    const day = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
    return new Date(localToUtc(end ? day + 1 : day, 0, timezone));
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text.trim())) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}
