// The points ledger: append-only bookings, each unique by its idempotency key (`reserve:<lead>:<at>`,
// `won:<lead>` …), so the action that books them can be retried without booking twice. Balances are sums over
// a half-open time range, computed in SQL (one grouped query).
import { z } from 'zod';
import { pointsRules } from '../domain/points.ts';
import type { PointsEntry } from '../domain/points.ts';
import type { PointsRange, PointsRepository } from '../domain/ports.ts';
import { count, isoDate, parseRows, toIso } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const entryRow = z
  .object({
    key: z.string(), partner_id: z.string(), lead_id: z.string().nullable(), rule: z.enum(pointsRules), points: z.number(), at: isoDate,
  })
  .transform((r): PointsEntry => ({ key: r.key, partnerId: r.partner_id, leadId: r.lead_id, rule: r.rule, points: r.points, at: r.at }));

export function pointsRepository(s: Session): PointsRepository {
  const ranged = (range: PointsRange) => {
    let q = s.db().selectFrom('points_ledger');
    if (range.from !== undefined) q = q.where('at', '>=', toIso(range.from));
    if (range.to !== undefined) q = q.where('at', '<', toIso(range.to));
    if (range.partnerId !== undefined) q = q.where('partner_id', '=', range.partnerId);
    return q;
  };
  return {
    async add(entries) {
      if (entries.length === 0) return 0;
      return s.atomic(async (db) => {
        let booked = 0;
        const rows = entries.map((e) => ({ key: e.key, partner_id: e.partnerId, lead_id: e.leadId, rule: e.rule, points: e.points, at: toIso(e.at) }));
        for (const chunk of chunksFor(rows, 6, s.maxParams)) {
          const r = await db.insertInto('points_ledger').values(chunk).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
          booked += Number(r.numInsertedOrUpdatedRows ?? 0n);
        }
        return booked;
      });
    },

    async balances(range) {
      const rows = await ranged(range)
        .select((eb) => ['partner_id', eb.fn.sum<number>('points').as('points'), eb.fn.countAll().as('n')])
        .groupBy('partner_id').execute();
      return rows
        .map((r) => ({ partnerId: r.partner_id, points: Number(r.points), entries: count.parse(r.n) }))
        .sort((a, b) => b.points - a.points || (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0));
    },

    async entries(range) {
      const rows = await ranged(range).select(['key', 'partner_id', 'lead_id', 'rule', 'points', 'at']).orderBy('at').orderBy('id').execute();
      return parseRows(entryRow, rows, 'points_ledger');
    },
  };
}
