// verify(): after a crash the outbox holds snapshots that were sent but never acknowledged. One batch read per
// target (≤ 100 records per call: contacts and companies by id, deals by the unique lead-id property) tells whether
// HubSpot already shows exactly what the snapshot would write; those are not sent again. "Unsure" is false:
// re-sending a full snapshot is harmless, skipping a lost one is not.
// https://developers.hubspot.com/docs/guides/api/crm/objects/contacts#retrieve-contacts
import type { WriteBack } from '../../domain/write-back.ts';
import { VendorError } from '../../lib/vendor-error.ts';
import { mapLeadOutbound, mapOpportunityOutbound, mapPartnerOutbound } from '../../mapping/index.ts';
import { outboundKeys } from '../../mapping/targets.ts';
import { batchRead } from './companies.ts';
import { isConnectionLevel } from './errors.ts';
import { hsId } from './schemas.ts';
import type { WriteDeps } from './write.ts';
import { wireProperties } from './write.ts';

interface Check { readonly index: number; readonly key: string; readonly expected: Record<string, string> }

const isoLike = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** HubSpot's stored form vs what we would write: empty = unset, numbers by value, dates by instant. */
export function sameValue(expected: string, actual: string | null | undefined): boolean {
  const a = actual ?? '';
  if (expected === '' || a === '') return expected === a;
  if (expected === a) return true;
  if (/^-?\d+(\.\d+)?$/.test(expected) && /^-?\d+(\.\d+)?$/.test(a)) return Number(expected) === Number(a);
  if (isoLike.test(expected) && isoLike.test(a)) return Date.parse(expected.length === 10 ? `${expected}T00:00:00Z` : expected) === Date.parse(a.length === 10 ? `${a}T00:00:00Z` : a);
  return false;
}

async function check(d: WriteDeps, object: string, checks: readonly Check[], result: boolean[], signal: AbortSignal, idProperty?: string): Promise<void> {
  const props = [...new Set(checks.flatMap((c) => Object.keys(c.expected)).concat(idProperty === undefined ? [] : [idProperty]))];
  try {
    const rows = await batchRead(d.client, 'verify', object, checks.map((c) => c.key), props, signal, idProperty);
    for (const c of checks) {
      const row = rows.get(c.key);
      result[c.index] = row !== undefined && Object.entries(c.expected).every(([p, v]) => sameValue(v, row.properties[p]));
    }
  } catch (e) {
    // Auth, quota, outage: the flush stops. A read the mapping breaks (unknown property): unsure, the write says why.
    if (isConnectionLevel(e) || (e instanceof VendorError && (e.status === null || e.status >= 500 || e.status === 429))) throw e;
  }
}

export async function verifyBatch(d: WriteDeps, batch: readonly WriteBack[], signal: AbortSignal): Promise<boolean[]> {
  const result = batch.map(() => false);
  if (batch.length === 0) return result;
  d.client.beginStage('verify');
  const { lead, opportunity, partner } = d.mappings;
  const contacts: Check[] = [];
  const deals: Check[] = [];
  const companies: Check[] = [];
  const ext = opportunity.outbound.find((r) => r.externalId);
  const stageRule = opportunity.outbound.find((r) => r.key === 'stage');
  const needsDeals = batch.some((wb) => wb.target === 'opportunity');
  const resolved = needsDeals ? await d.cache.resolve(opportunity, 'describe', signal) : null;
  const dateProps = new Set(opportunity.outbound.filter((r) => outboundKeys('opportunity').get(r.key)?.kind === 'date').map((r) => r.to));
  batch.forEach((wb, index) => {
    if (wb.target === 'lead' && hsId.safeParse(wb.externalId).success) {
      contacts.push({ index, key: wb.externalId, expected: wireProperties(mapLeadOutbound(lead, wb.fields)) });
    } else if (wb.target === 'opportunity' && ext !== undefined && stageRule !== undefined && resolved !== null) {
      const stageId = resolved.stageIds.get(wb.fields.stage);
      const expected = wireProperties(mapOpportunityOutbound(opportunity, wb.fields), dateProps);
      const key = expected[ext.to];
      if (stageId === undefined || key === undefined || key === '') return;
      deals.push({ index, key, expected: { ...expected, [stageRule.to]: stageId, pipeline: resolved.pipeline.id } });
    } else if (wb.target === 'partner' && hsId.safeParse(wb.externalId).success) {
      companies.push({ index, key: wb.externalId, expected: wireProperties(mapPartnerOutbound(partner, wb.fields)) });
    }
  });
  if (contacts.length > 0) await check(d, lead.object, contacts, result, signal);
  if (deals.length > 0 && ext !== undefined) await check(d, opportunity.object, deals, result, signal, ext.to);
  if (companies.length > 0) await check(d, partner.object, companies, result, signal);
  return result;
}
