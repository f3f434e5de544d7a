// Rate limits shared by every `leadrelay serve` instance: a store for @fastify/rate-limit that counts in the
// database (store.rateLimits, fixed one-minute windows) instead of a per-process LRU, so a client spreading its
// requests over N instances behind a load balancer still gets `max`, not N × max. Also the per-email sign-in
// limit (auth-pages.ts) goes through `limiter()` here.
//
// Keys are hashed before they are stored: the table then holds no client addresses, user ids or email
// addresses, and rows are purged an hour after their window (web/server.ts housekeeping).
// Cost: one upsert per request (SQLite: one short write transaction; PostgreSQL: one row lock).
//
// @fastify/rate-limit's store contract (v11, store/LocalStore.js): `new Store(globalOptions)`,
// `incr(key, cb(err, { current, ttl }), timeWindow, max)`, and `child(routeOptions)` for routes with their own
// limit (each such route counts separately, as with the default store).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock, RateLimitRepository } from '../domain/ports.ts';
import { sha256 } from './auth/tokens.ts';

/**
 * What `child()` really receives (index.js mergeParams): the merged limit options plus `routeInfo`, the route's
 * options. The published types say RouteOptions, so we read it through this shape.
 */
interface RouteLimitOptions { readonly routeInfo?: { readonly method?: string | readonly string[]; readonly url?: string } }

const bucketOf = (namespace: string, key: string): string => `${namespace}|${sha256(key).slice(0, 32)}`;

/** Count one hit on `key` within a `windowMs` window; allowed while the count is at most `max`. */
export function limiter(repo: RateLimitRepository, clock: Clock, namespace: string, max: number, windowMs: number) {
  return async (key: string): Promise<boolean> => (await repo.hit(bucketOf(namespace, key), windowMs, clock.now())).count <= max;
}

/** The constructor to pass as `store` to @fastify/rate-limit. */
export function databaseRateLimitStore(repo: RateLimitRepository, clock: Clock): FastifyRateLimitStoreCtor {
  const make = (namespace: string): FastifyRateLimitStore => ({
    incr(key, cb, timeWindow) {
      const now = clock.now();
      repo.hit(bucketOf(namespace, key), Math.max(1, Math.trunc(timeWindow)), now).then(
        (r) => cb(null, { current: r.count, ttl: Math.max(0, r.resetAt.getTime() - now.getTime()) }),
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e)), { current: 0, ttl: 0 }),
      );
    },
    child(routeOptions) {
      const r = (routeOptions as unknown as RouteLimitOptions).routeInfo;
      const method = [r?.method ?? '*'].flat().join(',');
      return make(`${method} ${r?.url ?? '*'}`);
    },
  });
  // A class, because the plugin calls `new Store(globalOptions)`; the global limit counts under `global`.
  return class DatabaseRateLimitStore {
    constructor(_options?: unknown) {
      return make('global');
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
