// Store one pulled page and checkpoint its cursor in the same transaction (CONVENTIONS rule 2): a crash either
// keeps the page and its cursor or neither, so a restart re-reads exactly what it did not store.
import type { Page, PulledLead } from '../connectors/contract.ts';
import type { CrmKind, Lead } from '../domain/lead.ts';
import { withdrawLead } from '../domain/lifecycle.ts';
import type { IncomingLead, Store } from '../domain/ports.ts';
import type { ServiceContext } from './context.ts';
import { addCounts, contentHash } from './context.ts';

export interface IngestSummary {
  created: number;
  changed: number;
  unchanged: number;
  withdrawn: number;
  quarantined: number;
  converted: number;
}

export const emptyIngestSummary = (): IngestSummary => ({ created: 0, changed: 0, unchanged: 0, withdrawn: 0, quarantined: 0, converted: 0 });

export async function ingestLeadPage(
  ctx: ServiceContext,
  crm: CrmKind,
  object: string,
  page: Page<PulledLead>,
  sum: IngestSummary,
  /**
   * Near-real-time ingestion (src/sync/realtime.ts) stores re-read records without moving the pull's cursor, and
   * persists its own position (replay id, webhook inbox) in the same transaction instead.
   */
  opts: { readonly checkpoint?: boolean; readonly alsoInTransaction?: (tx: Store) => Promise<void> } = {},
): Promise<void> {
  const now = ctx.clock.now();
  // fn may run more than once (Store.transaction): it returns its counts and conversions; they are counted
  // and logged once, after the commit.
  const work = await ctx.store.transaction(async (tx) => {
    const work: PageWork = { sum: emptyIngestSummary(), converted: [] };
    const incoming: IncomingLead[] = [];
    const gone: Array<{ externalId: string; mergedInto: string | null }> = [];
    const released: string[] = [];
    for (const item of page.items) {
      if (item.kind === 'lead') {
        incoming.push({
          crm, externalId: item.externalId, data: item.data, contentHash: contentHash(item.data),
          crmStamp: item.stamp, crmConverted: item.converted, crmOpportunityId: item.opportunityId,
        });
        released.push(item.externalId);
      } else if (item.kind === 'deleted') {
        gone.push({ externalId: item.externalId, mergedInto: item.mergedInto });
      } else {
        await tx.quarantine.putRecord({ crm, object, externalId: item.externalId, reason: item.reason, payload: item.raw }, now);
        work.sum.quarantined++;
      }
    }
    if (released.length > 0) await tx.quarantine.release(crm, object, released);
    const outcomes = await tx.leads.upsertIncoming(incoming, now, () => ctx.ids.next());
    for (const o of outcomes) {
      work.sum[o.kind]++;
      if (o.kind === 'created') {
        await tx.events.append([{ leadId: o.lead.id, at: now, type: 'received', actor: 'crm', partnerId: null, data: {} }]);
      }
      if (o.kind === 'changed') await onChanged(tx, o.lead, o.previous, now, work);
      if (o.kind === 'unchanged' && o.lead.crmConverted) await onConverted(tx, o.lead, now, work);
    }
    for (const g of gone) await onDeleted(tx, crm, g.externalId, g.mergedInto, now, work.sum);
    if (opts.checkpoint !== false) await tx.cursors.set(crm, object, page.cursor, now);
    await opts.alsoInTransaction?.(tx);
    return work;
  });
  addCounts(sum, work.sum);
  for (const leadId of work.converted) ctx.logger.info('lead converted in the CRM; offers withdrawn', { leadId });
  ctx.logger.debug('lead page stored', { object, items: page.items.length, cursor: page.cursor.stamp });
}

/** What one attempt at storing a page did: its counts and the leads it withdrew because they were converted. */
interface PageWork { readonly sum: IngestSummary; readonly converted: string[] }

async function onChanged(tx: Store, lead: Lead, previous: Lead, now: Date, work: PageWork): Promise<void> {
  await tx.events.append([{ leadId: lead.id, at: now, type: 'updated', actor: 'crm', partnerId: null, data: { version: lead.version } }]);
  if (lead.crmConverted && !previous.crmConverted) {
    await onConverted(tx, lead, now, work);
    return;
  }
  // New data may fix what qualification missed: the lead is qualified again from scratch.
  if (lead.status === 'needs_qualification' || lead.status === 'returned') {
    const again = { ...lead, status: 'new' as const, version: lead.version + 1, updatedAt: now, statusChangedAt: now };
    if (!(await tx.leads.save(again))) throw new Error(`lead ${lead.id} changed concurrently during ingest`);
  }
}

/** Converted in the CRM by someone else: unreserved leads are withdrawn (sales took them over). */
async function onConverted(tx: Store, lead: Lead, now: Date, work: PageWork): Promise<void> {
  if (['reserved', 'contacted', 'meeting', 'proposal', 'won', 'lost', 'withdrawn', 'rejected'].includes(lead.status)) return;
  const r = withdrawLead(lead, now);
  if (!r.ok) return;
  const next = { ...r.value, version: lead.version + 1 };
  if (!(await tx.leads.save(next))) throw new Error(`lead ${lead.id} changed concurrently during ingest`);
  await tx.offers.closeForLead(lead.id, 'withdrawn', now);
  await tx.events.append([{ leadId: lead.id, at: now, type: 'converted', actor: 'crm', partnerId: null, data: { opportunityId: lead.crmOpportunityId } }]);
  work.sum.converted++;
  work.converted.push(lead.id);
}

async function onDeleted(
  tx: Store, crm: CrmKind, externalId: string, mergedInto: string | null, now: Date, sum: IngestSummary,
): Promise<void> {
  const lead = await tx.leads.getByExternalId(crm, externalId);
  if (lead === null || lead.status === 'withdrawn') return;
  const r = withdrawLead(lead, now);
  if (!r.ok) return; // closed already (won/lost): history stays as it is
  if (!(await tx.leads.save({ ...r.value, version: lead.version + 1 }))) throw new Error(`lead ${lead.id} changed concurrently during ingest`);
  await tx.offers.closeForLead(lead.id, 'withdrawn', now);
  await tx.events.append([{
    leadId: lead.id, at: now, type: 'withdrawn', actor: 'crm', partnerId: lead.partnerId,
    data: { reason: mergedInto === null ? 'deleted in the CRM' : 'merged in the CRM', mergedInto },
  }]);
  sum.withdrawn++;
  // The CRM record is gone: nothing to write back to it. A merge's surviving record arrives through the pull.
}

export async function ingestAll(
  ctx: ServiceContext,
  crm: CrmKind,
  object: string,
  pages: AsyncGenerator<Page<PulledLead>>,
): Promise<IngestSummary & { pages: number }> {
  const sum = emptyIngestSummary();
  let n = 0;
  for await (const page of pages) {
    await ingestLeadPage(ctx, crm, object, page, sum);
    n++;
  }
  return { ...sum, pages: n };
}
