// The current state of contacts a webhook named: one batch read per 100 ids (plus their primary companies, as the
// pull reads them), mapped like the pull. The payload's property values are not applied: webhooks arrive out of
// order and retried, so the latest state is what a fresh read returns, not what the last event said.
// Search is not used: it lags writes by seconds and costs the scarce 5 requests/second.
// https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-read
import type { HubSpotFilter, HubSpotFilterGroup } from '../../mapping/hubspot-filter.ts';
import type { LoadedMappings } from '../../mapping/index.ts';
import type { PulledLead } from '../contract.ts';
import type { HubSpotClient } from './client.ts';
import { batchRead, withCompanies } from './companies.ts';
import { splitFields, toPulledLead } from './pull.ts';
import { iso, stampProperty } from './walk.ts';

/** Does one filter hold for a record's wire properties (search semantics: absent = not matching, except NOT_*). */
export function filterHolds(f: HubSpotFilter, props: Readonly<Record<string, string | null | undefined>>): boolean {
  const raw = props[f.propertyName];
  const v = raw === null || raw === undefined ? '' : raw;
  const num = (s: string): number => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s));
  const cmp = (a: string, b: string): number => {
    const x = num(a);
    const y = num(b);
    return Number.isNaN(x) || Number.isNaN(y) ? a.localeCompare(b) : x - y;
  };
  const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const tokens = (s: string): string[] => s.toLowerCase().split(/[\s;,]+/).filter((t) => t !== '');
  switch (f.operator) {
    case 'HAS_PROPERTY': return v !== '';
    case 'NOT_HAS_PROPERTY': return v === '';
    case 'EQ': return v !== '' && eq(v, f.value ?? '');
    case 'NEQ': return !eq(v, f.value ?? '');
    case 'IN': return v !== '' && (f.values ?? []).some((x) => eq(v, x));
    case 'NOT_IN': return !(f.values ?? []).some((x) => eq(v, x));
    case 'LT': return v !== '' && cmp(v, f.value ?? '') < 0;
    case 'LTE': return v !== '' && cmp(v, f.value ?? '') <= 0;
    case 'GT': return v !== '' && cmp(v, f.value ?? '') > 0;
    case 'GTE': return v !== '' && cmp(v, f.value ?? '') >= 0;
    case 'BETWEEN': return v !== '' && cmp(v, f.value ?? '') >= 0 && cmp(v, f.highValue ?? '') <= 0;
    case 'CONTAINS_TOKEN': return tokens(v).includes((f.value ?? '').toLowerCase().replace(/\*/g, ''));
    case 'NOT_CONTAINS_TOKEN': return !tokens(v).includes((f.value ?? '').toLowerCase().replace(/\*/g, ''));
  }
}

export const groupsHold = (groups: readonly HubSpotFilterGroup[], props: Readonly<Record<string, string | null | undefined>>): boolean =>
  groups.some((g) => g.filters.every((f) => filterHolds(f, props)));

export async function readLeads(d: { client: HubSpotClient; mappings: LoadedMappings; now: () => Date }, ids: readonly string[], signal: AbortSignal): Promise<PulledLead[]> {
  const m = d.mappings.lead;
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  d.client.beginStage('read-leads');
  const { own, company } = splitFields(m.selectFields());
  const groups = [...(m.mql.filterGroups ?? []), ...(m.track?.filterGroups ?? [])];
  const condProps = groups.flatMap((g) => g.filters.map((f) => f.propertyName));
  const found = await batchRead(d.client, 'read-leads', m.object, unique, ['hs_object_id', stampProperty, ...own, ...condProps], signal);
  const out: PulledLead[] = [];
  const live = unique.map((id) => found.get(id)).filter((r) => r !== undefined);
  const rows = await withCompanies(d.client, 'read-leads', live, company, signal);
  live.forEach((rec, i) => {
    // Out of the pull's scope (not MQL, not tracked): left out, exactly as the search would leave it out.
    if (groups.length > 0 && !groupsHold(groups, rec.properties)) return;
    out.push(toPulledLead(m, rec, rows[i] ?? {}));
  });
  // Archived or merged away: the batch read does not return them (a merged id answers as its survivor).
  const now = iso(d.now().getTime());
  for (const id of unique) if (!found.has(id)) out.push({ kind: 'deleted', externalId: id, stamp: now, mergedInto: null });
  return out;
}
