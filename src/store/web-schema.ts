// Table shapes of the web client and mail outbox (migrations 0010–0019), merged into `Database` in schema.ts.
// Same storage choices as there: ISO text timestamps, 0/1 flags, JSON as TEXT parsed with zod on read.
import type { Generated } from 'kysely';

type Iso = string;

export interface WebTables {
  web_sessions: { hash: string; user_id: string; created_at: Iso; expires_at: Iso; last_seen_at: Iso };
  magic_links: { hash: string; user_id: string; created_at: Iso; expires_at: Iso; used_at: Iso | null };
  action_links: { nonce: string; user_id: string; lead_id: string; action: string; used_at: Iso };
  api_tokens: { id: string; user_id: string; name: string; hash: string; created_at: Iso; last_used_at: Iso | null; revoked_at: Iso | null };
  user_passwords: { user_id: string; hash: string; updated_at: Iso };
  user_scopes: { user_id: string; kind: string; value: string };
  notification_prefs: { user_id: string; prefs: string; updated_at: Iso };
  lead_reps: { lead_id: string; partner_id: string; user_id: string; assigned_by: string; assigned_at: Iso };
  mail_outbox: {
    id: Generated<number>;
    dedupe_key: string;
    kind: string;
    user_id: string | null;
    lead_id: string | null;
    to_address: string;
    subject: string;
    html: string;
    text: string;
    created_at: Iso;
    status: string;
    attempts: number;
    next_attempt_at: Iso;
    claimed_at: Iso | null;
    sent_at: Iso | null;
    message_id: string | null;
    last_error: string | null;
    /** JSON MailAttachment[] (migration 0060); null without attachments. */
    attachments: string | null;
    resends: Generated<number>;
    smtp_response: string | null;
  };
  mail_digest_items: { user_id: string; lead_id: string; offer_id: string; created_at: Iso; taken_by: string | null };
}
