// Feedback: the price of the next lead. Each status moves the lead (domain/lifecycle), resets the feedback
// deadline, and becomes write-backs: partner status on the Lead, and the opportunity once a stage in the
// opportunity mapping is reached.
import { domainError } from '../domain/errors.ts';
import type { Lead } from '../domain/lead.ts';
import { applyFeedback, statusAfterFeedback } from '../domain/lifecycle.ts';
import type { FeedbackStatus } from '../domain/offer.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { Store } from '../domain/ports.ts';
import type { PointsEntry } from '../domain/points.ts';
import type { ServiceContext } from './context.ts';
import { awayAround, effectiveDue, feedbackDueAt } from './deadlines.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface FeedbackRequest {
  readonly leadId: string;
  readonly partnerId: string;
  readonly userId: string | null;
  readonly status: FeedbackStatus;
  readonly amount?: number | null;
  readonly closeDate?: string | null;
  readonly lostReason?: string | null;
  readonly comment?: string | null;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string, leadId: string): Result<Lead> {
  return err(domainError('FEEDBACK.INVALID', message, { leadId }));
}

export async function recordFeedback(ctx: ServiceContext, req: FeedbackRequest): Promise<Result<Lead>> {
  if (req.amount != null && (!Number.isFinite(req.amount) || req.amount < 0)) return invalid('The amount must be a positive number.', req.leadId);
  if (req.closeDate != null && !isoDate.test(req.closeDate)) return invalid('The close date must look like 2026-12-31.', req.leadId);
  if (req.status === 'lost' && (req.lostReason ?? '').trim() === '') return invalid('Say why the deal was lost.', req.leadId);
  if (req.status === 'won' && req.amount == null) return invalid('A won deal needs its amount.', req.leadId);
  const reasons = ctx.settings.feedback.lostReasons;
  if (req.status === 'lost' && reasons.length > 0 && !reasons.includes((req.lostReason ?? '').trim())) {
    return invalid(`The lost reason must be one of: ${reasons.join(', ')}.`, req.leadId);
  }
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const lead = await tx.leads.get(req.leadId);
    if (lead === null) return err(domainError('LEAD.NOT_FOUND', `No lead ${req.leadId}.`, { leadId: req.leadId }));
    if (lead.partnerId !== req.partnerId) {
      return err(domainError('FEEDBACK.NOT_RESERVED_BY_PARTNER', 'Only the partner holding this lead can give feedback on it.', { leadId: lead.id }));
    }
    // The next deadline follows the SLA of the stage the lead moves to (config feedback.stages).
    const nextDue = feedbackDueAt(ctx.settings, statusAfterFeedback(lead.status, req.status), now);
    const r = applyFeedback(lead, req.status, now, nextDue);
    if (!r.ok) return r;
    const next = { ...r.value, version: lead.version + 1 };
    if (!(await tx.leads.save(next))) return err(domainError('LEAD.INVALID_TRANSITION', 'The lead changed meanwhile; reload and try again.', { leadId: lead.id }));
    const feedbackId = ctx.ids.next();
    await tx.feedback.add({
      id: feedbackId, leadId: lead.id, partnerId: req.partnerId, userId: req.userId, status: req.status,
      amount: req.amount ?? null, closeDate: req.closeDate ?? null, lostReason: req.lostReason ?? null, comment: req.comment ?? null, at: now,
    });
    await bookFeedbackPoints(ctx, tx, lead, req, now);
    await tx.events.append([{
      leadId: lead.id, at: now, type: req.status === 'returned' ? 'returned' : 'feedback', actor: req.userId ?? `partner:${req.partnerId}`,
      // dueAt: the deadline this report answered (reports judge feedback compliance against it).
      partnerId: req.partnerId, data: { status: req.status, amount: req.amount ?? null, dueAt: lead.feedbackDueAt?.toISOString() ?? null },
    }]);
    await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
    return ok(next);
  });
}

/**
 * On-time feedback earns points once per deadline (more reports before the same deadline earn nothing more), a
 * won deal once per lead. "On time" is judged against the deadline the partner was held to (away applied).
 */
async function bookFeedbackPoints(ctx: ServiceContext, tx: Store, lead: Lead, req: FeedbackRequest, now: Date): Promise<void> {
  const rules = ctx.settings.points;
  const entries: PointsEntry[] = [];
  const due = lead.feedbackDueAt;
  if (due !== null && rules.feedbackOnTime !== 0) {
    const held = effectiveDue(due, await awayAround(tx, req.partnerId, due));
    if (now.getTime() <= held.getTime()) {
      entries.push({ partnerId: req.partnerId, leadId: lead.id, rule: 'feedback_on_time', points: rules.feedbackOnTime, at: now, key: `feedback:${lead.id}:${due.toISOString()}` });
    }
  }
  if (req.status === 'won' && rules.won !== 0) {
    entries.push({ partnerId: req.partnerId, leadId: lead.id, rule: 'won', points: rules.won, at: now, key: `won:${lead.id}` });
  }
  await tx.points.add(entries);
}
