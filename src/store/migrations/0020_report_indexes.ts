// Indexes for KPI reports (src/store/report.repository.ts): the facts of a period are found by time, for the
// whole channel or for a set of partners. Without them a weekly report scans a year of offers, events and
// feedback. Plain B-tree indexes: the same DDL on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';

const indexes: ReadonlyArray<readonly [name: string, table: string, columns: readonly string[]]> = [
  ['offers_offered_at', 'offers', ['offered_at']],
  ['offers_partner_offered_at', 'offers', ['partner_id', 'offered_at']],
  ['offers_closed_at', 'offers', ['closed_at']],
  ['leads_received_at', 'leads', ['received_at']],
  // (type, at): a report reads 7 of the ~20 event types; the index skips the rest (viewed, offered, reminder …).
  ['lead_events_type_at', 'lead_events', ['type', 'at']],
  ['lead_events_partner_at', 'lead_events', ['partner_id', 'at']],
  ['feedback_at', 'feedback', ['at']],
  ['feedback_partner_at', 'feedback', ['partner_id', 'at']],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns([...columns]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of indexes) await db.schema.dropIndex(name).execute();
}
