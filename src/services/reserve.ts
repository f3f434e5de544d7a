// Reservation: first come, first served, exactly once. The lead row is saved with an optimistic version check
// inside a serialised transaction, so of any number of racing attempts exactly one moves the lead to
// `reserved`; every other attempt gets OFFER.ALREADY_TAKEN. The feedback gate refuses partners that owe
// feedback, telling them which leads need an update. Across processes on one SQLite file the same holds:
// BEGIN IMMEDIATE takes the write lock before the lead is read, so no two processes read the same version.
import { domainError } from '../domain/errors.ts';
import type { Lead } from '../domain/lead.ts';
import { workingStatuses } from '../domain/lead.ts';
import { reserveLead } from '../domain/lifecycle.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { Store } from '../domain/ports.ts';
import type { ServiceContext } from './context.ts';
import { effectiveDue, feedbackDueAt } from './deadlines.ts';
import { loadMatchingState, offerNextWave } from './offer-leads.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface ReserveRequest {
  readonly leadId: string;
  readonly partnerId: string;
  readonly userId: string | null;
  /** A channel manager's direct assignment: no offer needed, the gate does not apply. */
  readonly assignment?: { readonly by: string };
}

export async function reserve(ctx: ServiceContext, req: ReserveRequest): Promise<Result<Lead>> {
  // Fast path for the losers of a race: a plain read (no write lock; in WAL mode it never waits for a writer
  // in another process) answers "already taken" at once. A stale read that still shows the lead free falls
  // through to the transaction, which decides on the current row.
  const peek = await ctx.store.leads.get(req.leadId);
  if (peek !== null && peek.partnerId !== null && peek.partnerId !== req.partnerId && workingStatuses.includes(peek.status)) {
    return err(domainError('OFFER.ALREADY_TAKEN', 'Another partner reserved this lead first.', { leadId: peek.id }));
  }
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const lead = await tx.leads.get(req.leadId);
    if (lead === null) return err(domainError('LEAD.NOT_FOUND', `No lead ${req.leadId}.`, { leadId: req.leadId }));
    // "Taken" first: in a race it is the answer for all but one, and it needs no further reads.
    if (lead.partnerId !== null && workingStatuses.includes(lead.status)) {
      const message = lead.partnerId === req.partnerId ? 'Your organisation holds this lead already.' : 'Another partner reserved this lead first.';
      return err(domainError('OFFER.ALREADY_TAKEN', message, { leadId: lead.id }));
    }
    const partner = await tx.partners.get(req.partnerId);
    if (partner === null) return err(domainError('PARTNER.NOT_FOUND', `No partner ${req.partnerId}.`, { partnerId: req.partnerId }));
    if (!partner.data.active) return err(domainError('PARTNER.INACTIVE', `Partner ${partner.data.name} is inactive.`, { partnerId: partner.id }));
    if (req.assignment === undefined) {
      const offers = await tx.offers.listByLead(lead.id);
      const mine = offers.find((o) => o.partnerId === req.partnerId);
      if (mine === undefined) {
        return err(domainError('OFFER.NOT_OFFERED_TO_PARTNER', 'This lead was not offered to your organisation.', { leadId: lead.id }));
      }
      if (mine.status === 'declined') return err(domainError('OFFER.DECLINED', 'You declined this lead.', { leadId: lead.id }));
      if (mine.status === 'taken' || lead.status !== 'offered') {
        return err(domainError('OFFER.ALREADY_TAKEN', 'Another partner reserved this lead first.', { leadId: lead.id }));
      }
      if (mine.status !== 'open') return err(domainError('OFFER.EXPIRED', 'This offer has ended.', { leadId: lead.id }));
      const overdue = await overdueLeads(tx, req.partnerId, now);
      if (overdue.length > 0) {
        return err(domainError('FEEDBACK.OVERDUE', `Give feedback on ${overdue.length} lead(s) first; then you can reserve again.`, {
          partnerId: req.partnerId, overdueLeadIds: overdue.map((l) => l.id),
        }));
      }
    }
    const due = feedbackDueAt(ctx.settings, 'reserved', now)!;
    const r = reserveLead(lead, req.partnerId, req.userId, now, due);
    if (!r.ok) return r;
    const next = { ...r.value, version: lead.version + 1 };
    if (!(await tx.leads.save(next))) {
      return err(domainError('OFFER.ALREADY_TAKEN', 'Another partner reserved this lead first.', { leadId: lead.id }));
    }
    await tx.offers.closeForLead(lead.id, 'taken', now, req.partnerId);
    await tx.events.append([{
      leadId: lead.id, at: now, type: req.assignment === undefined ? 'reserved' : 'assigned',
      actor: req.assignment?.by ?? req.userId ?? `partner:${req.partnerId}`, partnerId: req.partnerId, data: { feedbackDueAt: due.toISOString() },
    }]);
    // Points reward pulling leads, not being handed them: an assignment earns none.
    const points = ctx.settings.points.reserve[lead.temperature];
    if (req.assignment === undefined && points !== 0) {
      await tx.points.add([{ partnerId: req.partnerId, leadId: lead.id, rule: 'reserve', points, at: now, key: `reserve:${lead.id}:${req.partnerId}:${now.toISOString()}` }]);
    }
    await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
    return ok(next);
  });
}

/** The partner's leads whose feedback deadline has passed, its away periods applied (the feedback gate). */
export async function overdueLeads(tx: Store, partnerId: string, now: Date): Promise<Lead[]> {
  // Due at or before now (feedbackDueBefore is exclusive): the same instant tick marks a lead overdue.
  const late = await tx.leads.list({ partnerId, status: workingStatuses, feedbackDueBefore: new Date(now.getTime() + 1), limit: 200 });
  if (late.length === 0) return [];
  const earliest = new Date(Math.min(...late.map((l) => l.feedbackDueAt!.getTime())));
  const away = await tx.availability.list([partnerId], earliest);
  return late.filter((l) => effectiveDue(l.feedbackDueAt!, away).getTime() <= now.getTime()).slice(0, 50);
}

/**
 * A partner declines an offer; it is never offered that lead again. When that was the wave's last open offer
 * (everyone declined), the wave moves on at once instead of waiting for its deadline.
 */
export async function decline(ctx: ServiceContext, leadId: string, partnerId: string, reason: string): Promise<Result<true>> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const changed = await tx.offers.decline(leadId, partnerId, reason, now);
    if (!changed) return err(domainError('OFFER.NOT_FOUND', 'There is no open offer of this lead for you.', { leadId, partnerId }));
    await tx.events.append([{ leadId, at: now, type: 'declined', actor: `partner:${partnerId}`, partnerId, data: { reason } }]);
    const lead = await tx.leads.get(leadId);
    if (lead?.status === 'offered' && !(await tx.offers.listByLead(leadId)).some((o) => o.status === 'open')) {
      await offerNextWave(ctx, tx, await loadMatchingState(ctx, tx), lead, { leads: 0, offers: 0, unmatched: 0 }, 'every partner of the wave declined');
    }
    return ok(true as const);
  });
}
