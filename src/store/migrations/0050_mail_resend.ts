// Mails are resent after an unknown outcome (the sender died or the connection broke mid-send), always with the
// Message-ID fixed when the mail was first claimed. `resends` counts those resends (each one a possible second
// delivery of the same Message-ID); `smtp_response` keeps the server's final reply ("250 2.0.0 Ok: queued as
// 4Xyz…") so a person can find the mail in the mail server's log.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('resends', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('mail_outbox').addColumn('smtp_response', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('smtp_response').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('resends').execute();
}
