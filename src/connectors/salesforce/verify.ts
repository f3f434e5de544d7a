// verify(): after a crash the outbox holds snapshots that were sent but never acknowledged. One SOQL read per
// target type (≤ 200 ids, one call) tells whether Salesforce already shows exactly what the snapshot would write;
// those are not sent again. "Unsure" is false: re-sending a full snapshot is harmless, skipping a lost one is not.
import type { WriteBack } from '../../domain/write-back.ts';
import { mapLeadOutbound, mapOpportunityOutbound, mapPartnerOutbound } from '../../mapping/index.ts';
import type { WriteDeps } from './collections.ts';
import { chunks } from './collections.ts';
import { isConnectionLevel } from './outcomes.ts';
import { sfId } from './schemas.ts';
import { selectList, soqlString } from './soql.ts';

interface Check { readonly index: number; readonly key: string; readonly expected: Record<string, unknown> }

/** Salesforce datetimes keep whole seconds (`…T12:00:00.000+0000`); compare instants at that precision. */
function instant(s: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(s);
  if (!m) return null;
  const zone = m[2] === 'Z' ? 'Z' : `${(m[2] ?? '').slice(0, 3)}:${(m[2] ?? '').slice(-2)}`;
  const ms = Date.parse(`${m[1] ?? ''}${zone}`);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function norm(v: unknown): unknown {
  return v === undefined || v === '' ? null : v;
}

export function sameValue(expected: unknown, actual: unknown): boolean {
  const e = norm(expected);
  const a = norm(actual);
  if (e === null || a === null) return e === a;
  if (typeof e === 'number' || typeof a === 'number') return Number(e) === Number(a);
  if (typeof e === 'string' && typeof a === 'string') {
    const ie = instant(e);
    const ia = instant(a);
    return ie !== null && ia !== null ? ie === ia : e === a;
  }
  return e === a;
}

function matches(expected: Record<string, unknown>, row: Record<string, unknown>): boolean {
  const lower = new Map(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(expected).every(([f, v]) => sameValue(v, lower.get(f.toLowerCase())));
}

/** Reads `keyField` + the expected fields of `object` for the checks' keys and marks the ones that match. */
async function check(d: WriteDeps, object: string, keyField: string, checks: readonly Check[], result: boolean[], signal: AbortSignal): Promise<void> {
  for (const group of chunks(checks, 200)) {
    const fields = selectList(['Id', keyField], ...group.map((c) => Object.keys(c.expected)));
    const soql = `SELECT ${fields.join(', ')} FROM ${object} WHERE ${keyField} IN (${[...new Set(group.map((c) => c.key))].map(soqlString).join(', ')})`;
    const rows = new Map<string, Record<string, unknown>>();
    try {
      for await (const page of d.client.queryPages('verify', soql, { all: false, signal })) {
        for (const raw of page.records) {
          const row = raw as Record<string, unknown>;
          const key = Object.entries(row).find(([k]) => k.toLowerCase() === keyField.toLowerCase())?.[1];
          if (typeof key === 'string') rows.set(key, row);
        }
      }
    } catch (e) {
      // Auth, quota, outage: the flush stops. A query the mapping breaks (INVALID_FIELD): unsure, the write will say why.
      if (isConnectionLevel(e) || (e instanceof Error && 'status' in e && typeof e.status === 'number' && e.status >= 500)) throw e;
      continue;
    }
    for (const c of group) {
      const row = rows.get(c.key);
      result[c.index] = row !== undefined && matches(c.expected, row);
    }
  }
}

export async function verifyBatch(d: WriteDeps, batch: readonly WriteBack[], signal: AbortSignal): Promise<boolean[]> {
  const result = batch.map(() => false);
  if (batch.length === 0) return result;
  d.client.beginStage('verify');
  const { lead, opportunity, partner } = d.mappings;
  const leads: Check[] = [];
  const opps: Check[] = [];
  const accounts: Check[] = [];
  const ext = opportunity.outbound.find((r) => r.externalId);
  batch.forEach((wb, index) => {
    if (wb.target === 'lead' && sfId.safeParse(wb.externalId).success && !d.converted.has(wb.externalId)) {
      leads.push({ index, key: wb.externalId, expected: mapLeadOutbound(lead, wb.fields) });
    } else if (wb.target === 'opportunity' && ext !== undefined) {
      // Both modes stamp the external id on the opportunity (create: upsert key; convert: the update after converting).
      const expected = mapOpportunityOutbound(opportunity, wb.fields);
      const key = expected[ext.to];
      if (typeof key === 'string' && key !== '') opps.push({ index, key, expected });
    } else if (wb.target === 'partner' && sfId.safeParse(wb.externalId).success) {
      accounts.push({ index, key: wb.externalId, expected: mapPartnerOutbound(partner, wb.fields) });
    }
  });
  if (leads.length > 0) await check(d, lead.object, 'Id', leads, result, signal);
  if (opps.length > 0 && ext !== undefined) await check(d, opportunity.object, ext.to, opps, result, signal);
  if (accounts.length > 0) await check(d, partner.object, 'Id', accounts, result, signal);
  return result;
}
