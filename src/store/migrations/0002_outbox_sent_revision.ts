// The revision of an outbox item that a flush sent without learning the outcome (the process died before the
// acknowledgement committed). A restarted flush asks the CRM whether that exact snapshot already landed
// before sending it again, so a kill -9 mid-flush re-writes nothing.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('sent_revision', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('sent_revision').execute();
}
