// The lead state machine. Each transition is a pure function (lead, input, now) -> Result<Lead>; the caller
// persists the new lead with optimistic versioning and records the event in the same transaction.
//
//   new → qualified | needs_qualification | rejected
//   qualified → offered → reserved → (contacted → meeting → proposal) → won | lost
//   offered → expired (last wave unclaimed; a channel manager may assign or re-offer)
//   any open state → withdrawn (deleted, merged or converted in the CRM)
//   reserved … proposal → returned (not ready: back to qualification) | qualified (revoked, re-offered)
import type { FeedbackStatus } from './offer.ts';
import type { Lead, LeadStatus, Qualification } from './lead.ts';
import { terminalStatuses, workingStatuses } from './lead.ts';
import { domainError } from './errors.ts';
import type { Result } from './result.ts';
import { err, ok } from './result.ts';

const allowed: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['qualified', 'needs_qualification', 'rejected', 'withdrawn'],
  needs_qualification: ['qualified', 'needs_qualification', 'rejected', 'withdrawn'],
  returned: ['qualified', 'needs_qualification', 'rejected', 'withdrawn'],
  qualified: ['offered', 'reserved', 'expired', 'needs_qualification', 'rejected', 'withdrawn', 'qualified'],
  offered: ['offered', 'reserved', 'expired', 'withdrawn', 'needs_qualification'],
  expired: ['offered', 'reserved', 'withdrawn', 'needs_qualification'],
  reserved: ['contacted', 'meeting', 'proposal', 'won', 'lost', 'returned', 'qualified', 'withdrawn'],
  contacted: ['contacted', 'meeting', 'proposal', 'won', 'lost', 'returned', 'qualified', 'withdrawn'],
  meeting: ['meeting', 'proposal', 'won', 'lost', 'returned', 'qualified', 'withdrawn'],
  proposal: ['meeting', 'proposal', 'won', 'lost', 'returned', 'qualified', 'withdrawn'],
  won: [],
  lost: ['returned'],
  // A qualifier may revise a rejection (or confirm it with new reasons).
  rejected: ['needs_qualification', 'qualified', 'rejected'],
  withdrawn: [],
};

export function canTransition(from: LeadStatus, to: LeadStatus): boolean {
  return allowed[from].includes(to);
}

function move(lead: Lead, to: LeadStatus, now: Date, patch: Partial<Lead> = {}): Result<Lead> {
  if (!canTransition(lead.status, to)) {
    return err(domainError('LEAD.INVALID_TRANSITION', `Lead ${lead.id} is ${lead.status}; it cannot become ${to}.`, {
      leadId: lead.id, from: lead.status, to,
    }));
  }
  return ok({ ...lead, ...patch, status: to, statusChangedAt: now, updatedAt: now });
}

export function applyQualification(lead: Lead, q: Qualification, now: Date): Result<Lead> {
  return move(lead, q.outcome, now, { qualification: q, temperature: q.temperature });
}

export function markOffered(lead: Lead, wave: number, now: Date): Result<Lead> {
  return move(lead, 'offered', now, { wave });
}

export function markExpired(lead: Lead, now: Date): Result<Lead> {
  return move(lead, 'expired', now);
}

export function reserveLead(lead: Lead, partnerId: string, userId: string | null, now: Date, feedbackDueAt: Date): Result<Lead> {
  return move(lead, 'reserved', now, {
    partnerId, reservedAt: now, reservedByUserId: userId, feedbackDueAt, lastFeedbackAt: null,
  });
}

const feedbackTarget: Readonly<Record<FeedbackStatus, LeadStatus | null>> = {
  contacted: 'contacted',
  meeting: 'meeting',
  proposal: 'proposal',
  won: 'won',
  lost: 'lost',
  not_reachable: null, // recorded, the stage stays
  returned: 'returned',
};

/**
 * Apply a partner's feedback. `nextDueAt` is the next feedback deadline from the SLA config (null when the
 * lead is closed). Feedback on a lead the partner does not hold is refused by the caller before this.
 */
export function applyFeedback(lead: Lead, status: FeedbackStatus, now: Date, nextDueAt: Date | null): Result<Lead> {
  if (!workingStatuses.includes(lead.status) && !(lead.status === 'lost' && status === 'returned')) {
    return err(domainError('LEAD.INVALID_TRANSITION', `Lead ${lead.id} is ${lead.status}; feedback needs a reserved lead.`, {
      leadId: lead.id, from: lead.status, feedback: status,
    }));
  }
  const target = feedbackTarget[status] ?? lead.status;
  const closed = target === 'won' || target === 'lost' || target === 'returned';
  const patch: Partial<Lead> = { lastFeedbackAt: now, feedbackDueAt: closed ? null : nextDueAt };
  if (target === 'returned') Object.assign(patch, { partnerId: null, reservedAt: null, reservedByUserId: null });
  if (target === lead.status) return ok({ ...lead, ...patch, updatedAt: now });
  return move(lead, target, now, patch);
}

/**
 * Revocation: the partner loses the lead (overdue feedback past grace); it goes back to be offered again. The
 * wave counter starts over: the re-offer is a new round of waves (to partners not offered the lead before).
 */
export function revokeLead(lead: Lead, now: Date): Result<Lead> {
  if (!workingStatuses.includes(lead.status)) {
    return err(domainError('LEAD.INVALID_TRANSITION', `Lead ${lead.id} is ${lead.status}; only reserved leads can be revoked.`, { leadId: lead.id }));
  }
  return move(lead, 'qualified', now, { partnerId: null, reservedAt: null, reservedByUserId: null, feedbackDueAt: null, wave: 0 });
}

/** The status a feedback report moves a working lead to (the stage stays for `not_reachable`). */
export function statusAfterFeedback(current: LeadStatus, status: FeedbackStatus): LeadStatus {
  return feedbackTarget[status] ?? current;
}

export function withdrawLead(lead: Lead, now: Date): Result<Lead> {
  if (lead.status === 'withdrawn') return ok(lead);
  if (terminalStatuses.includes(lead.status)) {
    return err(domainError('LEAD.INVALID_TRANSITION', `Lead ${lead.id} is ${lead.status}; it is closed already.`, { leadId: lead.id }));
  }
  return move(lead, 'withdrawn', now, { feedbackDueAt: null });
}

export function isOpenForOffers(lead: Lead): boolean {
  return lead.status === 'qualified' || lead.status === 'offered' || lead.status === 'expired';
}
