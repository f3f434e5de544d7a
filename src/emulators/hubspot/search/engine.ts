// POST /crm/v3/objects/{type}/search: runs over the search index (which lags behind writes), pages with an offset
// `after`, reports the full `total`, and refuses to page past 10,000 results with a 400. The sorted hit list of a
// query is cached until the index changes, so walking 25,000 records page by page costs one sort, not one per page.
// https://developers.hubspot.com/docs/guides/api/crm/search#limitations
import type { Account } from '../account.ts';
import type { Indexed } from '../data/store.ts';
import { indexedToWire, selectNames } from '../data/wire.ts';
import { validation } from '../http/errors.ts';
import { isObject, str } from '../http/http.ts';
import type { ObjectType } from '../types.ts';
import { comparator, compileGroups, MAX_LIMIT, parseSorts } from './filters.ts';
import type { Predicate } from './filters.ts';

interface Cached {
  generation: number;
  hits: Indexed[];
}

/** Free-text `query`: a prefix match on the words of the default searchable properties. */
const QUERY_PROPS: Record<ObjectType, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'phone', 'company', 'hs_object_id'],
  companies: ['name', 'domain', 'website', 'phone', 'hs_object_id'],
  deals: ['dealname', 'pipeline', 'dealstage', 'description', 'hs_object_id'],
};

function queryPredicate(type: ObjectType, q: unknown): Predicate | undefined {
  if (typeof q !== 'string' || q.trim() === '') return undefined;
  const words = q.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const props = QUERY_PROPS[type];
  return (r) => words.every((w) => props.some((p) => {
    const v = r.props.get(p)?.toLowerCase();
    return v !== undefined && (v.startsWith(w) || v.split(/[^\p{L}\p{N}]+/u).some((t) => t.startsWith(w)) || v === w);
  }));
}

export class SearchEngine {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly acct: Account) {}

  run(type: ObjectType, body: unknown): Record<string, unknown> {
    const req = isObject(body) ? body : {};
    const limit = req.limit === undefined || req.limit === null ? 10 : Number(req.limit);
    if (!Number.isInteger(limit) || limit < 0) throw validation(`There was a problem with the request. limit must be a non-negative integer, got ${str(req.limit)}.`);
    if (limit > MAX_LIMIT) throw validation(`There was a problem with the request. limit must be at most ${MAX_LIMIT}, got ${limit}.`);
    const afterRaw = req.after === undefined || req.after === null || req.after === '' ? '0' : str(req.after);
    if (!/^\d+$/.test(afterRaw)) throw validation(`There was a problem with the request. after must be the numeric offset from paging.next.after, got ${afterRaw}.`);
    const after = Number(afterRaw);
    const max = this.acct.config.searchMaxResults;
    if (after + limit > max) {
      // The 10,000 cap: the page that would reach past it is refused, even though paging.next.after offered it.
      throw validation(`There was a problem with the request. The search can return at most ${max} results (after + limit = ${after + limit}); narrow the query, e.g. by a time window, to see the rest.`, { subCategory: 'SEARCH_RESULT_LIMIT' });
    }
    const hits = this.hits(type, req);
    const page = hits.slice(after, after + limit);
    const names = selectNames(this.acct, type, Array.isArray(req.properties) ? req.properties.filter((p): p is string => typeof p === 'string') : undefined);
    const out: Record<string, unknown> = { total: hits.length, results: page.map((h) => indexedToWire(type, h, names)) };
    const next = after + limit;
    if (limit > 0 && next < hits.length) out.paging = { next: { after: String(next) } };
    return out;
  }

  private hits(type: ObjectType, req: Record<string, unknown>): Indexed[] {
    const index = this.acct.table(type).search;
    index.catchUp(this.acct.now());
    const cacheKey = `${type}\u0000${JSON.stringify([req.filterGroups ?? null, req.sorts ?? null, req.query ?? null])}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.generation === index.generation) return cached.hits;
    const match = compileGroups(this.acct, type, req.filterGroups);
    const sort = parseSorts(this.acct, type, req.sorts);
    const q = queryPredicate(type, req.query);
    const hits: Indexed[] = [];
    for (const r of index.visible.values()) if (match(r) && (!q || q(r))) hits.push(r);
    hits.sort(comparator(sort));
    if (this.cache.size >= 32) this.cache.delete(this.cache.keys().next().value ?? '');
    this.cache.set(cacheKey, { generation: index.generation, hits });
    return hits;
  }
}
