// Report slices: which part of the channel a report covers. Parsing is pure; resolving a slice to partner ids
// needs the store (external ids, a distributor's descendants, a channel manager's portfolio), so it is async.
//
// Partner slices (partner, organisation, portfolio) count what the slice's partners did: their offers,
// reservations, feedback, revocations, points. Attribute slices (region, product, source, campaign,
// temperature) count everything done on the leads that match, whoever did it.
import type { Store } from '../domain/ports.ts';
import type { ReportLead } from '../domain/report-data.ts';
import { temperatures } from '../domain/lead.ts';
import type { Partner } from '../domain/partner.ts';
import { portfolio } from '../web/auth/slice.ts';
import type { Slice } from './model.ts';

export class SliceError extends Error {
  override readonly name = 'SliceError';
}

/** What the computation filters by: a partner set and/or a lead predicate. */
export interface SliceScope {
  /** null: any partner. */
  readonly partnerIds: ReadonlySet<string> | null;
  /** Attribute slices: only these leads. */
  readonly lead: ((lead: ReportLead) => boolean) | null;
  /** Portfolio territories: escalated leads in them are the channel manager's too (as on the web). */
  readonly territory: ((lead: ReportLead) => boolean) | null;
}

const attributeKinds = ['region', 'product', 'source', 'campaign', 'temperature'] as const;
const usage = 'use all, partner:<id>, organisation:<id>, portfolio:<user id or email>, region:<name>, product:<name>, source:<name>, campaign:<name> or temperature:hot|warm|cold';

/** Parse `all`, `partner:<id>`, `organisation:<id>`, `portfolio:<user>`, `region:`, `product:`, `source:`, `campaign:`, `temperature:`. */
export function parseSlice(input: string): Slice {
  const text = input.trim();
  if (text === 'all') return { kind: 'all' };
  const colon = text.indexOf(':');
  if (colon <= 0) throw new SliceError(`--slice ${input}: not a slice; ${usage}`);
  const kind = text.slice(0, colon);
  const value = text.slice(colon + 1).trim();
  if (value === '') throw new SliceError(`--slice ${input}: ${kind}: needs a value after the colon`);
  if (kind === 'partner' || kind === 'organisation') return { kind, id: value };
  if (kind === 'portfolio') return { kind, userId: value };
  if ((attributeKinds as readonly string[]).includes(kind)) {
    if (kind === 'temperature' && !(temperatures as readonly string[]).includes(value.toLowerCase())) {
      throw new SliceError(`--slice ${input}: temperature must be one of ${temperatures.join(', ')}`);
    }
    return { kind: kind as (typeof attributeKinds)[number], value };
  }
  throw new SliceError(`--slice ${input}: unknown slice kind "${kind}"; ${usage}`);
}

export function sliceLabel(slice: Slice, names: { partner?: Partner | null; user?: string | null } = {}): string {
  switch (slice.kind) {
    case 'all': return 'All partners';
    case 'partner': return `Partner ${names.partner?.data.name ?? slice.id}`;
    case 'organisation': return `Organisation ${names.partner?.data.name ?? slice.id} (with its resellers)`;
    case 'portfolio': return `Portfolio of ${names.user ?? slice.userId}`;
    default: return `${slice.kind[0]!.toUpperCase()}${slice.kind.slice(1)} ${slice.value}`;
  }
}

const same = (a: string | null, b: string): boolean => a !== null && a.toLowerCase() === b.toLowerCase();

/** The lead predicate of an attribute slice (case-insensitive; region matches the lead's region or country). */
export function leadPredicate(slice: Slice): ((lead: ReportLead) => boolean) | null {
  switch (slice.kind) {
    case 'region': return (l) => same(l.region, slice.value) || same(l.country, slice.value);
    case 'product': return (l) => l.products.some((p) => same(p, slice.value));
    case 'source': return (l) => same(l.source, slice.value);
    case 'campaign': return (l) => same(l.campaign, slice.value);
    case 'temperature': return (l) => same(l.temperature, slice.value);
    default: return null;
  }
}

export interface ResolvedSlice {
  /** Canonical: partner ids are internal ids, a portfolio names the user id. */
  readonly slice: Slice;
  readonly label: string;
  readonly scope: SliceScope;
}

/** Resolve a parsed slice against the store: external ids and emails become ids; partner sets are computed. */
export async function resolveSlice(store: Store, slice: Slice): Promise<ResolvedSlice> {
  switch (slice.kind) {
    case 'all':
      return { slice, label: sliceLabel(slice), scope: { partnerIds: null, lead: null, territory: null } };
    case 'partner':
    case 'organisation': {
      const partner = (await store.partners.get(slice.id)) ?? (await store.partners.getByExternalId(slice.id));
      if (partner === null) throw new SliceError(`--slice ${slice.kind}:${slice.id}: no partner with this id or CRM id`);
      const ids = slice.kind === 'partner' ? [partner.id] : [partner.id, ...(await store.partners.descendants(partner.id)).map((p) => p.id)];
      const canonical: Slice = { kind: slice.kind, id: partner.id };
      return { slice: canonical, label: sliceLabel(canonical, { partner }), scope: { partnerIds: new Set(ids), lead: null, territory: null } };
    }
    case 'portfolio': {
      const user = (await store.users.get(slice.userId)) ?? (slice.userId.includes('@') ? await store.users.getByEmail(slice.userId) : null);
      if (user === null) throw new SliceError(`--slice portfolio:${slice.userId}: no user with this id or email`);
      if (!user.roles.includes('channel_manager')) {
        throw new SliceError(`--slice portfolio:${slice.userId}: ${user.email} is not a channel manager (roles: ${user.roles.join(', ') || 'none'})`);
      }
      const scopes = await store.identity.scopes(user.id);
      // The same portfolio the web client shows this manager (partners, their descendants, territories).
      const ids = portfolio(scopes, await store.partners.list());
      const countries = new Set(scopes.filter((s) => s.kind === 'country').map((s) => s.value.toUpperCase()));
      const regions = new Set(scopes.filter((s) => s.kind === 'region').map((s) => s.value.toLowerCase()));
      const territory = countries.size + regions.size === 0 ? null
        : (l: ReportLead): boolean => (l.country !== null && countries.has(l.country.toUpperCase())) || (l.region !== null && regions.has(l.region.toLowerCase()));
      const canonical: Slice = { kind: 'portfolio', userId: user.id };
      return { slice: canonical, label: sliceLabel(canonical, { user: user.name ?? user.email }), scope: { partnerIds: new Set(ids), lead: null, territory } };
    }
    default:
      return { slice, label: sliceLabel(slice), scope: { partnerIds: null, lead: leadPredicate(slice), territory: null } };
  }
}
