// Versioned migrations, provided in code (no directory scan: works the same from tsx, a bundle or a test).
// Never edit a migration that has shipped.
//
// Two lists, one per engine, with the same names in the same order:
// - A *portable* migration (kysely's schema builder, no raw SQL of one dialect) is one module used by both
//   lists: add `import * as m00NN from './00NN_<what>.ts'` once, then one line in `sqliteMigrations` and one
//   line in `postgresMigrations`. On PostgreSQL it runs through PostgresSchemaPlugin (postgres/schema-plugin.ts),
//   which turns `autoIncrement()` into an identity column, `real` into `double precision` and gives text
//   columns byte-order collation; so write migrations exactly as for SQLite, with the types used so far
//   (text, integer, real) and timestamps as ISO text.
// - Only a migration that needs dialect-specific SQL gets a second module under `postgres/` (same name),
//   listed in `postgresMigrations` instead of the portable one.
// Numbering: 0001–0019 store/web, 0020–0059 reserved for reports, job leases, rate limits, streaming, mail.
// The test in test/store/postgres.int.test.ts fails when the two lists' names differ.
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import type { Dialect } from '../engine.ts';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_outbox_sent_revision.ts';
import * as m0003 from './0003_lead_keys.ts';
import * as m0004 from './0004_marketplace.ts';
import * as m0010 from './0010_web_identity.ts';
import * as m0011 from './0011_mail_outbox.ts';
import * as m0020 from './0020_report_indexes.ts';
import * as m0030 from './0030_job_leases.ts';
import * as m0031 from './0031_rate_limits.ts';
import * as m0040 from './0040_webhook_inbox.ts';
import * as m0050 from './0050_mail_resend.ts';
import * as m0060 from './0060_mail_attachments.ts';
import { PostgresSchemaPlugin } from './postgres/schema-plugin.ts';

export const sqliteMigrations: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001,
  '0002_outbox_sent_revision': m0002,
  '0003_lead_keys': m0003,
  '0004_marketplace': m0004,
  '0010_web_identity': m0010,
  '0011_mail_outbox': m0011,
  '0020_report_indexes': m0020,
  '0030_job_leases': m0030,
  '0031_rate_limits': m0031,
  '0040_webhook_inbox': m0040,
  '0050_mail_resend': m0050,
  '0060_mail_attachments': m0060,
};

export const postgresMigrations: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001,
  '0002_outbox_sent_revision': m0002,
  '0003_lead_keys': m0003,
  '0004_marketplace': m0004,
  '0010_web_identity': m0010,
  '0011_mail_outbox': m0011,
  '0020_report_indexes': m0020,
  '0030_job_leases': m0030,
  '0031_rate_limits': m0031,
  '0040_webhook_inbox': m0040,
  '0050_mail_resend': m0050,
  '0060_mail_attachments': m0060,
};

/** The SQLite list, under its historical name (tests and tools read it). */
export const migrations = sqliteMigrations;

export const migrationsFor = (dialect: Dialect): Readonly<Record<string, Migration>> =>
  (dialect === 'postgres' ? postgresMigrations : sqliteMigrations);

/** Bring the schema to the latest version; returns the names applied now (empty when up to date). */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: Dialect = 'sqlite'): Promise<string[]> {
  const list = migrationsFor(dialect);
  const provider: MigrationProvider = { getMigrations: async () => ({ ...list }) };
  // PostgreSQL: kysely's migrator runs each migration in a transaction and holds an advisory lock, so two
  // instances starting at once apply each migration once.
  // PostgreSQL: kysely looks for its bookkeeping tables in *every* schema unless told which one, so a second
  // leadrelay schema in the same database (or any other kysely user's) made it skip creating its own and fail.
  const schema = dialect === 'postgres' ? (await sql<{ s: string | null }>`select current_schema() as s`.execute(db)).rows[0]?.s ?? null : null;
  const migrator = new Migrator({
    db: dialect === 'postgres' ? db.withPlugin(new PostgresSchemaPlugin()) : db, provider, ...(schema === null ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Store migration ${failed} failed; the database is left at the last good version. Fix the cause and run \`leadrelay migrate\` again.`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
