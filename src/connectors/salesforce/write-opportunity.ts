// Opportunity write-backs, by the mapping's mode:
//   create  — upsert by the external-id field (leadrelay's lead id): a replay, or a crash between send and
//             acknowledge, can never create a second Opportunity.
//   convert — convert the Lead once (SOAP convertLead, ≤ 100 per call), then update the converted Opportunity by
//             Id; later write-backs go straight to that Opportunity. "Already converted" counts as done.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm
import type { WriteBack } from '../../domain/write-back.ts';
import { mapOpportunityOutbound, opportunityStageValue } from '../../mapping/index.ts';
import type { OpportunityMapping } from '../../mapping/index.ts';
import type { WriteOutcome } from '../contract.ts';
import type { CallGuard } from './outcomes.ts';
import { callFailureOutcome, ok, recordOutcome } from './outcomes.ts';
import { convertResultSchema, leadConversionRowSchema, sfId } from './schemas.ts';
import { leadConversionSoql } from './soql.ts';
import type { Item, WriteDeps } from './collections.ts';
import { chunks, sendChunks } from './collections.ts';

export type OpportunityItem = Item<Extract<WriteBack, { target: 'opportunity' }>>;
interface Ready { readonly index: number; readonly leadId: string; readonly name: string; readonly record: Record<string, unknown> }

/** SOAP convertLead: Salesforce recommends at most 100 LeadConvert per call. */
const convertBatch = 100;

const mappingProblem = (m: OpportunityMapping, message: string, line: number | null): WriteOutcome => ({
  status: 'failed', reason: { code: 'MAPPING.MISSING_FIELD', message, source: line === null ? m.file : `${m.file}:${line}` },
});

export async function writeOpportunities(d: WriteDeps, items: readonly OpportunityItem[], guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  const m = d.mappings.opportunity;
  const ready: Ready[] = [];
  for (const { index, wb } of items) {
    if (!sfId.safeParse(wb.externalId).success) {
      outcomes[index] = { status: 'failed', reason: { code: 'CRM.INVALID_ID', message: `Lead id of lead ${wb.leadId} is not a Salesforce record id` } };
    } else if (opportunityStageValue(m, wb.fields.stage) === null) {
      outcomes[index] = mappingProblem(m, `stage '${wb.fields.stage}' has no Salesforce stage in the mapping's stages`, m.stagesLine);
    } else {
      ready.push({ index, leadId: wb.externalId, name: wb.fields.name, record: mapOpportunityOutbound(m, wb.fields) });
    }
  }
  if (m.mode === 'create') await upsertByExternalId(d, m, ready, guard, outcomes, signal);
  else await convertThenUpdate(d, m, ready, guard, outcomes, signal);
}

async function upsertByExternalId(d: WriteDeps, m: OpportunityMapping, ready: readonly Ready[], guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  const ext = m.outbound.find((r) => r.externalId);
  if (ext === undefined) {
    for (const r of ready) outcomes[r.index] = mappingProblem(m, 'mode create needs an outbound field with externalId: true (the lead id)', null);
    return;
  }
  // jsforce throws for the whole call when one record lacks the external id; keep that to the record.
  const keyed = ready.filter((r) => {
    const v = r.record[ext.to];
    if (typeof v === 'string' && v !== '') return true;
    outcomes[r.index] = mappingProblem(m, `${ext.to} (the external id) has no value`, ext.line);
    return false;
  });
  await sendChunks({
    items: keyed, size: d.writeBatchSize, guard, outcomes,
    call: (chunk) => d.client.upsert('write-opportunity', m.object, ext.to, chunk.map((r) => r.record), signal),
    onResult: (_r, res) => (res.success ? ok(res.id) : recordOutcome(m, res.errors)),
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
}

/** Reads IsConverted / ConvertedOpportunityId of leads we know nothing about yet (after a restart, a race). */
async function learnConversions(d: WriteDeps, m: OpportunityMapping, leadIds: readonly string[], pending: Map<string, Ready>, guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  for (const ids of chunks([...new Set(leadIds)], 200)) {
    const res = await guard.send(async () => {
      const rows: unknown[] = [];
      for await (const page of d.client.queryPages('convert', leadConversionSoql(ids), { all: false, signal })) rows.push(...page.records);
      return rows;
    });
    if (!res.ok) {
      const outcome = callFailureOutcome(m, res.error, res.transient);
      for (const id of ids) settle(pending, id, outcomes, outcome);
      continue;
    }
    const seen = new Set<string>();
    for (const raw of res.value) {
      const row = leadConversionRowSchema.safeParse(raw);
      if (!row.success) continue;
      seen.add(row.data.Id);
      if (row.data.IsConverted) d.converted.set(row.data.Id, row.data.ConvertedOpportunityId ?? null);
    }
    for (const id of ids) {
      if (!seen.has(id)) settle(pending, id, outcomes, { status: 'gone', code: 'ENTITY_IS_DELETED', message: 'The Lead no longer exists.' });
    }
  }
}

function settle(pending: Map<string, Ready>, leadId: string, outcomes: WriteOutcome[], outcome: WriteOutcome): void {
  const r = pending.get(leadId);
  if (r === undefined) return;
  outcomes[r.index] = outcome;
  pending.delete(leadId);
}

const alreadyConverted = (e: { code: string; message: string }): boolean =>
  e.code.endsWith('CANNOT_UPDATE_CONVERTED_LEAD') || /already (been )?converted/i.test(e.message);

async function convertThenUpdate(d: WriteDeps, m: OpportunityMapping, ready: readonly Ready[], guard: CallGuard, outcomes: WriteOutcome[], signal: AbortSignal): Promise<void> {
  const convertedStatus = m.convertedStatus;
  if (convertedStatus === null) {
    for (const r of ready) outcomes[r.index] = mappingProblem(m, 'mode convert needs convertedStatus (a converted Lead Status value)', null);
    return;
  }
  const pending = new Map(ready.map((r) => [r.leadId, r]));
  await learnConversions(d, m, ready.filter((r) => !d.converted.has(r.leadId)).map((r) => r.leadId), pending, guard, outcomes, signal);

  const raced: string[] = [];
  for (const batch of chunks([...pending.values()].filter((r) => !d.converted.has(r.leadId)), convertBatch)) {
    signal.throwIfAborted();
    const res = await guard.send(() => d.client.convertLeads(batch.map((r) => ({ leadId: r.leadId, convertedStatus, opportunityName: r.name })), signal));
    const results = res.ok ? convertResultSchema.array().safeParse(Array.isArray(res.value) ? res.value : [res.value]) : null;
    if (!res.ok || results === null || !results.success || results.data.length !== batch.length) {
      const outcome: WriteOutcome = res.ok ? { status: 'retry', code: 'MALFORMED_RESPONSE', message: 'convertLead results do not match the request', retryAfterMs: null } : callFailureOutcome(m, res.error, res.transient);
      for (const r of batch) settle(pending, r.leadId, outcomes, outcome);
      continue;
    }
    batch.forEach((r, i) => {
      const c = results.data[i];
      if (c === undefined) return;
      if (c.success) d.converted.set(r.leadId, c.opportunityId ?? null);
      else if (c.errors.some(alreadyConverted)) raced.push(r.leadId);
      else settle(pending, r.leadId, outcomes, recordOutcome(m, c.errors));
    });
  }
  // Converted meanwhile (a rep, or our own call whose answer was lost): learn the opportunity it made.
  if (raced.length > 0) await learnConversions(d, m, raced, pending, guard, outcomes, signal);

  const updates: Array<Ready & { opportunityId: string }> = [];
  for (const r of pending.values()) {
    const opportunityId = d.converted.get(r.leadId);
    if (opportunityId === undefined) settle(pending, r.leadId, outcomes, { status: 'retry', code: 'NOT_CONVERTED', message: 'The Lead is not converted yet.', retryAfterMs: null });
    else if (opportunityId === null) settle(pending, r.leadId, outcomes, { status: 'gone', code: 'CONVERTED_WITHOUT_OPPORTUNITY', message: 'The Lead was converted without an opportunity; there is nothing to keep in step.', convertedOpportunityId: null });
    else updates.push({ ...r, opportunityId });
  }
  await sendChunks({
    items: updates, size: d.writeBatchSize, guard, outcomes,
    call: (chunk) => d.client.update('write-opportunity', m.object, chunk.map((u) => ({ ...u.record, Id: u.opportunityId })), signal),
    onResult: (u, res) => (res.success ? ok(res.id ?? u.opportunityId) : recordOutcome(m, res.errors)),
    onCallFailure: (e, transient) => callFailureOutcome(m, e, transient),
  });
}
