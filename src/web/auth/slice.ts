// The slice (glossary): what one user may see and do, computed once per request from the user, their
// organisation and the partner tree. Every read goes through `slice.filter` (partner ids in the WHERE clause,
// domain/views.ts) and every change checks `actAs` / the capability flags here, so visibility never depends
// on which buttons a page happens to show.
//
// Roles only count where they make sense for the organisation: admin and channel_manager for manufacturer
// users, distributor/partner manager and sales rep for partner users, agency_qualifier for agencies. A
// partner user given `admin` by mistake gets nothing from it.
import type { UserScope } from '../../domain/identity.ts';
import type { Lead } from '../../domain/lead.ts';
import type { Partner, User, UserRole } from '../../domain/partner.ts';
import type { Store } from '../../domain/ports.ts';
import type { SliceFilter } from '../../domain/views.ts';

export type OrgKind = 'manufacturer' | 'partner' | 'agency' | 'unknown';

export interface Slice {
  readonly user: User;
  readonly orgKind: OrgKind;
  /** The user's partner organisation (partner users only). */
  readonly org: Partner | null;
  readonly roles: ReadonlySet<UserRole>;
  /** The partner on whose behalf the user reserves, declines and reports feedback; null = none. */
  readonly actAs: string | null;
  /** Partners whose records and held leads the user sees; 'all' only for admins. */
  readonly partnerIds: readonly string[] | 'all';
  /** For views: the partner ids, narrowed to the user's own leads for a sales rep. */
  readonly filter: SliceFilter;
  /** A channel manager's territories (upper-cased countries, lower-cased regions). */
  readonly territories: { readonly countries: ReadonlySet<string>; readonly regions: ReadonlySet<string> };
  readonly can: {
    readonly pick: boolean;
    readonly team: boolean;
    readonly overview: boolean;
    readonly assignEscalated: boolean;
    readonly passDown: boolean;
    readonly explain: boolean;
    readonly qualify: boolean;
    readonly admin: boolean;
  };
}

const manufacturerRoles: readonly UserRole[] = ['admin', 'channel_manager'];
const partnerRoles: readonly UserRole[] = ['distributor_manager', 'partner_manager', 'sales_rep'];

export function orgKindOf(orgId: string): OrgKind {
  if (orgId === 'manufacturer') return 'manufacturer';
  if (orgId.startsWith('agency:')) return 'agency';
  return orgId === '' ? 'unknown' : 'partner';
}

/** Partners a channel manager's portfolio covers: listed partners with their descendants, and territories. */
export function portfolio(scopes: readonly UserScope[], partners: readonly Partner[]): string[] {
  const ids = new Set<string>();
  const countries = new Set(scopes.filter((s) => s.kind === 'country').map((s) => s.value.toUpperCase()));
  const regions = new Set(scopes.filter((s) => s.kind === 'region').map((s) => s.value.toLowerCase()));
  const children = new Map<string, string[]>();
  for (const p of partners) if (p.parentId !== null) children.set(p.parentId, [...(children.get(p.parentId) ?? []), p.id]);
  const addTree = (id: string): void => {
    if (ids.has(id)) return;
    ids.add(id);
    for (const c of children.get(id) ?? []) addTree(c);
  };
  const known = new Set(partners.map((p) => p.id));
  for (const s of scopes) if (s.kind === 'partner' && known.has(s.value)) addTree(s.value);
  for (const p of partners) {
    if ((p.data.country !== null && countries.has(p.data.country.toUpperCase())) || p.data.regions.some((r) => regions.has(r.toLowerCase()))) addTree(p.id);
  }
  return [...ids].sort();
}

export async function computeSlice(store: Store, user: User): Promise<Slice> {
  const orgKind = orgKindOf(user.orgId);
  const allowed = orgKind === 'manufacturer' ? manufacturerRoles : orgKind === 'partner' ? partnerRoles : orgKind === 'agency' ? ['agency_qualifier' as const] : [];
  const roles = new Set(user.active ? user.roles.filter((r) => allowed.includes(r)) : []);
  const org = orgKind === 'partner' ? await store.partners.get(user.orgId) : null;
  let partnerIds: readonly string[] | 'all' = [];
  let actAs: string | null = null;
  let territories = { countries: new Set<string>(), regions: new Set<string>() };
  let repOnly = false;

  if (roles.has('admin')) partnerIds = 'all';
  else if (roles.has('channel_manager')) {
    const scopes = await store.identity.scopes(user.id);
    partnerIds = portfolio(scopes, await store.partners.list());
    territories = {
      countries: new Set(scopes.filter((s) => s.kind === 'country').map((s) => s.value.toUpperCase())),
      regions: new Set(scopes.filter((s) => s.kind === 'region').map((s) => s.value.toLowerCase())),
    };
  } else if (org !== null && roles.size > 0) {
    actAs = org.data.active ? org.id : null;
    if (roles.has('distributor_manager')) partnerIds = [org.id, ...(await store.partners.descendants(org.id)).map((p) => p.id)];
    else partnerIds = [org.id];
    repOnly = roles.has('sales_rep') && !roles.has('partner_manager') && !roles.has('distributor_manager');
  }
  const filter: SliceFilter = repOnly ? { partnerIds, repUserId: user.id } : { partnerIds };
  const has = (r: UserRole): boolean => roles.has(r);
  return {
    user, orgKind, org, roles, actAs, partnerIds, filter, territories,
    can: {
      pick: actAs !== null,
      team: has('partner_manager') && actAs !== null,
      overview: has('admin') || has('channel_manager') || has('distributor_manager'),
      assignEscalated: has('admin') || has('channel_manager'),
      passDown: has('distributor_manager') && actAs !== null,
      explain: has('admin') || has('channel_manager'),
      qualify: has('admin') || has('agency_qualifier'),
      admin: has('admin'),
    },
  };
}

export function seesPartner(slice: Slice, partnerId: string): boolean {
  return slice.partnerIds === 'all' || slice.partnerIds.includes(partnerId);
}

/** Whether an escalated (unclaimed) lead is this manager's: its territory, or offered to one of its partners. */
export function coversEscalation(slice: Slice, lead: Pick<Lead, 'data'>, offeredTo: readonly string[]): boolean {
  if (!slice.can.assignEscalated) return false;
  if (slice.partnerIds === 'all') return true;
  const country = lead.data.country?.toUpperCase();
  const region = lead.data.region?.toLowerCase();
  if ((country !== undefined && slice.territories.countries.has(country)) || (region !== undefined && slice.territories.regions.has(region))) return true;
  return offeredTo.some((p) => seesPartner(slice, p));
}
