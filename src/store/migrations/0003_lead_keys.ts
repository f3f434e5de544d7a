// Duplicate detection index: hashed identity keys (email, phone, company + country) of leads, so a new lead
// finds an earlier one of the same person or company in one indexed lookup. Only hashes are stored: the table
// adds no personal data to the database.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lead_keys')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id').onDelete('cascade'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lead_keys_pk', ['key', 'lead_id'])
    .execute();
  await db.schema.createIndex('lead_keys_lead_id').on('lead_keys').column('lead_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lead_keys').execute();
}
