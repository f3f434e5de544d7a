// Report mails carry a CSV attachment (issue 7). Stored with the mail so the sender stays the only place that
// talks SMTP and a retry sends exactly what was queued. JSON: [{ filename, contentType, content }] (text
// content only: CSV), null for mails without attachments.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('attachments', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('attachments').execute();
}
