// Deal write-backs, keyed by leadrelay's lead id in a unique-value property (the mapping's `externalId: true`
// rule, leadrelay_lead_id), so a replay can never create a second deal:
//   1. batch update by that property (`idProperty`): one call per 100 deals in the steady state (stage, amount and
//      close date kept in step with later feedback);
//   2. the deals it did not find are created in one batch, in the mapping's pipeline, with their associations to
//      the contact and its primary company in the same request (a deal never exists without them). Two processes
//      racing to create the same deal: the unique property refuses the second (CONFLICT → retry → step 1).
// https://developers.hubspot.com/docs/guides/api/crm/objects/deals
// https://developers.hubspot.com/docs/guides/api/crm/properties#create-unique-identifier-properties
import type { WriteBack } from '../../domain/write-back.ts';
import { mapOpportunityOutbound } from '../../mapping/index.ts';
import type { OpportunityMapping } from '../../mapping/index.ts';
import { outboundKeys } from '../../mapping/targets.ts';
import type { WriteOutcome } from '../contract.ts';
import type { BatchItem } from './batch.ts';
import { sendBatch } from './batch.ts';
import { primaryCompanies } from './companies.ts';
import type { CallGuard } from './outcomes.ts';
import { callFailureOutcome, ok, recordOutcome } from './outcomes.ts';
import type { WriteDeps } from './write.ts';
import { wireProperties } from './write.ts';

export type DealItem = { readonly index: number; readonly wb: Extract<WriteBack, { target: 'opportunity' }> };
interface Ready extends BatchItem { readonly contactId: string; readonly properties: Record<string, string> }

/** HUBSPOT_DEFINED association types: deal → contact, deal → company (Primary). */
const dealToContact = 3;
const dealToPrimaryCompany = 5;

const mappingProblem = (m: OpportunityMapping, message: string, line: number | null): WriteOutcome => ({
  status: 'failed', reason: { code: 'MAPPING.MISSING_FIELD', message, source: line === null ? m.file : `${m.file}:${line}` },
});

export async function writeDeals(d: WriteDeps, items: readonly DealItem[], guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  const m = d.mappings.opportunity;
  const ext = m.outbound.find((r) => r.externalId);
  const stageRule = m.outbound.find((r) => r.key === 'stage');
  if (ext === undefined || stageRule === undefined) {
    for (const it of items) outcomes[it.index] = mappingProblem(m, 'the deal mapping needs an externalId field (the lead id) and a stage field', null);
    return;
  }
  const resolved = await guard.send(() => d.cache.resolve(m, 'describe', signal));
  if (!resolved.ok || resolved.value === null) {
    const o = resolved.ok
      ? mappingProblem(m, `the deal pipeline '${m.pipeline ?? ''}' does not exist in HubSpot; run \`leadrelay setup hubspot\``, m.stagesLine)
      : callFailureOutcome(m, resolved.error, resolved.transient);
    for (const it of items) outcomes[it.index] = o;
    return;
  }
  const { pipeline, stageIds } = resolved.value;
  const dateProps = new Set(m.outbound.filter((r) => outboundKeys('opportunity').get(r.key)?.kind === 'date').map((r) => r.to));
  const ready: Ready[] = [];
  for (const { index, wb } of items) {
    const stageId = stageIds.get(wb.fields.stage);
    if (stageId === undefined) {
      outcomes[index] = mappingProblem(m, `stage '${wb.fields.stage}' has no deal stage in pipeline '${pipeline.label}' (mapping stages)`, m.stagesLine);
      continue;
    }
    const properties = wireProperties(mapOpportunityOutbound(m, wb.fields), dateProps);
    properties[stageRule.to] = stageId;
    properties['pipeline'] = pipeline.id;
    const key = properties[ext.to];
    if (key === undefined || key === '') {
      outcomes[index] = mappingProblem(m, `${ext.to} (the external id) has no value`, ext.line);
      continue;
    }
    ready.push({ index, key, contactId: wb.externalId, properties, input: { id: key, idProperty: ext.to, objectWriteTraceId: key, properties } });
  }
  const missing: Ready[] = [];
  const path = (op: string): string => `/crm/v3/objects/${m.object}/batch/${op}`;
  const keyOf = (r: { id: string; properties: Record<string, string | null>; objectWriteTraceId?: unknown }): string | undefined =>
    typeof r.objectWriteTraceId === 'string' ? r.objectWriteTraceId : (r.properties[ext.to] ?? undefined);
  await sendBatch({
    items: ready, size: d.writeBatchSize, guard, outcomes,
    call: (inputs) => d.client.call('write-opportunity', { method: 'POST', path: path('update'), body: { inputs } }, signal),
    resultKey: keyOf,
    onResult: (_it, r) => ok(r.id),
    onError: (it, e) => {
      if (e.category !== 'OBJECT_NOT_FOUND') return recordOutcome(m, e);
      missing.push(it);
      return { status: 'retry', code: 'NOT_CREATED', message: 'The deal is created next.', retryAfterMs: null };
    },
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
  if (missing.length === 0 || signal.aborted) return;
  const companies = await guard.send(() => primaryCompanies(d.client, 'associate', missing.map((r) => r.contactId), signal));
  if (!companies.ok) {
    const o = callFailureOutcome(m, companies.error, companies.transient);
    for (const r of missing) outcomes[r.index] = o;
    return;
  }
  const creates = missing.map((r): Ready => {
    const companyId = companies.value.get(r.contactId);
    const associations = [
      { to: { id: r.contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: dealToContact }] },
      ...(companyId === undefined ? [] : [{ to: { id: companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: dealToPrimaryCompany }] }]),
    ];
    return { ...r, input: { properties: r.properties, objectWriteTraceId: r.key, associations } };
  });
  await sendBatch({
    items: creates, size: d.writeBatchSize, guard, outcomes,
    call: (inputs) => d.client.call('write-opportunity', { method: 'POST', path: path('create'), body: { inputs } }, signal),
    resultKey: keyOf,
    onResult: (_it, r) => ok(r.id),
    // CONFLICT: another process created it first (the unique property refused ours): update it next time.
    onError: (_it, e) => recordOutcome(m, e, { conflictIsRetry: true }),
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
}
