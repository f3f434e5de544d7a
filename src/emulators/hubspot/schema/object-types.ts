// Object type names as the API accepts them: plural names, singular names and object type ids (0-1 contacts,
// 0-2 companies, 0-3 deals). https://developers.hubspot.com/docs/guides/api/crm/understanding-the-crm
import type { ObjectType } from '../types.ts';

export const OBJECT_TYPES: readonly ObjectType[] = ['contacts', 'companies', 'deals'];

const ALIASES: Record<string, ObjectType> = {
  contacts: 'contacts', contact: 'contacts', '0-1': 'contacts',
  companies: 'companies', company: 'companies', '0-2': 'companies',
  deals: 'deals', deal: 'deals', '0-3': 'deals',
};

export const OBJECT_TYPE_IDS: Record<ObjectType, string> = { contacts: '0-1', companies: '0-2', deals: '0-3' };

/** Singular, as used in association type names (`contact_to_company`) and error messages (`CONTACT`). */
export const SINGULAR: Record<ObjectType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

export function objectType(name: string): ObjectType | undefined {
  return ALIASES[name.toLowerCase()];
}

export function objectTypeOrThrow(name: string): ObjectType {
  const t = objectType(name);
  if (!t) throw new Error(`hubspot emulator: unknown object type '${name}' (contacts, companies, deals)`);
  return t;
}
