// Reservation: first come, first served, exactly once. The lead row is saved with an optimistic version check
// inside a serialised transaction, so of any number of racing attempts exactly one moves the lead to
// `reserved`; every other attempt gets OFFER.ALREADY_TAKEN. The feedback gate refuses partners that owe
// feedback, telling them which leads need an update.
import { domainError } from '../domain/errors.ts';
import type { Lead } from '../domain/lead.ts';
import { workingStatuses } from '../domain/lead.ts';
import { reserveLead } from '../domain/lifecycle.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { ServiceContext } from './context.ts';
import { HOUR } from './context.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface ReserveRequest {
  readonly leadId: string;
  readonly partnerId: string;
  readonly userId: string | null;
  /** A channel manager's direct assignment: no offer needed, the gate does not apply. */
  readonly assignment?: { readonly by: string };
}

export async function reserve(ctx: ServiceContext, req: ReserveRequest): Promise<Result<Lead>> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const lead = await tx.leads.get(req.leadId);
    if (lead === null) return err(domainError('LEAD.NOT_FOUND', `No lead ${req.leadId}.`, { leadId: req.leadId }));
    const partner = await tx.partners.get(req.partnerId);
    if (partner === null) return err(domainError('PARTNER.NOT_FOUND', `No partner ${req.partnerId}.`, { partnerId: req.partnerId }));
    if (!partner.data.active) return err(domainError('PARTNER.INACTIVE', `Partner ${partner.data.name} is inactive.`, { partnerId: partner.id }));
    if (lead.partnerId !== null && workingStatuses.includes(lead.status)) {
      return err(domainError('OFFER.ALREADY_TAKEN', 'Another partner reserved this lead first.', { leadId: lead.id }));
    }
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
      const overdue = await tx.leads.list({ partnerId: req.partnerId, status: workingStatuses, feedbackDueBefore: now, limit: 50 });
      if (overdue.length > 0) {
        return err(domainError('FEEDBACK.OVERDUE', `Give feedback on ${overdue.length} lead(s) first; then you can reserve again.`, {
          partnerId: req.partnerId, overdueLeadIds: overdue.map((l) => l.id),
        }));
      }
    }
    const due = new Date(now.getTime() + ctx.settings.feedback.firstHours * HOUR);
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
    await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
    return ok(next);
  });
}

export async function decline(ctx: ServiceContext, leadId: string, partnerId: string, reason: string): Promise<Result<true>> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const changed = await tx.offers.decline(leadId, partnerId, reason, now);
    if (!changed) return err(domainError('OFFER.NOT_FOUND', 'There is no open offer of this lead for you.', { leadId, partnerId }));
    await tx.events.append([{ leadId, at: now, type: 'declined', actor: `partner:${partnerId}`, partnerId, data: { reason } }]);
    return ok(true as const);
  });
}
