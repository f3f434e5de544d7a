// The lead history (audit trail): append-only, read back in the order written.
import { z } from 'zod';
import type { LeadEvent } from '../domain/offer.ts';
import type { EventRepository } from '../domain/ports.ts';
import { isoDate, json, leadEventTypes, parseRows, record, toIso, toJson } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const eventRow = z
  .object({
    lead_id: z.string(),
    at: isoDate,
    type: z.enum(leadEventTypes),
    actor: z.string(),
    partner_id: z.string().nullable(),
    data: json(record),
  })
  .transform((r): LeadEvent => ({ leadId: r.lead_id, at: r.at, type: r.type, actor: r.actor, partnerId: r.partner_id, data: r.data }));

export function eventRepository(s: Session): EventRepository {
  return {
    async append(events) {
      if (events.length === 0) return;
      const rows = events.map((e) => ({
        lead_id: e.leadId, at: toIso(e.at), type: e.type, actor: e.actor, partner_id: e.partnerId, data: toJson(e.data),
      }));
      await s.atomic(async (db) => {
        for (const chunk of chunksFor(rows, 6, s.maxParams)) await db.insertInto('lead_events').values(chunk).execute();
      });
    },

    /** In append order (the autoincrement id), which is also time order for a well-behaved clock. */
    async listByLead(leadId) {
      const rows = await s.db().selectFrom('lead_events').select(['lead_id', 'at', 'type', 'actor', 'partner_id', 'data'])
        .where('lead_id', '=', leadId).orderBy('id').execute();
      return parseRows(eventRow, rows, 'lead_events');
    },
  };
}
