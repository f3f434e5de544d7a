// The webhook inbox (near-real-time ingestion): events are stored before the CRM gets its 2xx, processed after.
// The primary key (crm, event_id) deduplicates redeliveries; processed rows are purged after a retention time.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('webhook_inbox')
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'text')
    .addPrimaryKeyConstraint('webhook_inbox_pk', ['crm', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_inbox_pending').on('webhook_inbox').columns(['crm', 'processed_at', 'received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_inbox').ifExists().execute();
}
