// A contact's primary associated company, for `company.<property>` mapping rules: one batch read of the
// contacts→companies associations per page (≤ 1,000 ids per call) and one batch read of the companies (≤ 100 per
// call), never a call per record. The "Primary" association label wins; else the first associated company.
// https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4#retrieve-associated-records
// https://developers.hubspot.com/changelog/bug-fix-batch-read-limit-for-hubspot-associations-api
import type { HubSpotClient } from './client.ts';
import type { HsRecord } from './schemas.ts';
import { associationReadSchema, batchResponseSchema, describeIssues, recordSchema } from './schemas.ts';
import type { Stage } from './usage.ts';
import { malformed } from './walk.ts';

export const associationReadLimit = 1000;
export const batchLimit = 100;
/** contact → company, "Primary" label (HUBSPOT_DEFINED). */
const primaryContactToCompany = 1;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** contactId → primary company id, for the given contacts (those without a company are absent). */
export async function primaryCompanies(client: HubSpotClient, stage: Stage, contactIds: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ids of chunks([...new Set(contactIds)], associationReadLimit)) {
    const path = '/crm/v4/associations/contacts/companies/batch/read';
    const raw = await client.call(stage, { method: 'POST', path, body: { inputs: ids.map((id) => ({ id })) } }, signal);
    const parsed = associationReadSchema.safeParse(raw);
    if (!parsed.success) throw malformed(path, describeIssues(parsed.error));
    for (const r of parsed.data.results) {
      const primary = r.to.find((t) => t.associationTypes.some((a) => a.typeId === primaryContactToCompany || a.label === 'Primary'));
      const pick = primary ?? r.to[0];
      if (pick !== undefined) out.set(r.from.id, pick.toObjectId);
    }
  }
  return out;
}

/** Batch read of records by id (or by a unique property), ≤ 100 per call; ids not found are simply absent. */
export async function batchRead(client: HubSpotClient, stage: Stage, object: string, ids: readonly string[], properties: readonly string[], signal: AbortSignal, idProperty?: string): Promise<Map<string, HsRecord>> {
  const out = new Map<string, HsRecord>();
  const path = `/crm/v3/objects/${object}/batch/read`;
  for (const group of chunks([...new Set(ids)], batchLimit)) {
    const body = { inputs: group.map((id) => ({ id })), properties: [...new Set(properties)], ...(idProperty === undefined ? {} : { idProperty }) };
    const raw = await client.call(stage, { method: 'POST', path, body, qs: { archived: 'false' } }, signal);
    const parsed = batchResponseSchema.safeParse(raw);
    if (!parsed.success) throw malformed(path, describeIssues(parsed.error));
    for (const r of parsed.data.results) {
      const rec = recordSchema.safeParse(r);
      if (!rec.success) throw malformed(path, describeIssues(rec.error));
      const key = idProperty === undefined ? rec.data.id : rec.data.properties[idProperty];
      if (typeof key === 'string' && key !== '') out.set(key, rec.data);
    }
  }
  return out;
}

/**
 * Adds `company.<property>` keys (and `company.hs_object_id`) to each contact's properties, read from its primary
 * company. `props` are the company properties the mapping reads.
 */
export async function withCompanies(client: HubSpotClient, stage: Stage, contacts: readonly HsRecord[], props: readonly string[], signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
  const flat: Array<Record<string, unknown>> = contacts.map((c) => ({ ...c.properties, hs_object_id: c.properties['hs_object_id'] ?? c.id }));
  if (props.length === 0 || contacts.length === 0) return flat;
  const links = await primaryCompanies(client, stage, contacts.map((c) => c.id), signal);
  const wanted = props.filter((p) => p !== 'hs_object_id');
  const bare = (id: string): HsRecord => ({ id, properties: {} });
  const companies = links.size === 0 ? new Map<string, HsRecord>()
    : wanted.length === 0 ? new Map([...links.values()].map((id) => [id, bare(id)]))
      : await batchRead(client, stage, 'companies', [...new Set(links.values())], wanted, signal);
  contacts.forEach((c, i) => {
    const id = links.get(c.id);
    const company = id === undefined ? undefined : companies.get(id);
    const row = flat[i];
    if (company === undefined || row === undefined) return;
    row['company.hs_object_id'] = company.id;
    for (const p of wanted) row[`company.${p}`] = company.properties[p] ?? null;
  });
  return flat;
}
