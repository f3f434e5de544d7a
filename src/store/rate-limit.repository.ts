// Fixed-window rate-limit counters shared by every web instance. A hit is one upsert (INSERT … ON CONFLICT DO
// UPDATE SET hits = hits + 1 RETURNING hits), atomic on SQLite (one writer) and on PostgreSQL (the conflicting
// row is locked), so concurrent hits on two instances are both counted. Windows start at multiples of the
// window length since the epoch: every instance puts a hit at the same instant into the same row.
import type { RateLimitRepository } from '../domain/ports.ts';
import { count, toIso } from './codecs.ts';
import type { Session } from './session.ts';

export function rateLimitRepository(s: Session): RateLimitRepository {
  return {
    async hit(bucket, windowMs, now) {
      if (!Number.isInteger(windowMs) || windowMs <= 0) throw new Error(`A rate-limit window must be a positive whole number of ms, not ${windowMs}.`);
      const start = Math.floor(now.getTime() / windowMs) * windowMs;
      const resetAt = new Date(start + windowMs);
      const row = await s.db().insertInto('rate_limits')
        .values({ bucket, window_start: toIso(new Date(start)), hits: 1, expires_at: toIso(resetAt) })
        .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet((eb) => ({ hits: eb('rate_limits.hits', '+', 1) })))
        .returning('hits')
        .executeTakeFirstOrThrow();
      return { count: count.parse(row.hits), resetAt };
    },

    async purge(before) {
      const r = await s.db().deleteFrom('rate_limits').where('expires_at', '<', toIso(before)).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
