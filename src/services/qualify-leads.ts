// Qualification stage: every lead in status `new` gets a decision from the rules (src/rules, pure) with its
// reasons; what fails goes to the qualification queue (or is rejected) and the CRM is told why. A duplicate
// of an open lead is attached to it (rejected with the reason `duplicate`, history on both leads).
import type { Lead, Qualification } from '../domain/lead.ts';
import { applyQualification } from '../domain/lifecycle.ts';
import { qualify } from '../rules/qualify.ts';
import type { Store } from '../domain/ports.ts';
import type { ServiceContext } from './context.ts';
import { addCounts } from './context.ts';
import { findOriginal, hashedKeys } from './duplicates.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface QualifySummary { qualified: number; needs_qualification: number; rejected: number }

const CHUNK = 500;

export async function qualifyNewLeads(ctx: ServiceContext, signal?: AbortSignal): Promise<QualifySummary> {
  const sum: QualifySummary = { qualified: 0, needs_qualification: 0, rejected: 0 };
  for (;;) {
    signal?.throwIfAborted();
    const batch = await ctx.store.leads.list({ status: ['new'], limit: CHUNK });
    if (batch.length === 0) return sum;
    const now = ctx.clock.now();
    // fn may run more than once (Store.transaction): it returns its counts, added once it has committed.
    const part = await ctx.store.transaction(async (tx) => {
      const counts: QualifySummary = { qualified: 0, needs_qualification: 0, rejected: 0 };
      for (const lead of batch) {
        const next = await decide(ctx, tx, lead, now);
        if (!(await tx.leads.save(next))) continue; // changed meanwhile: the next round sees it again
        counts[next.status as keyof QualifySummary]++;
        await tx.events.append([{
          leadId: lead.id, at: now, type: next.status as 'qualified' | 'needs_qualification' | 'rejected', actor: 'rules',
          partnerId: null, data: { reasons: next.qualification?.reasons ?? [], temperature: next.temperature },
        }]);
        // Qualified leads are written back once offered (same cycle); the others now.
        if (next.status !== 'qualified') await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
      }
      return counts;
    });
    addCounts(sum, part);
  }
}

async function decide(ctx: ServiceContext, tx: Store, lead: Lead, now: Date): Promise<Lead> {
  const d = qualify(lead.data, ctx.settings.qualification, now, lead.receivedAt);
  let q: Qualification = { outcome: d.outcome, reasons: d.reasons, temperature: d.temperature, decidedAt: now, decidedBy: 'rules' };
  const cfg = ctx.settings.qualification.duplicates;
  const keys = hashedKeys(lead, cfg);
  const original = d.outcome === 'rejected' ? null : await findOriginal(tx, lead, keys, cfg, now);
  if (original === null) {
    await tx.leads.indexKeys(lead.id, keys, lead.receivedAt);
  } else {
    const message = `Same ${original.kinds.join(' and ')} as lead ${original.lead.id} (CRM ${original.lead.externalId}); attached to it.`;
    q = { ...q, outcome: 'rejected', reasons: [{ rule: 'duplicate', outcome: 'rejected', message }, ...d.reasons] };
    await tx.events.append([{
      leadId: original.lead.id, at: now, type: 'updated', actor: 'rules', partnerId: original.lead.partnerId,
      data: { duplicate: lead.id, duplicateExternalId: lead.externalId, kinds: original.kinds },
    }]);
  }
  const r = applyQualification(lead, q, now);
  // `new` can always become any qualification outcome; a failure here is a bug in the state table.
  if (!r.ok) throw new Error(r.error.message);
  return { ...r.value, version: lead.version + 1 };
}
