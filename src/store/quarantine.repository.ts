// Quarantine: CRM records that failed the mapping (kind 'record') and write-backs that cannot be sent
// (kind 'write-back', entered by outbox.quarantine). One id space for both, so list/drop need no kind.
import { z } from 'zod';
import type { QuarantinedRecord, QuarantineRepository } from '../domain/ports.ts';
import { count, crmKind, isoDate, json, parseRows, quarantineReasonSchema, toIso, toJson } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const entryRow = z
  .object({
    id: z.number().int(),
    kind: z.enum(['record', 'write-back']),
    crm: crmKind,
    object: z.string(),
    external_id: z.string(),
    reason: json(quarantineReasonSchema),
    payload: json(z.unknown()),
    created_at: isoDate,
    attempts: z.number().int(),
  })
  .transform((r): QuarantinedRecord => ({
    id: r.id, kind: r.kind, crm: r.crm, object: r.object, externalId: r.external_id, reason: r.reason,
    payload: r.payload, createdAt: r.created_at, attempts: r.attempts,
  }));

const COLUMNS = ['id', 'kind', 'crm', 'object', 'external_id', 'reason', 'payload', 'created_at', 'attempts'] as const;

export function quarantineRepository(s: Session): QuarantineRepository {
  return {
    /**
     * Upsert by (crm, object, externalId): a later failure of the same record replaces reason and payload and
     * counts one more attempt; createdAt keeps the first failure.
     */
    async putRecord(r, now) {
      const at = toIso(now);
      const reason = toJson(r.reason);
      const payload = toJson(r.payload);
      await s.db().insertInto('quarantine')
        .values({
          kind: 'record', crm: r.crm, object: r.object, external_id: r.externalId, outbox_id: null, reason, payload,
          attempts: 1, created_at: at, updated_at: at,
        })
        .onConflict((oc) => oc.columns(['kind', 'crm', 'object', 'external_id']).doUpdateSet((eb) => ({
          reason, payload, attempts: eb('quarantine.attempts', '+', 1), updated_at: at,
        })))
        .execute();
    },

    /** A good version of these records arrived: their record entries go. Returns how many were removed. */
    async release(crm, object, externalIds) {
      if (externalIds.length === 0) return 0;
      return s.atomic(async (db) => {
        let n = 0;
        for (const chunk of chunksFor(externalIds, 1, s.maxParams - 8)) {
          const r = await db.deleteFrom('quarantine').where('kind', '=', 'record').where('crm', '=', crm)
            .where('object', '=', object).where('external_id', 'in', chunk).executeTakeFirst();
          n += Number(r.numDeletedRows);
        }
        return n;
      });
    },

    /** Oldest first; no limit when none is given. */
    async list(kind, limit) {
      let q = s.db().selectFrom('quarantine').select(COLUMNS);
      if (kind !== undefined) q = q.where('kind', '=', kind);
      q = q.orderBy('id');
      if (limit !== undefined) q = q.limit(limit);
      return parseRows(entryRow, await q.execute(), 'quarantine');
    },

    /** Forget entries for good; a dropped write-back leaves the outbox too (it will never be sent). */
    async drop(ids) {
      if (ids.length === 0) return 0;
      return s.atomic(async (db) => {
        let n = 0;
        for (const chunk of chunksFor(ids, 1, s.maxParams)) {
          const items = await db.selectFrom('quarantine').select('outbox_id').where('id', 'in', chunk)
            .where('outbox_id', 'is not', null).execute();
          const outboxIds = items.flatMap((i) => (i.outbox_id === null ? [] : [i.outbox_id]));
          if (outboxIds.length > 0) await db.deleteFrom('outbox').where('id', 'in', outboxIds).execute(); // cascades
          const r = await db.deleteFrom('quarantine').where('id', 'in', chunk).executeTakeFirst();
          n += Number(r.numDeletedRows) + outboxIds.length;
        }
        return n;
      });
    },

    async count() {
      const rows = await s.db().selectFrom('quarantine').select((eb) => ['kind', eb.fn.countAll().as('n')]).groupBy('kind').execute();
      const of = (k: string): number => count.parse(rows.find((r) => r.kind === k)?.n ?? 0);
      return { record: of('record'), writeBack: of('write-back') };
    },
  };
}
