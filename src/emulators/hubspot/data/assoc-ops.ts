// Association writes with HubSpot's bookkeeping: a contact or deal has at most one primary company; the first
// company associated becomes primary, and a contact's primary company is mirrored in `associatedcompanyid`.
// https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4
import type { Account } from '../account.ts';
import { HubSpotError } from '../http/errors.ts';
import { isObject, str } from '../http/http.ts';
import type { ObjectType } from '../types.ts';
import type { Rec } from './store.ts';
import { systemUpdate } from './writes.ts';

/** The (holder, company) pair when from/to link a contact or deal with a company. */
function holderOf(from: ObjectType, fromId: string, to: ObjectType, toId: string): { holder: ObjectType; id: string; companyId: string } | undefined {
  if (to === 'companies' && (from === 'contacts' || from === 'deals')) return { holder: from, id: fromId, companyId: toId };
  if (from === 'companies' && (to === 'contacts' || to === 'deals')) return { holder: to, id: toId, companyId: fromId };
  return undefined;
}

function primaryCompany(acct: Account, holder: ObjectType, id: string): string | undefined {
  const primary = acct.associations.primaryType(holder, 'companies');
  if (!primary) return undefined;
  return acct.associations.list(holder, id, 'companies').find((l) => l.typeIds.includes(primary.typeId))?.toId;
}

function syncAssociatedCompany(acct: Account, holder: ObjectType, id: string): void {
  if (holder !== 'contacts') return;
  const rec = acct.table('contacts').byId(id);
  if (!rec || rec.archived) return;
  const want = primaryCompany(acct, holder, id) ?? '';
  if ((rec.props.get('associatedcompanyid') ?? '') !== want) systemUpdate(acct, rec, { associatedcompanyid: want });
}

/** Adds one typed association (and its inverse), keeping the primary-company rules. */
export function addAssociation(acct: Account, from: ObjectType, fromId: string, to: ObjectType, toId: string, typeId: number): void {
  const t = acct.associations.type(typeId);
  if (!t || t.from !== from || t.to !== to) {
    throw new HubSpotError(400, 'VALIDATION_ERROR', `${typeId} is not a valid association type id from ${from} to ${to}.`);
  }
  const h = holderOf(from, fromId, to, toId);
  if (h) {
    const primary = acct.associations.primaryType(h.holder, 'companies');
    const current = primaryCompany(acct, h.holder, h.id);
    const makesPrimary = t.label === 'Primary' || (current === undefined && t.label === null && t.category === 'HUBSPOT_DEFINED');
    if (primary && makesPrimary && current !== undefined && current !== h.companyId) {
      acct.associations.remove(h.holder, h.id, 'companies', current, primary.typeId);
    }
    acct.associations.add(from, fromId, to, toId, typeId);
    if (primary && makesPrimary) acct.associations.add(h.holder, h.id, 'companies', h.companyId, primary.typeId);
    syncAssociatedCompany(acct, h.holder, h.id);
    return;
  }
  acct.associations.add(from, fromId, to, toId, typeId);
}

export function removeAssociations(acct: Account, from: ObjectType, fromId: string, to: ObjectType, toId: string, typeId?: number): void {
  if (typeId === undefined) acct.associations.removeAll(from, fromId, to, toId);
  else acct.associations.remove(from, fromId, to, toId, typeId);
  const h = holderOf(from, fromId, to, toId);
  if (h) syncAssociatedCompany(acct, h.holder, h.id);
}

interface AssocInput {
  to: ObjectType;
  toId: string;
  typeId: number;
}

/** Parses and checks the `associations` of a create input: [{ to: { id }, types: [{ associationCategory, associationTypeId }] }]. */
export function parseCreateAssociations(acct: Account, from: ObjectType, raw: unknown): AssocInput[] | HubSpotError {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return new HubSpotError(400, 'VALIDATION_ERROR', 'associations must be an array.');
  const out: AssocInput[] = [];
  for (const a of raw) {
    const toId = isObject(a) && isObject(a.to) ? str(a.to.id) : '';
    const types = isObject(a) && Array.isArray(a.types) ? a.types : [];
    for (const t of types) {
      const typeId = isObject(t) ? Number(t.associationTypeId) : NaN;
      const def = acct.associations.type(typeId);
      if (!def || def.from !== from) {
        return new HubSpotError(400, 'VALIDATION_ERROR', `${String(isObject(t) ? t.associationTypeId : t)} is not a valid association type id from ${from}.`);
      }
      const target = acct.table(def.to).byId(toId);
      if (!target || target.archived) {
        return new HubSpotError(400, 'VALIDATION_ERROR', `One or more associations are invalid: ${def.to} ${toId} does not exist.`, { context: { ids: [toId] } });
      }
      out.push({ to: def.to, toId, typeId });
    }
  }
  return out;
}

export function applyCreateAssociations(acct: Account, rec: Rec, list: AssocInput[]): void {
  for (const a of list) addAssociation(acct, rec.type, rec.id, a.to, a.toId, a.typeId);
}
