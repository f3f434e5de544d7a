// The outbox of write-backs: written in the same transaction as the change that caused it, flushed in batches.
//
// Why it is safe to kill -9 at any point: an item is a *full-state snapshot*, not a delta. At most one pending
// row exists per CRM record (partial unique index on key WHERE status = 'pending'); a newer snapshot replaces
// the pending one and bumps its revision. `complete` only marks done the revision that was sent, so a
// snapshot coalesced during a flush stays pending and goes out next time. A crash between "sent" and "marked
// done" re-sends the same snapshot, which the CRM absorbs (upsert by external id).
//
// Quarantined write-backs stay in this table (status 'quarantined', with the reason) and get an entry in the
// quarantine table, so `quarantine.list/drop` show and remove them with the records in one id space.
// `requeueQuarantined(ids)` takes those quarantine entry ids (what an operator sees), or 'all'.
import { z } from 'zod';
import { sql } from 'kysely';
import { crmKinds } from '../domain/lead.ts';
import type { CrmKind } from '../domain/lead.ts';
import type { OutboxItem, OutboxRepository } from '../domain/ports.ts';
import { writeBackKey } from '../domain/write-back.ts';
import type { WriteBack } from '../domain/write-back.ts';
import { count, isoDate, json, parseRow, parseRows, toIso, toJson, writeBackSchema } from './codecs.ts';
import { chunksFor, lockForUpdate } from './engine.ts';
import type { Db, Session } from './session.ts';

const outboxRow = z
  .object({
    id: z.number().int(),
    key: z.string(),
    payload: json(writeBackSchema),
    revision: z.number().int(),
    attempts: z.number().int(),
    next_attempt_at: isoDate,
    last_error: z.string().nullable(),
    sent_revision: z.number().int().nullable(),
  })
  .transform((r): OutboxItem => ({
    id: r.id, key: r.key, writeBack: r.payload, revision: r.revision, attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at, lastError: r.last_error, sentRevision: r.sent_revision,
  }));

const COLUMNS = ['id', 'key', 'payload', 'revision', 'attempts', 'next_attempt_at', 'last_error', 'sent_revision'] as const;
/** Literal, not a parameter: the upsert's conflict target must match the partial index predicate. */
const PENDING = sql.lit('pending' as const);
const MAX_ERROR_CHARS = 2000;
/** (id, revision) pairs per statement: OR chains stay well under SQLite's expression depth limit (1000). */
const PAIRS_PER_STATEMENT = 200;

async function crmOf(db: Db, wb: WriteBack): Promise<CrmKind> {
  const row = wb.target === 'partner'
    ? await db.selectFrom('partners').select('crm').where('id', '=', wb.partnerId).executeTakeFirst()
    : await db.selectFrom('leads').select('crm').where('id', '=', wb.leadId).executeTakeFirst();
  const crm = crmKinds.find((k) => k === row?.crm);
  // Only CRM-backed leads and partners produce write-backs; anything else is a bug upstream.
  if (crm === undefined) throw new Error(`Outbox: cannot quarantine ${writeBackKey(wb)}: its lead or partner has no CRM.`);
  return crm;
}

export function outboxRepository(s: Session): OutboxRepository {
  return {
    /**
     * Coalesce by `writeBackKey`: a pending item with the key gets the new payload, revision + 1, attempts 0 and
     * next_attempt_at = now; otherwise a new item (revision 1). Within one batch the last snapshot per key wins.
     * Re-enqueueing an identical snapshot changes nothing (no revision bump, backoff kept): it would only
     * cause a needless re-send.
     */
    async enqueue(items, now) {
      if (items.length === 0) return;
      const latest = new Map<string, WriteBack>();
      for (const wb of items) latest.set(writeBackKey(wb), wb);
      const at = toIso(now);
      const rows = [...latest].map(([key, wb]) => ({
        key, target: wb.target, payload: toJson(wb), revision: 1, status: 'pending' as const, attempts: 0,
        next_attempt_at: at, last_error: null, quarantine_reason: null, sent_revision: null, created_at: at, updated_at: at,
      }));
      await s.atomic(async (db) => {
        for (const chunk of chunksFor(rows, 11, s.maxParams)) {
          await db.insertInto('outbox').values(chunk)
            .onConflict((oc) => oc.column('key').where('status', '=', PENDING).doUpdateSet((eb) => {
              const same = eb('outbox.payload', '=', eb.ref('excluded.payload'));
              return {
                payload: eb.ref('excluded.payload'),
                revision: eb.case().when(same).then(eb.ref('outbox.revision')).else(eb('outbox.revision', '+', 1)).end(),
                attempts: eb.case().when(same).then(eb.ref('outbox.attempts')).else(0).end(),
                next_attempt_at: eb.case().when(same).then(eb.ref('outbox.next_attempt_at')).else(eb.ref('excluded.next_attempt_at')).end(),
                last_error: eb.case().when(same).then(eb.ref('outbox.last_error')).else(null).end(),
                updated_at: eb.ref('excluded.updated_at'),
              };
            }))
            .execute();
        }
      });
    },

    /** Pending items with next_attempt_at <= now, oldest (first enqueued) first. */
    async due(now, limit, targets) {
      if (targets?.length === 0 || limit <= 0) return [];
      let q = s.db().selectFrom('outbox').select(COLUMNS)
        .where('status', '=', 'pending').where('next_attempt_at', '<=', toIso(now));
      if (targets !== undefined) q = q.where('target', 'in', targets);
      return parseRows(outboxRow, await q.orderBy('id').limit(limit).execute(), 'outbox');
    },

    /** Committed before the CRM call: after a crash, `sentRevision === revision` marks a snapshot that may have landed. */
    async markSent(sent) {
      if (sent.length === 0) return;
      await s.atomic(async (db) => {
        for (const chunk of chunksFor(sent, 1, PAIRS_PER_STATEMENT)) {
          await db.updateTable('outbox').set((eb) => ({ sent_revision: eb.ref('revision') }))
            .where('status', '=', 'pending')
            .where((eb) => eb.or(chunk.map((d) => eb.and([eb('id', '=', d.id), eb('revision', '=', d.revision)]))))
            .execute();
        }
      });
    },

    /**
     * Marks done the items whose revision is still the one sent; returns how many. A quarantined older snapshot
     * of the same record is obsolete once a newer one got through, so it leaves the quarantine too.
     */
    async complete(done, now) {
      if (done.length === 0) return 0;
      return s.atomic(async (db) => {
        let n = 0;
        for (const chunk of chunksFor(done, 1, PAIRS_PER_STATEMENT)) {
          const r = await db.updateTable('outbox').set({ status: 'done', updated_at: toIso(now) })
            .where('status', '=', 'pending')
            .where((eb) => eb.or(chunk.map((d) => eb.and([eb('id', '=', d.id), eb('revision', '=', d.revision)]))))
            .executeTakeFirst();
          n += Number(r.numUpdatedRows);
          await db.deleteFrom('outbox').where('status', '=', 'quarantined')
            .where((eb) => eb.exists(eb.selectFrom('outbox as d').select('d.id')
              .whereRef('d.key', '=', 'outbox.key').whereRef('d.id', '>', 'outbox.id').where('d.status', '=', 'done')
              .where('d.id', 'in', chunk.map((d) => d.id))))
            .execute();
        }
        return n;
      });
    },

    /** Ignored when the revision moved on: the newer snapshot deserves a fresh first attempt. */
    async retryLater(id, revision, nextAttemptAt, error) {
      await s.db().updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: toIso(nextAttemptAt), last_error: error.slice(0, MAX_ERROR_CHARS) }))
        .where('id', '=', id).where('revision', '=', revision).where('status', '=', 'pending')
        .execute();
    },

    /**
     * Move a pending item out of the queue with its reason (ignored when its revision moved on: the newer
     * snapshot may well pass). One quarantined snapshot per record: an older one is replaced.
     */
    async quarantine(id, revision, reason, now) {
      await s.atomic(async (db) => {
        // Locked on PostgreSQL: an enqueue coalescing into this item (revision + 1) waits, or this read waits for
        // it and then finds the revision moved on, so a newer snapshot is never quarantined by mistake.
        const row = await lockForUpdate(db.selectFrom('outbox').select(COLUMNS)
          .where('id', '=', id).where('revision', '=', revision).where('status', '=', 'pending'), s.engine.dialect).executeTakeFirst();
        if (row === undefined) return;
        const item = parseRow(outboxRow, row, 'outbox');
        const wb = item.writeBack;
        const crm = await crmOf(db, wb);
        const at = toIso(now);
        await db.deleteFrom('outbox').where('key', '=', item.key).where('status', '=', 'quarantined').execute();
        await db.updateTable('outbox')
          .set((eb) => ({
            status: 'quarantined', attempts: eb('attempts', '+', 1), last_error: reason.message.slice(0, MAX_ERROR_CHARS),
            quarantine_reason: toJson(reason), updated_at: at,
          }))
          .where('id', '=', id).execute();
        const entry = {
          kind: 'write-back' as const, crm, object: wb.target, external_id: wb.externalId, outbox_id: id,
          reason: toJson(reason), payload: toJson(wb), attempts: item.attempts + 1, created_at: at, updated_at: at,
        };
        await db.insertInto('quarantine').values(entry)
          .onConflict((oc) => oc.columns(['kind', 'crm', 'object', 'external_id']).doUpdateSet({
            outbox_id: id, reason: entry.reason, payload: entry.payload, attempts: entry.attempts, updated_at: at,
          }))
          .execute();
      });
    },

    async backlog() {
      const r = await s.db().selectFrom('outbox')
        .select((eb) => [
          eb.fn.sum(eb.case().when('status', '=', 'pending').then(1).else(0).end()).as('pending'),
          eb.fn.min(eb.case().when('status', '=', 'pending').then(eb.ref('created_at')).end()).as('oldest'),
          eb.fn.sum(eb.case().when('status', '=', 'quarantined').then(1).else(0).end()).as('quarantined'),
        ])
        .where('status', 'in', ['pending', 'quarantined'])
        .executeTakeFirstOrThrow();
      const oldest = z.string().nullable().parse(r.oldest ?? null);
      return { pending: count.parse(r.pending), oldest: oldest === null ? null : isoDate.parse(oldest), quarantined: count.parse(r.quarantined) };
    },

    /**
     * Back to pending, attempts 0, due now. `ids` are quarantine entry ids (QuarantinedRecord.id of kind
     * 'write-back'). A quarantined snapshot that a newer item of the same record superseded (pending or already
     * done) is dropped instead: re-sending it would put stale state into the CRM. Returns the number requeued.
     */
    async requeueQuarantined(ids, now) {
      if (ids !== 'all' && ids.length === 0) return 0;
      return s.atomic(async (db) => {
        let q = db.selectFrom('quarantine').innerJoin('outbox', 'outbox.id', 'quarantine.outbox_id')
          .select((eb) => [
            'quarantine.id as entry', 'outbox.id as item',
            eb.exists(eb.selectFrom('outbox as newer').select('newer.id')
              .whereRef('newer.key', '=', 'outbox.key').whereRef('newer.id', '>', 'outbox.id')).as('superseded'),
          ])
          .where('quarantine.kind', '=', 'write-back').where('outbox.status', '=', 'quarantined');
        if (ids !== 'all') q = q.where('quarantine.id', 'in', ids);
        const found = await q.execute();
        const stale = found.filter((f) => Boolean(f.superseded)).map((f) => f.item);
        const fresh = found.filter((f) => !f.superseded);
        const at = toIso(now);
        for (const chunk of chunksFor(stale, 1, s.maxParams)) await db.deleteFrom('outbox').where('id', 'in', chunk).execute();
        for (const chunk of chunksFor(fresh, 2, s.maxParams)) {
          await db.deleteFrom('quarantine').where('id', 'in', chunk.map((f) => f.entry)).execute();
          await db.updateTable('outbox')
            .set({ status: 'pending', attempts: 0, next_attempt_at: at, last_error: null, quarantine_reason: null, updated_at: at })
            .where('id', 'in', chunk.map((f) => f.item)).execute();
        }
        return fresh.length;
      });
    },
  };
}
