// The initial schema. Written with kysely's schema builder so the PostgreSQL adapter can follow it closely;
// the SQLite-only bit is `autoIncrement()` (PG: `generatedAlwaysAsIdentity()`).
//
// Ids of outbox, quarantine, events and runs use AUTOINCREMENT on purpose: SQLite would otherwise reuse the
// id of a deleted last row, and a flush that still holds `{ id, revision: 1 }` of a dropped write-back could
// then complete an unrelated new one.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('parent_external_id', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('partners.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('level', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('partners_crm_external_id', ['crm', 'external_id'])
    .execute();
  await db.schema.createIndex('partners_parent_id').on('partners').column('parent_id').execute();
  await db.schema.createIndex('partners_external_id').on('partners').column('external_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .execute();
  await db.schema.createIndex('users_org_id').on('users').column('org_id').execute();

  await db.schema
    .createTable('leads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('temperature', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('qualification', 'text')
    .addColumn('wave', 'integer', (c) => c.notNull())
    // Reservations and feedback reference partners; users are not foreign keys because user sync may lag.
    .addColumn('partner_id', 'text', (c) => c.references('partners.id'))
    .addColumn('reserved_at', 'text')
    .addColumn('reserved_by_user_id', 'text')
    .addColumn('feedback_due_at', 'text')
    .addColumn('last_feedback_at', 'text')
    .addColumn('crm_stamp', 'text', (c) => c.notNull())
    .addColumn('crm_converted', 'integer', (c) => c.notNull())
    .addColumn('crm_opportunity_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('leads_crm_external_id', ['crm', 'external_id'])
    .execute();
  await db.schema.createIndex('leads_status').on('leads').column('status').execute();
  await db.schema.createIndex('leads_partner_id').on('leads').columns(['partner_id', 'status']).execute();
  await db.schema.createIndex('leads_feedback_due_at').on('leads').column('feedback_due_at').execute();

  await db.schema
    .createTable('offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('wave', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('offered_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('decline_reason', 'text')
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addUniqueConstraint('offers_lead_partner', ['lead_id', 'partner_id'])
    .execute();
  await db.schema.createIndex('offers_partner_status').on('offers').columns(['partner_id', 'status']).execute();
  await db.schema.createIndex('offers_status_expires').on('offers').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('feedback')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount', 'real')
    .addColumn('close_date', 'text')
    .addColumn('lost_reason', 'text')
    .addColumn('comment', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feedback_lead').on('feedback').column('lead_id').execute();

  await db.schema
    .createTable('lead_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    // Not a foreign key: the audit trail must never fail to append.
    .addColumn('partner_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lead_events_lead').on('lead_events').column('lead_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('quarantine_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Coalescing: at most one pending write-back per CRM record. The predicate is a literal (SQLite refuses
  // parameters in a partial index, and the upsert's conflict target must repeat it verbatim).
  await db.schema.createIndex('outbox_pending_key').on('outbox').column('key').unique()
    .where(sql.ref('status'), '=', sql.lit('pending')).execute();
  await db.schema.createIndex('outbox_status_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_key').on('outbox').column('key').execute();

  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'integer', (c) => c.references('outbox.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('quarantine_record', ['kind', 'crm', 'object', 'external_id'])
    .execute();
  await db.schema.createIndex('quarantine_outbox').on('quarantine').column('outbox_id').execute();

  await db.schema
    .createTable('sync_cursors')
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('stamp', 'text', (c) => c.notNull())
    .addColumn('last_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_cursors_pk', ['crm', 'object'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('ok', 'integer')
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('runs_kind').on('runs').columns(['kind', 'id']).execute();

  await db.schema
    .createTable('kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['kv', 'runs', 'sync_cursors', 'quarantine', 'outbox', 'lead_events', 'feedback', 'offers', 'leads', 'users', 'partners']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
