// Versioned migrations, provided in code (no directory scan: works the same from tsx, a bundle or a test).
// Add `0002_<what>.ts` and a line below; never edit a migration that has shipped.
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_outbox_sent_revision.ts';
import * as m0003 from './0003_lead_keys.ts';
import * as m0004 from './0004_marketplace.ts';
import * as m0010 from './0010_web_identity.ts';
import * as m0011 from './0011_mail_outbox.ts';
import * as m0040 from './0040_webhook_inbox.ts';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001,
  '0002_outbox_sent_revision': m0002,
  '0003_lead_keys': m0003,
  '0004_marketplace': m0004,
  '0010_web_identity': m0010,
  '0011_mail_outbox': m0011,
  '0040_webhook_inbox': m0040,
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };

/** Bring the schema to the latest version; returns the names applied now (empty when up to date). */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Store migration ${failed} failed; the database is left at the last good version. Fix the cause and run \`leadrelay migrate\` again.`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
