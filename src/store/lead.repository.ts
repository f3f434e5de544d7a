// Leads: batch upsert from the CRM pull and optimistic saves from the lifecycle.
//
// Column ownership (why `save` does not write every column): crm_stamp, crm_converted and crm_opportunity_id
// belong to the CRM pull. `upsertIncoming` refreshes them on an unchanged record *without* a version bump, so
// a reservation racing with a pull must not write its stale copy of them back. Everything else a lifecycle
// change can touch (including data, e.g. a qualifier completing a field) is written by `save`.
import { z } from 'zod';
import type { Insertable } from 'kysely';
import { leadDataSchema, leadStatuses, temperatures } from '../domain/lead.ts';
import type { CrmKind, Lead } from '../domain/lead.ts';
import type { IncomingLead, LeadQuery, LeadRepository, UpsertOutcome } from '../domain/ports.ts';
import { crmKind, flag, isoDate, json, parseRow, parseRows, qualificationSchema, toFlag, toIso, toIsoOrNull, toJson } from './codecs.ts';
import { chunksFor, lockForUpdate } from './engine.ts';
import type { LeadsTable } from './schema.ts';
import type { Db, Session } from './session.ts';

const nullableDate = isoDate.nullable();

const leadRow = z
  .object({
    id: z.string(),
    crm: crmKind,
    external_id: z.string(),
    status: z.enum(leadStatuses),
    status_changed_at: isoDate,
    temperature: z.enum(temperatures),
    data: json(leadDataSchema),
    content_hash: z.string(),
    qualification: json(qualificationSchema).nullable(),
    wave: z.number().int(),
    partner_id: z.string().nullable(),
    reserved_at: nullableDate,
    reserved_by_user_id: z.string().nullable(),
    feedback_due_at: nullableDate,
    last_feedback_at: nullableDate,
    crm_stamp: z.string(),
    crm_converted: flag,
    crm_opportunity_id: z.string().nullable(),
    received_at: isoDate,
    updated_at: isoDate,
    version: z.number().int(),
  })
  .transform((r): Lead => ({
    id: r.id, crm: r.crm, externalId: r.external_id, data: r.data, contentHash: r.content_hash, status: r.status,
    statusChangedAt: r.status_changed_at, temperature: r.temperature, qualification: r.qualification, wave: r.wave,
    partnerId: r.partner_id, reservedAt: r.reserved_at, reservedByUserId: r.reserved_by_user_id,
    feedbackDueAt: r.feedback_due_at, lastFeedbackAt: r.last_feedback_at, crmStamp: r.crm_stamp,
    crmConverted: r.crm_converted, crmOpportunityId: r.crm_opportunity_id, receivedAt: r.received_at,
    updatedAt: r.updated_at, version: r.version,
  }));

export const toLead = (row: unknown): Lead => parseRow(leadRow, row, 'leads');

/** The columns `save` writes: everything but identity and the CRM-owned refresh columns (see top). */
function lifecycleColumns(lead: Lead) {
  return {
    status: lead.status,
    status_changed_at: toIso(lead.statusChangedAt),
    temperature: lead.temperature,
    data: toJson(lead.data),
    content_hash: lead.contentHash,
    qualification: lead.qualification === null ? null : toJson(lead.qualification),
    wave: lead.wave,
    partner_id: lead.partnerId,
    reserved_at: toIsoOrNull(lead.reservedAt),
    reserved_by_user_id: lead.reservedByUserId,
    feedback_due_at: toIsoOrNull(lead.feedbackDueAt),
    last_feedback_at: toIsoOrNull(lead.lastFeedbackAt),
    updated_at: toIso(lead.updatedAt),
    version: lead.version,
  };
}

function toRow(lead: Lead): Insertable<LeadsTable> {
  return {
    ...lifecycleColumns(lead),
    id: lead.id,
    crm: lead.crm,
    external_id: lead.externalId,
    crm_stamp: lead.crmStamp,
    crm_converted: toFlag(lead.crmConverted),
    crm_opportunity_id: lead.crmOpportunityId,
    received_at: toIso(lead.receivedAt),
  };
}
const LEAD_COLUMN_COUNT = 21;

const keyOf = (crm: string, externalId: string): string => `${crm}\u0000${externalId}`;

function newLead(inc: IncomingLead, now: Date, id: string): Lead {
  return {
    id, crm: inc.crm, externalId: inc.externalId, data: inc.data, contentHash: inc.contentHash, status: 'new',
    statusChangedAt: now,
    // The CRM's hint until qualification decides; unknown counts as cold (the honest default for partners).
    temperature: inc.data.temperature ?? 'cold',
    qualification: null, wave: 0, partnerId: null, reservedAt: null, reservedByUserId: null, feedbackDueAt: null,
    lastFeedbackAt: null, crmStamp: inc.crmStamp, crmConverted: inc.crmConverted, crmOpportunityId: inc.crmOpportunityId,
    receivedAt: now, updatedAt: now, version: 1,
  };
}

async function loadExisting(s: Session, db: Db, batch: readonly IncomingLead[]): Promise<Map<string, Lead>> {
  const byCrm = new Map<CrmKind, Set<string>>();
  for (const inc of batch) {
    const ids = byCrm.get(inc.crm) ?? new Set<string>();
    ids.add(inc.externalId);
    byCrm.set(inc.crm, ids);
  }
  const found = new Map<string, Lead>();
  for (const [crm, ids] of byCrm) {
    for (const chunk of chunksFor([...ids], 1, s.maxParams)) {
      const q = db.selectFrom('leads').selectAll().where('crm', '=', crm).where('external_id', 'in', chunk);
      const rows = await lockForUpdate(q, s.engine.dialect).execute();
      for (const lead of parseRows(leadRow, rows, 'leads')) found.set(keyOf(lead.crm, lead.externalId), lead);
    }
  }
  return found;
}

export function leadRepository(s: Session): LeadRepository {
  return {
    async get(id) {
      const row = await s.db().selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toLead(row);
    },

    async getByExternalId(crm, externalId) {
      const row = await s.db().selectFrom('leads').selectAll()
        .where('crm', '=', crm).where('external_id', '=', externalId).executeTakeFirst();
      return row === undefined ? null : toLead(row);
    },

    /**
     * One transaction: read the existing rows of the batch (chunked IN lists), decide per record in memory,
     * then write all created/changed/refreshed rows with multi-row `INSERT … ON CONFLICT DO UPDATE`.
     * A record repeated in one batch is handled in order (the second sees the first). Rows that differ in
     * nothing are not written at all. The read and the write are safe together: SQLite serialises transactions;
     * PostgreSQL locks the rows read (FOR UPDATE) and, for records new to both racers, its SERIALIZABLE
     * transaction fails the second insert with 40001 and the session re-runs it, which then sees the row.
     */
    async upsertIncoming(batch, now, newId) {
      if (batch.length === 0) return [];
      return s.atomic(async (db) => {
        const current = await loadExisting(s, db, batch);
        const dirty = new Map<string, Lead>();
        const outcomes: UpsertOutcome[] = [];
        for (const inc of batch) {
          const key = keyOf(inc.crm, inc.externalId);
          const prev = current.get(key);
          let next: Lead;
          if (prev === undefined) {
            next = newLead(inc, now, newId());
            outcomes.push({ kind: 'created', lead: next });
          } else if (prev.contentHash !== inc.contentHash) {
            next = {
              ...prev, data: inc.data, contentHash: inc.contentHash, crmStamp: inc.crmStamp, crmConverted: inc.crmConverted,
              crmOpportunityId: inc.crmOpportunityId, updatedAt: now, version: prev.version + 1,
            };
            outcomes.push({ kind: 'changed', lead: next, previous: prev });
          } else {
            const same = prev.crmStamp === inc.crmStamp && prev.crmConverted === inc.crmConverted
              && prev.crmOpportunityId === inc.crmOpportunityId;
            next = same ? prev : { ...prev, crmStamp: inc.crmStamp, crmConverted: inc.crmConverted, crmOpportunityId: inc.crmOpportunityId };
            outcomes.push({ kind: 'unchanged', lead: next });
            if (same) continue;
          }
          current.set(key, next);
          dirty.set(key, next);
        }
        for (const chunk of chunksFor([...dirty.values()], LEAD_COLUMN_COUNT, s.maxParams)) {
          await db.insertInto('leads').values(chunk.map(toRow))
            .onConflict((oc) => oc.columns(['crm', 'external_id']).doUpdateSet((eb) => ({
              data: eb.ref('excluded.data'),
              content_hash: eb.ref('excluded.content_hash'),
              crm_stamp: eb.ref('excluded.crm_stamp'),
              crm_converted: eb.ref('excluded.crm_converted'),
              crm_opportunity_id: eb.ref('excluded.crm_opportunity_id'),
              updated_at: eb.ref('excluded.updated_at'),
              version: eb.ref('excluded.version'),
            })))
            .execute();
        }
        return outcomes;
      });
    },

    /**
     * `UPDATE … WHERE id = ? AND version = lead.version - 1`: the caller read version n and passes n + 1.
     * Two racing reservations both read n; the first UPDATE moves the row to n + 1, the second matches no row
     * and gets false. That single statement is what makes a reservation first-come-first-served, exactly once.
     */
    async save(lead) {
      const r = await s.db().updateTable('leads').set(lifecycleColumns(lead))
        .where('id', '=', lead.id).where('version', '=', lead.version - 1)
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    /** Filters are ANDed; an empty list filter matches nothing. Oldest received first. */
    async indexKeys(leadId, keys, receivedAt) {
      if (keys.length === 0) return;
      const at = toIso(receivedAt);
      await s.db().insertInto('lead_keys').values(keys.map((key) => ({ key, lead_id: leadId, received_at: at })))
        .onConflict((oc) => oc.columns(['key', 'lead_id']).doNothing()).execute();
    },

    async findByKeys(keys, since) {
      if (keys.length === 0) return [];
      const rows = await s.db().selectFrom('leads').selectAll('leads')
        .where('leads.id', 'in', (eb) => eb.selectFrom('lead_keys').select('lead_id')
          .where('key', 'in', keys).where('received_at', '>=', toIso(since)))
        .orderBy('leads.received_at', 'desc').orderBy('leads.id').execute();
      return parseRows(leadRow, rows, 'leads');
    },

    async list(q: LeadQuery) {
      if (q.status?.length === 0 || q.partnerIds?.length === 0) return [];
      let query = s.db().selectFrom('leads').selectAll();
      if (q.status !== undefined) query = query.where('status', 'in', q.status);
      if (q.partnerId !== undefined) query = query.where('partner_id', '=', q.partnerId);
      if (q.partnerIds !== undefined) query = query.where('partner_id', 'in', q.partnerIds);
      if (q.feedbackDueBefore !== undefined) query = query.where('feedback_due_at', '<', toIso(q.feedbackDueBefore));
      query = query.orderBy('received_at').orderBy('id');
      // OFFSET needs a LIMIT in SQLite; "no limit" is spelled as the largest safe one.
      if (q.limit !== undefined || q.offset !== undefined) query = query.limit(q.limit ?? Number.MAX_SAFE_INTEGER);
      if (q.offset !== undefined) query = query.offset(q.offset);
      return parseRows(leadRow, await query.execute(), 'leads');
    },

    /** Every known status is present (0 when none), plus any unknown one found in the table. */
    async countByStatus() {
      const rows = await s.db().selectFrom('leads').select((eb) => ['status', eb.fn.countAll().as('n')]).groupBy('status').execute();
      const out: Record<string, number> = Object.fromEntries(leadStatuses.map((st) => [st, 0]));
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },
  };
}
