// Records in v3 wire format: `{ id, properties, createdAt, updatedAt, archived[, archivedAt][, associations] }`.
// Without `properties` a read returns the type's default properties; with it, the requested ones (null when unset,
// unknown names ignored) plus hs_object_id, createdate and the modification date, which come back always.
// https://developers.hubspot.com/docs/guides/api/crm/search#crm-objects (default properties per object)
import type { Account } from '../account.ts';
import type { HubSpotRecord, ObjectType } from '../types.ts';
import type { Indexed, Rec } from './store.ts';
import { isoMs } from './values.ts';
import { SINGULAR } from '../schema/object-types.ts';

export const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
};

const ALWAYS: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'hs_object_id', 'lastmodifieddate'],
  companies: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

export interface Selection {
  /** Requested property names (undefined or empty = the defaults). */
  properties?: string[] | undefined;
  /** Every set property (the test back door). */
  all?: boolean;
}

/** The property names a read returns, given what was requested. */
export function selectNames(acct: Account | undefined, type: ObjectType, requested: string[] | undefined): string[] {
  if (!requested || requested.length === 0) return DEFAULT_PROPERTIES[type];
  const known = acct ? requested.filter((n) => acct.schema.get(type, n) !== undefined) : requested;
  return [...new Set([...known, ...ALWAYS[type]])].sort();
}

export function pickProps(props: ReadonlyMap<string, string>, names: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const n of names) out[n] = props.get(n) ?? null;
  return out;
}

export function recordToWire(rec: Rec, sel: Selection, acct?: Account): HubSpotRecord {
  const properties = sel.all === true
    ? Object.fromEntries([...rec.props.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : pickProps(rec.props, selectNames(acct, rec.type, sel.properties));
  const out: HubSpotRecord = { id: rec.id, properties, createdAt: isoMs(rec.createdAt), updatedAt: isoMs(rec.updatedAt), archived: rec.archived };
  if (rec.archived && rec.archivedAt !== undefined) out.archivedAt = isoMs(rec.archivedAt);
  return out;
}

/** A search hit: the indexed version of the record. */
export function indexedToWire(type: ObjectType, snap: Indexed, names: readonly string[]): HubSpotRecord {
  const created = snap.props.get('createdate') ?? '';
  const updated = snap.props.get('hs_lastmodifieddate') ?? created;
  return { id: snap.id, properties: pickProps(snap.props, names), createdAt: created, updatedAt: updated, archived: false };
}

/** `associations` of a v3 read: `{ companies: { results: [{ id, type: 'contact_to_company' }] } }`. */
export function associationsToWire(acct: Account, rec: Rec, toTypes: ObjectType[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const to of toTypes) {
    const results: Array<{ id: string; type: string }> = [];
    for (const link of acct.associations.list(rec.type, rec.id, to)) {
      for (const typeId of link.typeIds) {
        const t = acct.associations.type(typeId);
        results.push({ id: link.toId, type: t?.name ?? `${SINGULAR[rec.type]}_to_${SINGULAR[to]}` });
      }
    }
    if (results.length > 0) out[to] = { results };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
