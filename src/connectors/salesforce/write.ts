// Write-backs in as few calls as Salesforce allows: sObject Collections, ≤ 200 records per call, allOrNone false,
// every per-record result inspected. Payloads are full snapshots and opportunities are upserted by external id, so
// replaying a whole call after a 5xx/reset is safe (jsforce itself never retries PATCH/POST).
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
import type { WriteBack } from '../../domain/write-back.ts';
import { mapLeadOutbound, mapPartnerOutbound } from '../../mapping/index.ts';
import type { WriteOutcome } from '../contract.ts';
import type { Item, WriteDeps } from './collections.ts';
import { sendChunks } from './collections.ts';
import { CallGuard, callFailureOutcome, ok, recordOutcome } from './outcomes.ts';
import { sfId } from './schemas.ts';
import type { OpportunityItem } from './write-opportunity.ts';
import { writeOpportunities } from './write-opportunity.ts';

/** Coalesce duplicates within a batch (the newest snapshot wins; superseded ones share its outcome). */
function latestByKey<W extends WriteBack>(items: ReadonlyArray<Item<W>>, key: (w: W) => string): { kept: Array<Item<W>>; alias: Map<number, number> } {
  const last = new Map<string, Item<W>>();
  for (const it of items) last.set(key(it.wb), it);
  const alias = new Map<number, number>();
  for (const it of items) {
    const k = last.get(key(it.wb));
    if (k !== undefined && k.index !== it.index) alias.set(it.index, k.index);
  }
  return { kept: [...last.values()], alias };
}

const invalidId = (what: string): WriteOutcome => ({ status: 'failed', reason: { code: 'CRM.INVALID_ID', message: `${what} is not a Salesforce record id` } });

async function writeLeads(d: WriteDeps, items: ReadonlyArray<Item<Extract<WriteBack, { target: 'lead' }>>>, guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  const m = d.mappings.lead;
  const send: Array<{ index: number; externalId: string; record: { Id: string } & Record<string, unknown> }> = [];
  for (const { index, wb } of items) {
    if (!sfId.safeParse(wb.externalId).success) {
      outcomes[index] = invalidId(`Lead id of lead ${wb.leadId}`);
    } else if (d.converted.has(wb.externalId)) {
      // A converted Lead is read-only (CANNOT_UPDATE_CONVERTED_LEAD): its state lives on the opportunity now.
      outcomes[index] = { status: 'gone', code: 'CANNOT_UPDATE_CONVERTED_LEAD', message: 'The Lead is converted; its state is written to the opportunity.', convertedOpportunityId: d.converted.get(wb.externalId) ?? null };
    } else {
      const fields = mapLeadOutbound(m, wb.fields);
      if (Object.keys(fields).length === 0) outcomes[index] = ok(wb.externalId);
      else send.push({ index, externalId: wb.externalId, record: { ...fields, Id: wb.externalId } });
    }
  }
  await sendChunks({
    items: send, size: d.writeBatchSize, guard, outcomes,
    call: (chunk) => d.client.update('write-lead', m.object, chunk.map((s) => s.record), signal),
    onResult: (it, r) => {
      if (r.success) return ok(r.id ?? it.externalId);
      const outcome = recordOutcome(m, r.errors, d.converted.get(it.externalId) ?? null);
      if (outcome.status === 'gone' && outcome.code === 'CANNOT_UPDATE_CONVERTED_LEAD') d.converted.set(it.externalId, d.converted.get(it.externalId) ?? null);
      return outcome;
    },
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
}

async function writePartners(d: WriteDeps, items: ReadonlyArray<Item<Extract<WriteBack, { target: 'partner' }>>>, guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  const m = d.mappings.partner;
  const send: Array<{ index: number; externalId: string; record: { Id: string } & Record<string, unknown> }> = [];
  for (const { index, wb } of items) {
    const fields = mapPartnerOutbound(m, wb.fields);
    if (!sfId.safeParse(wb.externalId).success) outcomes[index] = invalidId(`Account id of partner ${wb.partnerId}`);
    else if (Object.keys(fields).length === 0) outcomes[index] = ok(wb.externalId);
    else send.push({ index, externalId: wb.externalId, record: { ...fields, Id: wb.externalId } });
  }
  await sendChunks({
    items: send, size: d.writeBatchSize, guard, outcomes,
    call: (chunk) => d.client.update('write-partner', m.object, chunk.map((s) => s.record), signal),
    onResult: (it, r) => (r.success ? ok(r.id ?? it.externalId) : recordOutcome(m, r.errors)),
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
}

/** Leads first: in convert mode a lead's last snapshot must land before the conversion makes it read-only. */
export async function writeBatch(d: WriteDeps, batch: readonly WriteBack[], signal: AbortSignal): Promise<WriteOutcome[]> {
  signal.throwIfAborted();
  const outcomes: WriteOutcome[] = new Array<WriteOutcome>(batch.length);
  const guard = new CallGuard(signal);
  const all = batch.map((wb, index) => ({ index, wb }));
  const leads = latestByKey(all.filter((i): i is Item<Extract<WriteBack, { target: 'lead' }>> => i.wb.target === 'lead'), (w) => w.externalId);
  const opps = latestByKey(all.filter((i): i is OpportunityItem => i.wb.target === 'opportunity'), (w) => w.externalId);
  const partners = latestByKey(all.filter((i): i is Item<Extract<WriteBack, { target: 'partner' }>> => i.wb.target === 'partner'), (w) => w.externalId);

  // Budget checks up front: once something is sent, the outcomes must be returned, not thrown away.
  if (leads.kept.length > 0) d.client.beginStage('write-lead');
  if (opps.kept.length > 0) d.client.beginStage('write-opportunity');
  if (partners.kept.length > 0) d.client.beginStage('write-partner');

  // Cancelled between targets (SIGTERM drain): report what was sent, the rest stays pending as `retry`.
  if (leads.kept.length > 0) await writeLeads(d, leads.kept, guard, outcomes, signal);
  if (opps.kept.length > 0 && !signal.aborted) await writeOpportunities(d, opps.kept, guard, outcomes, signal);
  if (partners.kept.length > 0 && !signal.aborted) await writePartners(d, partners.kept, guard, outcomes, signal);
  for (const alias of [leads.alias, opps.alias, partners.alias]) {
    for (const [from, to] of alias) {
      const o = outcomes[to];
      if (o !== undefined) outcomes[from] = o;
    }
  }
  for (const it of all) outcomes[it.index] ??= { status: 'retry', code: 'ABORTED', message: 'The write was cancelled before this record was sent.', retryAfterMs: null };
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  d.logger.info('salesforce write-backs sent', { batch: batch.length, ...counts });
  return outcomes;
}
