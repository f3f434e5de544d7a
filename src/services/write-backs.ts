// Turning lead state into write-backs. Called inside the transaction that changed the lead, so the outbox row
// commits with the change or not at all (glossary: outbox).
import type { Lead } from '../domain/lead.ts';
import type { Store } from '../domain/ports.ts';
import type { OpportunityStage, WriteBack } from '../domain/write-back.ts';
import { leadWriteBackFor, opportunityStages } from '../domain/write-back.ts';
import { renderPlan } from '../domain/opportunity-plan.ts';
import { feedbackOwed } from './deadlines.ts';

/** `now` decides the feedback state the CRM shows (due, reminded, overdue). */
export async function leadWriteBack(tx: Store, lead: Lead, now: Date): Promise<WriteBack> {
  const partner = lead.partnerId === null ? null : await tx.partners.get(lead.partnerId);
  const last = await tx.feedback.last(lead.id);
  return {
    target: 'lead',
    leadId: lead.id,
    externalId: lead.externalId,
    fields: leadWriteBackFor(
      lead,
      partner === null ? null : { externalId: partner.externalId, name: partner.data.name },
      last === null ? null : { status: last.status, at: last.at, comment: last.comment },
      await feedbackOwed(tx, lead, now),
    ),
  };
}

/**
 * The opportunity snapshot, when the lead has reached an opportunity stage (or had one before and moved on,
 * e.g. to lost): amount and close date come from the newest feedback that carried them.
 */
export async function opportunityWriteBack(
  tx: Store,
  lead: Lead,
  stagesThatCreate: readonly OpportunityStage[],
  now: Date,
): Promise<WriteBack | null> {
  const history = await tx.feedback.listByLead(lead.id);
  const reached = history.some((f) => (stagesThatCreate as readonly string[]).includes(f.status));
  if (!reached) return null;
  const stage = (opportunityStages as readonly string[]).includes(lead.status) ? (lead.status as OpportunityStage) : null;
  if (stage === null) return null;
  const withAmount = [...history].reverse().find((f) => f.amount !== null);
  const withClose = [...history].reverse().find((f) => f.closeDate !== null);
  const lost = [...history].reverse().find((f) => f.status === 'lost');
  const partner = lead.partnerId === null ? null : await tx.partners.get(lead.partnerId);
  const defaultClose = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  // The opportunity plan travels as a readable note (Opportunity.Description in the Salesforce mapping).
  const plan = await tx.plans.get(lead.id);
  const company = lead.data.company ?? lead.data.lastName ?? 'Lead';
  return {
    target: 'opportunity',
    leadId: lead.id,
    externalId: lead.externalId,
    fields: {
      leadId: lead.id,
      leadExternalId: lead.externalId,
      name: `${company} – ${lead.data.productInterest.join(', ') || 'opportunity'}`.slice(0, 120),
      stage,
      amount: withAmount?.amount ?? lead.data.budget,
      closeDate: withClose?.closeDate ?? defaultClose,
      partnerExternalId: partner?.externalId ?? null,
      lostReason: lost?.lostReason ?? null,
      description: plan === null ? null : renderPlan(plan.plan),
    },
  };
}

/** Enqueue the lead snapshot, and the opportunity one when due. */
export async function enqueueLeadState(
  tx: Store,
  lead: Lead,
  stagesThatCreate: readonly OpportunityStage[],
  now: Date,
): Promise<void> {
  const items = [await leadWriteBack(tx, lead, now)];
  const opp = await opportunityWriteBack(tx, lead, stagesThatCreate, now);
  if (opp !== null) items.push(opp);
  await tx.outbox.enqueue(items, now);
}
