// Write-backs in as few calls as HubSpot allows: batch update, ≤ 100 records per call, every 200/207 answer read
// per record (batch.ts, outcomes.ts). Payloads are full snapshots and deals are keyed by a unique property, so
// replaying a whole call after a 5xx or a timeout is safe.
// https://developers.hubspot.com/docs/guides/api/crm/objects/contacts#update-contacts
import type { WriteBack } from '../../domain/write-back.ts';
import type { Logger } from '../../lib/logger.ts';
import { mapLeadOutbound, mapPartnerOutbound } from '../../mapping/index.ts';
import type { LeadMapping, LoadedMappings, PartnerMapping } from '../../mapping/index.ts';
import type { WriteOutcome } from '../contract.ts';
import type { BatchItem } from './batch.ts';
import { sendBatch } from './batch.ts';
import type { HubSpotClient } from './client.ts';
import { CallGuard, callFailureOutcome, ok, recordOutcome } from './outcomes.ts';
import type { SchemaCache } from './schema-cache.ts';
import { hsId } from './schemas.ts';
import type { Stage } from './usage.ts';
import type { DealItem } from './write-deals.ts';
import { writeDeals } from './write-deals.ts';

export interface WriteDeps {
  readonly client: HubSpotClient;
  readonly mappings: LoadedMappings;
  readonly logger: Logger;
  readonly writeBatchSize: number;
  readonly cache: SchemaCache;
  readonly oauth: boolean;
}

type Item<W extends WriteBack> = { readonly index: number; readonly wb: W };

/**
 * Canonical values → HubSpot wire strings: null clears the property (""), numbers and booleans as text. A date
 * (closeDate) becomes midnight UTC, which both `date` and `datetime` properties accept.
 */
export function wireProperties(fields: Readonly<Record<string, unknown>>, dateProps: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) out[k] = '';
    else if (v instanceof Date) out[k] = v.toISOString();
    else if (typeof v === 'string') out[k] = dateProps.has(k) && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else out[k] = JSON.stringify(v);
  }
  return out;
}

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

const invalidId = (what: string): WriteOutcome => ({ status: 'failed', reason: { code: 'CRM.INVALID_ID', message: `${what} is not a HubSpot record id` } });

/** Batch update of records by id (contacts, partner companies). */
async function updateById(d: WriteDeps, stage: Stage, m: LeadMapping | PartnerMapping, send: readonly BatchItem[], guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  await sendBatch({
    items: send, size: d.writeBatchSize, guard, outcomes,
    call: (inputs) => d.client.call(stage, { method: 'POST', path: `/crm/v3/objects/${m.object}/batch/update`, body: { inputs } }, signal),
    resultKey: (r) => (typeof r.objectWriteTraceId === 'string' ? r.objectWriteTraceId : r.id),
    onResult: (_it, r) => ok(r.id),
    onError: (_it, e) => recordOutcome(m, e),
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
}

function contactItems(m: LeadMapping, items: ReadonlyArray<Item<Extract<WriteBack, { target: 'lead' }>>>, outcomes: WriteOutcome[]): BatchItem[] {
  const send: BatchItem[] = [];
  for (const { index, wb } of items) {
    const properties = wireProperties(mapLeadOutbound(m, wb.fields));
    if (!hsId.safeParse(wb.externalId).success) outcomes[index] = invalidId(`contact id of lead ${wb.leadId}`);
    else if (Object.keys(properties).length === 0) outcomes[index] = ok(wb.externalId);
    else send.push({ index, key: wb.externalId, input: { id: wb.externalId, objectWriteTraceId: wb.externalId, properties } });
  }
  return send;
}

function partnerItems(m: PartnerMapping, items: ReadonlyArray<Item<Extract<WriteBack, { target: 'partner' }>>>, outcomes: WriteOutcome[]): BatchItem[] {
  const send: BatchItem[] = [];
  for (const { index, wb } of items) {
    const properties = wireProperties(mapPartnerOutbound(m, wb.fields));
    if (!hsId.safeParse(wb.externalId).success) outcomes[index] = invalidId(`company id of partner ${wb.partnerId}`);
    else if (Object.keys(properties).length === 0) outcomes[index] = ok(wb.externalId);
    else send.push({ index, key: wb.externalId, input: { id: wb.externalId, objectWriteTraceId: wb.externalId, properties } });
  }
  return send;
}

export async function writeBatch(d: WriteDeps, batch: readonly WriteBack[], signal: AbortSignal): Promise<WriteOutcome[]> {
  signal.throwIfAborted();
  const outcomes: WriteOutcome[] = new Array<WriteOutcome>(batch.length);
  const guard = new CallGuard(signal, d.oauth);
  const all = batch.map((wb, index) => ({ index, wb }));
  const leads = latestByKey(all.filter((i): i is Item<Extract<WriteBack, { target: 'lead' }>> => i.wb.target === 'lead'), (w) => w.externalId);
  const deals = latestByKey(all.filter((i): i is DealItem => i.wb.target === 'opportunity'), (w) => w.leadId);
  const partners = latestByKey(all.filter((i): i is Item<Extract<WriteBack, { target: 'partner' }>> => i.wb.target === 'partner'), (w) => w.externalId);

  // Budget checks up front: once something is sent, the outcomes must be returned, not thrown away.
  if (leads.kept.length > 0) d.client.beginStage('write-lead');
  if (deals.kept.length > 0) d.client.beginStage('write-opportunity');
  if (partners.kept.length > 0) d.client.beginStage('write-partner');

  // Cancelled between targets (SIGTERM drain): report what was sent, the rest stays pending as `retry`.
  if (leads.kept.length > 0) await updateById(d, 'write-lead', d.mappings.lead, contactItems(d.mappings.lead, leads.kept, outcomes), guard, outcomes, signal);
  if (deals.kept.length > 0 && !signal.aborted) await writeDeals(d, deals.kept, guard, outcomes, signal);
  if (partners.kept.length > 0 && !signal.aborted) await updateById(d, 'write-partner', d.mappings.partner, partnerItems(d.mappings.partner, partners.kept, outcomes), guard, outcomes, signal);
  for (const alias of [leads.alias, deals.alias, partners.alias]) {
    for (const [from, to] of alias) {
      const o = outcomes[to];
      if (o !== undefined) outcomes[from] = o;
    }
  }
  for (const it of all) outcomes[it.index] ??= { status: 'retry', code: 'ABORTED', message: 'The write was cancelled before this record was sent.', retryAfterMs: null };
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  d.logger.info('hubspot write-backs sent', { batch: batch.length, ...counts });
  return outcomes;
}
