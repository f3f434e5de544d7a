// The opportunity plan on a reserved lead: validated (zod), stored with the lead, editable by the holding
// partner and the manufacturer's channel managers, and synced to the CRM opportunity as a readable note: every
// change enqueues the lead's snapshots, and the opportunity snapshot carries the rendered plan as description.
import { domainError } from '../domain/errors.ts';
import { workingStatuses } from '../domain/lead.ts';
import type { LeadStatus } from '../domain/lead.ts';
import { opportunityPlanSchema } from '../domain/opportunity-plan.ts';
import type { StoredPlan } from '../domain/opportunity-plan.ts';
import type { Store } from '../domain/ports.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { ServiceContext } from './context.ts';
import { enqueueLeadState } from './write-backs.ts';

/** Who edits: the holding partner (any of its users), or a user (channel manager, admin, or of the holding partner). */
export type PlanEditor = { readonly partnerId: string } | { readonly userId: string };

export interface SavePlanRequest {
  readonly leadId: string;
  readonly editor: PlanEditor;
  /** Untrusted input (a JSON file, a request body): validated here. */
  readonly plan: unknown;
}

/** A plan is worked on while the lead is held, and kept up to date when the deal is won. */
const planStatuses: readonly LeadStatus[] = [...workingStatuses, 'won'];

export async function savePlan(ctx: ServiceContext, req: SavePlanRequest): Promise<Result<StoredPlan>> {
  const parsed = opportunityPlanSchema.safeParse(req.plan);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`);
    return err(domainError('PLAN.INVALID', `The plan has ${parsed.error.issues.length} problem(s): ${problems.join('; ')}.`, {
      leadId: req.leadId, problems,
    }));
  }
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const lead = await tx.leads.get(req.leadId);
    if (lead === null) return err(domainError('LEAD.NOT_FOUND', `No lead ${req.leadId}.`, { leadId: req.leadId }));
    if (lead.partnerId === null || !planStatuses.includes(lead.status)) {
      return err(domainError('PLAN.LEAD_NOT_RESERVED', `Lead ${lead.id} is ${lead.status}; a plan needs a reserved lead.`, { leadId: lead.id, status: lead.status }));
    }
    const by = await editorName(tx, req.editor, lead.partnerId);
    if (by === null) {
      return err(domainError('PLAN.NOT_ALLOWED', 'Only the partner holding this lead and channel managers can edit its plan.', { leadId: lead.id }));
    }
    const current = await tx.plans.get(lead.id);
    const stored: StoredPlan = { leadId: lead.id, plan: parsed.data, version: (current?.version ?? 0) + 1, updatedAt: now, updatedBy: by };
    // Transactions are serialised, so the version read above is still current: a false here is a bug.
    if (!(await tx.plans.put(stored))) throw new Error(`plan of lead ${lead.id} changed inside a transaction`);
    await tx.events.append([{
      leadId: lead.id, at: now, type: 'plan_updated', actor: by, partnerId: lead.partnerId,
      data: { version: stored.version, milestones: parsed.data.milestones.length, keyPersons: parsed.data.keyPersons.length },
    }]);
    await enqueueLeadState(tx, lead, ctx.settings.opportunityStages, now);
    return ok(stored);
  });
}

async function editorName(tx: Store, editor: PlanEditor, holder: string): Promise<string | null> {
  if ('partnerId' in editor) return editor.partnerId === holder ? `partner:${holder}` : null;
  const user = await tx.users.get(editor.userId);
  if (user === null || !user.active) return null;
  const manager = user.orgId === 'manufacturer' && (user.roles.includes('channel_manager') || user.roles.includes('admin'));
  return manager || user.orgId === holder ? user.id : null;
}

export async function getPlan(ctx: ServiceContext, leadId: string): Promise<StoredPlan | null> {
  return ctx.store.plans.get(leadId);
}
