// The webhook inbox: a CRM's webhook events are stored here before the CRM gets its 2xx (so an acknowledged event
// is never lost), deduplicated by event id (CRMs redeliver), and marked processed in the transaction that ingests
// their records (src/sync/realtime-inbox.ts).
import type { CrmKind } from '../domain/lead.ts';
import type { InboxEvent, WebhookInboxRepository } from '../domain/ports.ts';
import { toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

export function webhookInboxRepository(s: Session): WebhookInboxRepository {
  return {
    accept(crm: CrmKind, events: readonly InboxEvent[], now: Date) {
      return s.atomic(async (db) => {
        const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
        const fresh: InboxEvent[] = [];
        for (const chunk of chunksFor(unique, 1, s.maxParams - 2)) {
          const seen = new Set((await db.selectFrom('webhook_inbox').select('event_id').where('crm', '=', crm)
            .where('event_id', 'in', chunk.map((e) => e.eventId)).execute()).map((r) => r.event_id));
          fresh.push(...chunk.filter((e) => !seen.has(e.eventId)));
        }
        const rows = fresh.map((e) => ({
          crm, event_id: e.eventId, object_id: e.objectId, kind: e.kind, occurred_at: toIso(e.occurredAt), received_at: toIso(now), processed_at: null,
        }));
        for (const chunk of chunksFor(rows, 7, s.maxParams)) await db.insertInto('webhook_inbox').values(chunk).execute();
        return fresh;
      });
    },

    async pending(crm, limit) {
      const rows = await s.db().selectFrom('webhook_inbox').selectAll().where('crm', '=', crm).where('processed_at', 'is', null)
        .orderBy('received_at').orderBy('event_id').limit(limit).execute();
      return rows.map((r) => ({ eventId: r.event_id, objectId: r.object_id, kind: r.kind, occurredAt: new Date(r.occurred_at) }));
    },

    async markProcessed(crm, eventIds, now) {
      for (const chunk of chunksFor([...eventIds], 1, s.maxParams - 2)) {
        await s.db().updateTable('webhook_inbox').set({ processed_at: toIso(now) }).where('crm', '=', crm).where('event_id', 'in', chunk).execute();
      }
    },

    async purge(before) {
      const r = await s.db().deleteFrom('webhook_inbox').where('processed_at', 'is not', null).where('received_at', '<', toIso(before)).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
