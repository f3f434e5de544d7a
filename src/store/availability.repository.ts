// Partners' away periods (holidays): read by the offer stage (no offers while away) and by `tick` (feedback
// clocks stop while away). Periods may overlap; nothing is merged, the readers take them as a set.
import { z } from 'zod';
import type { AwayPeriod } from '../domain/availability.ts';
import type { AvailabilityRepository } from '../domain/ports.ts';
import { isoDate, parseRow, parseRows, toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const awayRow = z
  .object({
    id: z.number().int(), partner_id: z.string(), from_at: isoDate, to_at: isoDate, reason: z.string().nullable(),
    created_at: isoDate, created_by: z.string(),
  })
  .transform((r): AwayPeriod => ({
    id: r.id, partnerId: r.partner_id, from: r.from_at, to: r.to_at, reason: r.reason, createdAt: r.created_at, createdBy: r.created_by,
  }));

const COLUMNS = ['id', 'partner_id', 'from_at', 'to_at', 'reason', 'created_at', 'created_by'] as const;

export function availabilityRepository(s: Session): AvailabilityRepository {
  return {
    async add(p) {
      const row = await s.db().insertInto('partner_away').values({
        partner_id: p.partnerId, from_at: toIso(p.from), to_at: toIso(p.to), reason: p.reason, created_at: toIso(p.createdAt), created_by: p.createdBy,
      }).returning(COLUMNS).executeTakeFirstOrThrow();
      return parseRow(awayRow, row, 'partner_away');
    },

    async remove(id) {
      const r = await s.db().deleteFrom('partner_away').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows === 1n;
    },

    async list(partnerIds, endingAfter) {
      if (partnerIds !== 'all' && partnerIds.length === 0) return [];
      const base = () => s.db().selectFrom('partner_away').select(COLUMNS).where('to_at', '>', toIso(endingAfter));
      const rows = partnerIds === 'all'
        ? await base().execute()
        : (await Promise.all(chunksFor([...new Set(partnerIds)], 1, s.maxParams - 8).map((chunk) => base().where('partner_id', 'in', chunk).execute()))).flat();
      return parseRows(awayRow, rows, 'partner_away')
        .sort((a, b) => a.from.getTime() - b.from.getTime() || a.id - b.id);
    },
  };
}
