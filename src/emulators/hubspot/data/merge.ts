// Merges (`POST /crm/v3/objects/{type}/merge`): the primary record absorbs the other, which is archived with a
// pointer to the primary; reads of the merged id answer the primary, and the primary lists the merged ids in
// hs_merged_object_ids. Empty properties of the primary take the other's value; associations move over.
// https://developers.hubspot.com/docs/guides/api/crm/objects/contacts#merge-contacts
import type { Account } from '../account.ts';
import type { ObjectType } from '../types.ts';
import type { Rec } from './store.ts';
import { systemUpdate } from './writes.ts';
import { OBJECT_TYPES } from '../schema/object-types.ts';

const SYSTEM = new Set(['hs_object_id', 'createdate', 'hs_lastmodifieddate', 'lastmodifieddate', 'hs_merged_object_ids']);

export function mergeInto(acct: Account, type: ObjectType, primary: Rec, other: Rec): Rec {
  const changes: Record<string, string> = {};
  for (const [k, v] of other.props) {
    if (!SYSTEM.has(k) && !primary.props.has(k)) changes[k] = v;
  }
  const merged = [...(primary.props.get('hs_merged_object_ids') ?? '').split(';'), other.id, ...(other.props.get('hs_merged_object_ids') ?? '').split(';')]
    .filter((s) => s !== '');
  changes.hs_merged_object_ids = [...new Set(merged)].join(';');
  for (const to of OBJECT_TYPES) {
    for (const link of acct.associations.list(type, other.id, to)) {
      for (const typeId of link.typeIds) acct.associations.add(type, primary.id, to, link.toId, typeId);
      acct.associations.removeAll(type, other.id, to, link.toId);
    }
  }
  // The loser releases its unique values first (it is archived), so the winner may take e.g. its email.
  const gone: Rec = { ...other, archived: true, archivedAt: acct.now(), mergedInto: primary.id };
  acct.commit(gone);
  delete changes.email;
  const winner = systemUpdate(acct, primary, changes);
  acct.log({ op: 'merge', objectType: type, id: other.id, properties: { mergedInto: primary.id }, via: 'single' });
  return winner;
}
