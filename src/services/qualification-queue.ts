// The qualification queue: leads that need human work (missing data, doubtful temperature) before any partner
// sees them. An agency qualifier fills gaps, sets the temperature, adds remarks for partners, and decides:
// qualified (then offered in the next cycle), rejected, or "let the rules decide again" on the completed data.
import { domainError } from '../domain/errors.ts';
import type { Lead, LeadData, Qualification, Reason, Temperature } from '../domain/lead.ts';
import { leadDataSchema } from '../domain/lead.ts';
import { applyQualification } from '../domain/lifecycle.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import { qualify } from '../rules/qualify.ts';
import type { ServiceContext } from './context.ts';
import { enqueueLeadState } from './write-backs.ts';

export type QualifierDecision = 'qualified' | 'rejected' | 'rules';

export interface QualifierInput {
  readonly leadId: string;
  /** The qualifier (user id or name): recorded as the decision's author. */
  readonly by: string;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly temperature?: Temperature;
  readonly remarks?: string;
  readonly decision: QualifierDecision;
  /** Why, for `rejected` (shown in the CRM and the history). */
  readonly reason?: string;
}

const queueStatuses = new Set(['needs_qualification', 'returned', 'new', 'rejected']);
const patchSchema = leadDataSchema.partial().strict();

function invalid(message: string, leadId: string): Result<Lead> {
  return err(domainError('FEEDBACK.INVALID', message, { leadId }));
}

export function applyPatch(data: LeadData, set: Readonly<Record<string, unknown>>): { ok: true; data: LeadData; fields: string[] } | { ok: false; message: string } {
  const custom: Record<string, unknown> = {};
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(set)) {
    if (k.startsWith('custom.')) custom[k.slice('custom.'.length)] = v;
    else plain[k] = v;
  }
  const parsed = patchSchema.safeParse(plain);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'field'}: ${i.message}`).join('; ') };
  // zod 4's partial() still fills defaults for absent keys: keep only what the qualifier set.
  const given = parsed.data;
  const patch = Object.fromEntries(Object.keys(plain).map((k) => [k, given[k as keyof typeof given]]));
  const next = leadDataSchema.safeParse({ ...data, ...patch, custom: { ...data.custom, ...custom } });
  if (!next.success) return { ok: false, message: next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, data: next.data, fields: Object.keys(set) };
}

export async function resolveQualification(ctx: ServiceContext, input: QualifierInput): Promise<Result<Lead>> {
  if (input.decision === 'rejected' && (input.reason ?? '').trim() === '') return invalid('Say why the lead is rejected.', input.leadId);
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock.now();
    const lead = await tx.leads.get(input.leadId);
    if (lead === null) return err(domainError('LEAD.NOT_FOUND', `No lead ${input.leadId}.`, { leadId: input.leadId }));
    if (!queueStatuses.has(lead.status)) {
      return err(domainError('LEAD.INVALID_TRANSITION', `Lead ${lead.id} is ${lead.status}, not in the qualification queue.`, { leadId: lead.id, from: lead.status }));
    }
    let data = lead.data;
    let fields: string[] = [];
    if (input.set !== undefined && Object.keys(input.set).length > 0) {
      const p = applyPatch(data, input.set);
      if (!p.ok) return invalid(`Cannot set those fields: ${p.message}`, lead.id);
      data = p.data;
      fields = p.fields;
    }
    if (input.remarks !== undefined && input.remarks.trim() !== '') {
      data = { ...data, remarks: [data.remarks, `Qualifier: ${input.remarks.trim()}`].filter((x) => x !== null && x !== '').join('\n') };
    }
    const rules = qualify(data, ctx.settings.qualification, now, lead.receivedAt);
    const temperature = input.temperature ?? rules.temperature;
    const by: Reason = { rule: 'qualifier', message: `Decided by ${input.by}${input.reason ? `: ${input.reason}` : ''}.` };
    const q: Qualification = input.decision === 'rules'
      ? { outcome: rules.outcome, reasons: rules.reasons, temperature, decidedAt: now, decidedBy: input.by }
      : { outcome: input.decision, reasons: [{ ...by, outcome: input.decision }, ...rules.reasons.filter((r) => r.outcome !== 'qualified')], temperature, decidedAt: now, decidedBy: input.by };
    const r = applyQualification({ ...lead, data }, q, now);
    if (!r.ok) return r;
    const next = { ...r.value, version: lead.version + 1 };
    if (!(await tx.leads.save(next))) return err(domainError('LEAD.INVALID_TRANSITION', 'The lead changed meanwhile; reload and try again.', { leadId: lead.id }));
    await tx.events.append([{
      leadId: lead.id, at: now, type: next.status === 'qualified' ? 'qualified' : next.status === 'rejected' ? 'rejected' : 'needs_qualification',
      actor: input.by, partnerId: null, data: { decision: input.decision, fieldsSet: fields, temperature, reasons: q.reasons },
    }]);
    await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
    return ok(next);
  });
}
