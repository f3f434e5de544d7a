// Associations (v4): directed type ids with an inverse, HUBSPOT_DEFINED (unlabeled and "Primary") plus USER_DEFINED
// labels. Stored both ways so reads from either side agree.
// https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4#association-type-id-values
import type { ObjectType } from '../types.ts';

/** HubSpot-defined association type ids between contacts, companies and deals. */
export const ASSOCIATION_TYPES = {
  contact_to_company: 279, company_to_contact: 280,
  contact_to_company_primary: 1, company_to_contact_primary: 2,
  deal_to_contact: 3, contact_to_deal: 4,
  deal_to_company: 341, company_to_deal: 342,
  deal_to_company_primary: 5, company_to_deal_primary: 6,
} as const;

export interface AssociationType {
  from: ObjectType;
  to: ObjectType;
  typeId: number;
  inverse: number;
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED';
  /** null for the unlabeled default type. */
  label: string | null;
  /** The v3 name shown in `associations` on object reads (`contact_to_company_unlabeled`). */
  name: string;
}

const T = ASSOCIATION_TYPES;
const BUILTIN: AssociationType[] = [
  { from: 'contacts', to: 'companies', typeId: T.contact_to_company, inverse: T.company_to_contact, category: 'HUBSPOT_DEFINED', label: null, name: 'contact_to_company_unlabeled' },
  { from: 'companies', to: 'contacts', typeId: T.company_to_contact, inverse: T.contact_to_company, category: 'HUBSPOT_DEFINED', label: null, name: 'company_to_contact_unlabeled' },
  { from: 'contacts', to: 'companies', typeId: T.contact_to_company_primary, inverse: T.company_to_contact_primary, category: 'HUBSPOT_DEFINED', label: 'Primary', name: 'contact_to_company' },
  { from: 'companies', to: 'contacts', typeId: T.company_to_contact_primary, inverse: T.contact_to_company_primary, category: 'HUBSPOT_DEFINED', label: 'Primary', name: 'company_to_contact' },
  { from: 'deals', to: 'contacts', typeId: T.deal_to_contact, inverse: T.contact_to_deal, category: 'HUBSPOT_DEFINED', label: null, name: 'deal_to_contact' },
  { from: 'contacts', to: 'deals', typeId: T.contact_to_deal, inverse: T.deal_to_contact, category: 'HUBSPOT_DEFINED', label: null, name: 'contact_to_deal' },
  { from: 'deals', to: 'companies', typeId: T.deal_to_company, inverse: T.company_to_deal, category: 'HUBSPOT_DEFINED', label: null, name: 'deal_to_company_unlabeled' },
  { from: 'companies', to: 'deals', typeId: T.company_to_deal, inverse: T.deal_to_company, category: 'HUBSPOT_DEFINED', label: null, name: 'company_to_deal_unlabeled' },
  { from: 'deals', to: 'companies', typeId: T.deal_to_company_primary, inverse: T.company_to_deal_primary, category: 'HUBSPOT_DEFINED', label: 'Primary', name: 'deal_to_company' },
  { from: 'companies', to: 'deals', typeId: T.company_to_deal_primary, inverse: T.deal_to_company_primary, category: 'HUBSPOT_DEFINED', label: 'Primary', name: 'company_to_deal' },
];

export interface Link {
  toId: string;
  typeIds: number[];
}

export class Associations {
  private readonly types = new Map<number, AssociationType>(BUILTIN.map((t) => [t.typeId, t]));
  private readonly links = new Map<string, Map<string, Set<number>>>();
  private nextTypeId = 1001;

  private key(from: ObjectType, id: string, to: ObjectType): string {
    return `${from}/${id}/${to}`;
  }

  type(typeId: number): AssociationType | undefined {
    return this.types.get(typeId);
  }

  typesBetween(from: ObjectType, to: ObjectType): AssociationType[] {
    return [...this.types.values()].filter((t) => t.from === from && t.to === to);
  }

  /** The unlabeled default type from → to, if the pair can be associated. */
  defaultType(from: ObjectType, to: ObjectType): AssociationType | undefined {
    return this.typesBetween(from, to).find((t) => t.category === 'HUBSPOT_DEFINED' && t.label === null);
  }

  primaryType(from: ObjectType, to: ObjectType): AssociationType | undefined {
    return this.typesBetween(from, to).find((t) => t.label === 'Primary');
  }

  /** Creates a USER_DEFINED label (a pair of type ids, one per direction). */
  addLabel(from: ObjectType, to: ObjectType, label: string, name: string): AssociationType {
    const a = this.nextTypeId++;
    const b = from === to ? a : this.nextTypeId++;
    const fwd: AssociationType = { from, to, typeId: a, inverse: b, category: 'USER_DEFINED', label, name };
    this.types.set(a, fwd);
    if (b !== a) this.types.set(b, { from: to, to: from, typeId: b, inverse: a, category: 'USER_DEFINED', label, name });
    return fwd;
  }

  list(from: ObjectType, id: string, to: ObjectType): Link[] {
    const m = this.links.get(this.key(from, id, to));
    if (!m) return [];
    return [...m.entries()].filter(([, s]) => s.size > 0).map(([toId, s]) => ({ toId, typeIds: [...s].sort((x, y) => x - y) }));
  }

  has(from: ObjectType, id: string, to: ObjectType, toId: string, typeId: number): boolean {
    return this.links.get(this.key(from, id, to))?.get(toId)?.has(typeId) ?? false;
  }

  private set(from: ObjectType, id: string, to: ObjectType, toId: string, typeId: number, on: boolean): void {
    const k = this.key(from, id, to);
    let m = this.links.get(k);
    if (!m) {
      m = new Map();
      this.links.set(k, m);
    }
    let s = m.get(toId);
    if (!s) {
      s = new Set();
      m.set(toId, s);
    }
    if (on) s.add(typeId);
    else s.delete(typeId);
    if (s.size === 0) m.delete(toId);
  }

  /** Adds one directed type and its inverse. */
  add(from: ObjectType, id: string, to: ObjectType, toId: string, typeId: number): void {
    const t = this.types.get(typeId);
    if (!t) throw new Error(`hubspot emulator: unknown association type ${typeId}`);
    this.set(from, id, to, toId, typeId, true);
    this.set(to, toId, from, id, t.inverse, true);
  }

  /** The default (unlabeled) association, both directions. */
  addDefault(from: ObjectType, id: string, to: ObjectType, toId: string): AssociationType | undefined {
    const t = this.defaultType(from, to);
    if (t) this.add(from, id, to, toId, t.typeId);
    return t;
  }

  /** Removes all types between two records (both directions). */
  removeAll(from: ObjectType, id: string, to: ObjectType, toId: string): void {
    this.links.get(this.key(from, id, to))?.delete(toId);
    this.links.get(this.key(to, toId, from))?.delete(id);
  }

  remove(from: ObjectType, id: string, to: ObjectType, toId: string, typeId: number): void {
    const t = this.types.get(typeId);
    this.set(from, id, to, toId, typeId, false);
    if (t) this.set(to, toId, from, id, t.inverse, false);
  }
}
