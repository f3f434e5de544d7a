// Job leases: `leadrelay daemon` instances sharing a database take a job's lease before running it, so each
// scheduled job runs on exactly one instance at a time (src/scheduler/lease.ts). Portable DDL only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('job_leases')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    // The fencing token: +1 on every acquisition, never reset (release expires the row, it does not delete it).
    // integer, not bigint: PG returns int4 as a number; 2^31 acquisitions at one a second last 68 years.
    .addColumn('token', 'integer', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addColumn('renewed_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_leases').ifExists().execute();
}
