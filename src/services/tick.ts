// Time-driven work, idempotent for any clock: ended waves go to the next wave or escalate, and every feedback
// deadline gets its reminder, its overdue mark and, after the grace period, its revocation. `leadrelay tick`
// and the daemon's scheduler call it; tests move the injected clock and call it again.
//
// Idempotency: waves close their offers as they move on; deadline work is recorded in the notices table once
// per (lead, deadline, kind) in the same transaction as its effects, so a second tick at the same (or any
// earlier) time finds nothing left to do, and a crash mid-tick leaves either all of one lead's work or none.
import type { AwayPeriod } from '../domain/availability.ts';
import type { Lead } from '../domain/lead.ts';
import { workingStatuses } from '../domain/lead.ts';
import { revokeLead } from '../domain/lifecycle.ts';
import type { Store } from '../domain/ports.ts';
import type { ServiceContext } from './context.ts';
import { addCounts, HOUR } from './context.ts';
import { effectiveDue } from './deadlines.ts';
import type { MatchingState, OfferSummary } from './offer-leads.ts';
import { attemptState, keepAttempt, loadMatchingState, offerNextWave } from './offer-leads.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface TickSummary {
  expiredOffers: number;
  nextWaves: number;
  escalated: number;
  /** Leads whose feedback is overdue now (away periods applied), revoked ones not counted. */
  overdue: number;
  reminders: number;
  /** Leads that became overdue in this tick (the CRM is told once). */
  newlyOverdue: number;
  revoked: number;
  /** Revoked leads offered again at once (the rest escalated: no partner left). */
  reoffered: number;
}

const CHUNK = 200;

const emptyTickSummary = (): TickSummary => ({ expiredOffers: 0, nextWaves: 0, escalated: 0, overdue: 0, reminders: 0, newlyOverdue: 0, revoked: 0, reoffered: 0 });

export async function tick(ctx: ServiceContext, signal?: AbortSignal): Promise<TickSummary> {
  const sum = emptyTickSummary();
  const now = ctx.clock.now();
  const state = lazyState(ctx);
  await endWaves(ctx, now, state, sum, signal);
  await feedbackDeadlines(ctx, now, state, sum, signal);
  return sum;
}

function lazyState(ctx: ServiceContext): () => Promise<MatchingState> {
  let state: Promise<MatchingState> | null = null;
  return () => (state ??= loadMatchingState(ctx));
}

async function endWaves(ctx: ServiceContext, now: Date, state: () => Promise<MatchingState>, sum: TickSummary, signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    const ending = await ctx.store.offers.listExpiring(now, 500);
    if (ending.length === 0) return;
    const leadIds = [...new Set(ending.map((o) => o.leadId))];
    const s = await state();
    // fn may run more than once (Store.transaction): its counts and partner load are kept after the commit.
    const done = await ctx.store.transaction(async (tx) => {
      const part = { expiredOffers: 0, escalated: 0, nextWaves: 0 };
      const run = attemptState(s);
      for (const leadId of leadIds) {
        part.expiredOffers += await tx.offers.closeForLead(leadId, 'expired', now);
        const lead = await tx.leads.get(leadId);
        if (lead === null || lead.status !== 'offered') continue;
        const before: OfferSummary = { leads: 0, offers: 0, unmatched: 0 };
        await offerNextWave(ctx, tx, run, lead, before);
        if (before.unmatched > 0) part.escalated++;
        else part.nextWaves++;
      }
      return { part, run };
    });
    addCounts(sum, done.part);
    keepAttempt(s, done.run);
  }
}

type Step = 'revoke' | 'overdue' | 'remind' | 'wait';

/** What a deadline calls for at `now`. Reminder and revocation times count from the effective deadline. */
function stepFor(ctx: ServiceContext, lead: Lead, away: readonly AwayPeriod[], now: Date): { step: Step; due: Date } {
  const due = effectiveDue(lead.feedbackDueAt!, away);
  const t = now.getTime();
  const { reminderHours, graceHours } = ctx.settings.feedback;
  if (t >= due.getTime() + graceHours * HOUR) return { step: 'revoke', due };
  if (t >= due.getTime()) return { step: 'overdue', due };
  if (reminderHours > 0 && t >= due.getTime() - reminderHours * HOUR) return { step: 'remind', due };
  return { step: 'wait', due };
}

async function feedbackDeadlines(
  ctx: ServiceContext, now: Date, state: () => Promise<MatchingState>, sum: TickSummary, signal?: AbortSignal,
): Promise<void> {
  // Every lead whose reminder time may have come; away periods only ever move deadlines later.
  const horizon = new Date(now.getTime() + ctx.settings.feedback.reminderHours * HOUR + 1);
  const leads = (await ctx.store.leads.list({ status: workingStatuses, feedbackDueBefore: horizon }))
    .filter((l) => l.feedbackDueAt !== null && l.partnerId !== null);
  if (leads.length === 0) return;
  const earliest = new Date(Math.min(...leads.map((l) => l.feedbackDueAt!.getTime())));
  const awayBy = new Map<string, AwayPeriod[]>();
  for (const p of await ctx.store.availability.list([...new Set(leads.map((l) => l.partnerId!))], earliest)) {
    awayBy.set(p.partnerId, [...(awayBy.get(p.partnerId) ?? []), p]);
  }
  const awayOf = (l: Lead): AwayPeriod[] => awayBy.get(l.partnerId!) ?? [];
  // The matcher is loaded (outside any transaction) only when something is to be re-offered.
  const revoking = leads.some((l) => stepFor(ctx, l, awayOf(l), now).step === 'revoke');
  const s = revoking ? await state() : null;
  for (let i = 0; i < leads.length; i += CHUNK) {
    signal?.throwIfAborted();
    const chunk = leads.slice(i, i + CHUNK);
    // fn may run more than once (Store.transaction): its counts and partner load are kept after the commit.
    const done = await ctx.store.transaction(async (tx) => {
      const part = emptyTickSummary();
      const run = s === null ? null : attemptState(s);
      for (const listed of chunk) {
        // Re-read inside the transaction: feedback or a reservation may have landed since the list.
        const lead = await tx.leads.get(listed.id);
        if (lead === null || lead.feedbackDueAt === null || lead.partnerId === null || !workingStatuses.includes(lead.status)) continue;
        const { step, due } = stepFor(ctx, lead, awayOf(lead), now);
        if (step === 'overdue' || step === 'revoke') part.overdue++;
        if (step === 'remind') await remind(ctx, tx, lead, due, now, part);
        else if (step === 'overdue') await markOverdue(ctx, tx, lead, now, part);
        else if (step === 'revoke' && run !== null) {
          await revoke(ctx, tx, run, lead, due, now, part);
          part.overdue--;
        }
      }
      return { part, run };
    });
    addCounts(sum, done.part);
    if (s !== null && done.run !== null) keepAttempt(s, done.run);
  }
}

async function remind(ctx: ServiceContext, tx: Store, lead: Lead, due: Date, now: Date, sum: TickSummary): Promise<void> {
  const dueAt = lead.feedbackDueAt!;
  if (!(await tx.notices.record({ leadId: lead.id, partnerId: lead.partnerId!, dueAt, kind: 'reminder', at: now }))) return;
  sum.reminders++;
  await tx.events.append([{
    leadId: lead.id, at: now, type: 'reminder', actor: 'system', partnerId: lead.partnerId,
    data: { dueAt: due.toISOString(), hoursLeft: Math.round(((due.getTime() - now.getTime()) / HOUR) * 10) / 10 },
  }]);
  await enqueueLeadState(tx, lead, ctx.settings.opportunityStages, now);
}

async function markOverdue(ctx: ServiceContext, tx: Store, lead: Lead, now: Date, sum: TickSummary): Promise<void> {
  if (!(await tx.notices.record({ leadId: lead.id, partnerId: lead.partnerId!, dueAt: lead.feedbackDueAt!, kind: 'overdue', at: now }))) return;
  sum.newlyOverdue++;
  await enqueueLeadState(tx, lead, ctx.settings.opportunityStages, now);
}

/**
 * Revocation: the lead goes back to `qualified` (domain revokeLead), the partner is penalised, and the lead is
 * offered again at once as a new round of waves that never includes the revoked partner.
 */
async function revoke(ctx: ServiceContext, tx: Store, s: MatchingState, lead: Lead, due: Date, now: Date, sum: TickSummary): Promise<void> {
  const partnerId = lead.partnerId!;
  const dueAt = lead.feedbackDueAt!;
  const r = revokeLead(lead, now);
  if (!r.ok) return;
  const next = { ...r.value, version: lead.version + 1 };
  if (!(await tx.leads.save(next))) return;
  await tx.notices.record({ leadId: lead.id, partnerId, dueAt, kind: 'revoked', at: now });
  const penalty = ctx.settings.points.revoked;
  if (penalty !== 0) {
    await tx.points.add([{ partnerId, leadId: lead.id, rule: 'revoked', points: penalty, at: now, key: `revoked:${lead.id}:${dueAt.toISOString()}` }]);
  }
  await tx.events.append([{
    leadId: lead.id, at: now, type: 'revoked', actor: 'system', partnerId,
    data: { dueAt: due.toISOString(), graceHours: ctx.settings.feedback.graceHours, points: penalty, stage: lead.status },
  }]);
  await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
  sum.revoked++;
  const offered: OfferSummary = { leads: 0, offers: 0, unmatched: 0 };
  await offerNextWave(ctx, tx, s, next, offered, 'revoked');
  if (offered.unmatched > 0) sum.escalated++;
  else sum.reoffered++;
}
