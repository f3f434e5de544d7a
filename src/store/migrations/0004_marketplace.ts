// The offer marketplace: deadline notices (reminders, overdue marks and revocations, each recorded once per
// lead and deadline so `tick` is idempotent for any clock), partners' away periods, the points ledger (one row
// per booking, unique by its idempotency key) and the opportunity plan stored with each lead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deadline_notices')
    .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id').onDelete('cascade'))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // Not a foreign key, like lead_events.partner_id: a notice must never fail to record.
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deadline_notices_pk', ['lead_id', 'due_at', 'kind'])
    .execute();

  await db.schema
    .createTable('partner_away')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('from_at', 'text', (c) => c.notNull())
    .addColumn('to_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('partner_away_partner').on('partner_away').columns(['partner_id', 'to_at']).execute();
  await db.schema.createIndex('partner_away_to').on('partner_away').column('to_at').execute();

  await db.schema
    .createTable('points_ledger')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('lead_id', 'text')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('points', 'real', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_ledger_at').on('points_ledger').column('at').execute();
  await db.schema.createIndex('points_ledger_partner').on('points_ledger').columns(['partner_id', 'at']).execute();

  await db.schema
    .createTable('opportunity_plans')
    .addColumn('lead_id', 'text', (c) => c.primaryKey().references('leads.id').onDelete('cascade'))
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['opportunity_plans', 'points_ledger', 'partner_away', 'deadline_notices']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
