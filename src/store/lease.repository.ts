// Job leases (several daemons on one database): a lease is a row per job with a holder, an expiry and a fencing
// token. Every change is one conditional statement, so two instances racing for a job cannot both win:
// - acquire: INSERT … ON CONFLICT (job) DO UPDATE … WHERE the row expired or is ours; RETURNING tells who won
//   (SQLite ≥ 3.35 and PostgreSQL both support upsert-with-WHERE and RETURNING);
// - renew / release: UPDATE … WHERE holder AND token match; 0 rows = someone took it over.
// Expiry times come from the caller's clock (the injected one), so instances need roughly synchronised clocks
// (NTP): a skew of s seconds shortens or lengthens the effective lease by s.
import { z } from 'zod';
import type { JobLease, LeaseRepository } from '../domain/ports.ts';
import { count, isoDate, parseRow, parseRows, toIso } from './codecs.ts';
import type { Session } from './session.ts';

const leaseRow = z.object({
  job: z.string(), holder: z.string(), token: count, acquired_at: isoDate, expires_at: isoDate,
}).transform((r): JobLease => ({ job: r.job, holder: r.holder, token: r.token, acquiredAt: r.acquired_at, expiresAt: r.expires_at }));

const columns = ['job', 'holder', 'token', 'acquired_at', 'expires_at'] as const;

function requireTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`A lease needs a positive duration, not ${ttlMs} ms (cluster.leaseSeconds).`);
}

export function leaseRepository(s: Session): LeaseRepository {
  return {
    async acquire(job, holder, now, ttlMs) {
      requireTtl(ttlMs);
      const at = toIso(now);
      const until = toIso(new Date(now.getTime() + ttlMs));
      const row = await s.db().insertInto('job_leases')
        .values({ job, holder, token: 1, acquired_at: at, renewed_at: at, expires_at: until })
        .onConflict((oc) => oc.column('job')
          .doUpdateSet((eb) => ({ holder, token: eb('job_leases.token', '+', 1), acquired_at: at, renewed_at: at, expires_at: until }))
          // Free only when expired (a release sets expires_at to the release time). Not "or already ours": a lease
          // is a mutex even for its holder, so one process can use a job's lease to keep two of its own code paths
          // apart (the tick's flush and the sync, see scheduler/daemon.ts), and a restart under a fixed
          // instanceId waits for its predecessor's lease like anyone else.
          .where('job_leases.expires_at', '<=', at))
        .returning(columns)
        .executeTakeFirst();
      return row === undefined ? null : parseRow(leaseRow, row, 'job_leases');
    },

    async renew(job, holder, token, now, ttlMs) {
      requireTtl(ttlMs);
      // Holder and token, not expiry: if our lease ran out but nobody acquired it since, the token is unchanged
      // and nobody else ran the job, so extending it is safe. Once another instance acquires, the token differs.
      const r = await s.db().updateTable('job_leases')
        .set({ renewed_at: toIso(now), expires_at: toIso(new Date(now.getTime() + ttlMs)) })
        .where('job', '=', job).where('holder', '=', holder).where('token', '=', token)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async release(job, holder, token, now) {
      const r = await s.db().updateTable('job_leases').set({ expires_at: toIso(now) })
        .where('job', '=', job).where('holder', '=', holder).where('token', '=', token)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async list() {
      return parseRows(leaseRow, await s.db().selectFrom('job_leases').select(columns).orderBy('job').execute(), 'job_leases');
    },
  };
}
