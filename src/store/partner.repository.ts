// Partners: upsert from the CRM (or local config), the organisation tree, and performance figures.
import { z } from 'zod';
import type { ExpressionBuilder, Insertable } from 'kysely';
import { crmKinds } from '../domain/lead.ts';
import { partnerDataSchema } from '../domain/partner.ts';
import type { Partner } from '../domain/partner.ts';
import type { IncomingPartner, PartnerRepository } from '../domain/ports.ts';
import { isoDate, json, parseRow, parseRows, toFlag, toIso, toJson } from './codecs.ts';
import { chunksFor, lockForUpdate } from './engine.ts';
import { partnerStats } from './partner-stats.ts';
import type { Database, PartnersTable } from './schema.ts';
import type { Db, Session } from './session.ts';

const partnerRow = z
  .object({
    id: z.string(),
    crm: z.enum([...crmKinds, 'local']),
    external_id: z.string(),
    parent_id: z.string().nullable(),
    data: json(partnerDataSchema),
    content_hash: z.string(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .transform((r): Partner => ({
    id: r.id, crm: r.crm, externalId: r.external_id, parentId: r.parent_id, data: r.data, contentHash: r.content_hash,
    createdAt: r.created_at, updatedAt: r.updated_at,
  }));

const toPartner = (row: unknown): Partner => parseRow(partnerRow, row, 'partners');
const PARTNER_COLUMN_COUNT = 12;

function toRow(p: Partner): Insertable<PartnersTable> {
  return {
    id: p.id, crm: p.crm, external_id: p.externalId, parent_external_id: p.data.parentExternalId, parent_id: p.parentId,
    kind: p.data.kind, data: toJson(p.data), content_hash: p.contentHash, active: toFlag(p.data.active),
    level: p.data.level, created_at: toIso(p.createdAt), updated_at: toIso(p.updatedAt),
  };
}

const keyOf = (crm: string, externalId: string): string => `${crm}\u0000${externalId}`;

/**
 * Point parent_id at the partner whose external id (same crm) is the child's parentExternalId. Runs on every
 * upsert for rows still unresolved (a parent may arrive pages or runs after its children) and for the rows
 * changed now (a partner moved to another distributor). A parent that never arrives leaves parent_id null.
 */
async function resolveParents(db: Db, changedIds: readonly string[], maxParams: number): Promise<void> {
  const parentOf = (eb: ExpressionBuilder<Database, 'partners'>) =>
    eb.selectFrom('partners as p').select('p.id')
      .whereRef('p.crm', '=', 'partners.crm').whereRef('p.external_id', '=', 'partners.parent_external_id');
  await db.updateTable('partners').set((eb) => ({ parent_id: parentOf(eb) }))
    .where('parent_external_id', 'is not', null).where('parent_id', 'is', null).execute();
  for (const chunk of chunksFor(changedIds, 1, maxParams)) {
    await db.updateTable('partners').set((eb) => ({ parent_id: parentOf(eb) }))
      .where('parent_external_id', 'is not', null).where('id', 'in', chunk).execute();
  }
  // A partner whose parent was removed in the CRM leaves the tree.
  await db.updateTable('partners').set({ parent_id: null })
    .where('parent_external_id', 'is', null).where('parent_id', 'is not', null).execute();
}

export function partnerRepository(s: Session): PartnerRepository {
  return {
    async get(id) {
      const row = await s.db().selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toPartner(row);
    },

    /** External ids are unique per CRM; should two CRMs share one, the lowest crm name wins (deterministic). */
    async getByExternalId(externalId) {
      const row = await s.db().selectFrom('partners').selectAll().where('external_id', '=', externalId)
        .orderBy('crm').limit(1).executeTakeFirst();
      return row === undefined ? null : toPartner(row);
    },

    async upsertMany(batch: readonly IncomingPartner[], now, newId) {
      const counts = { created: 0, changed: 0, unchanged: 0 };
      if (batch.length === 0) return counts;
      return s.atomic(async (db) => {
        const current = new Map<string, Partner>();
        for (const crm of new Set(batch.map((p) => p.crm))) {
          const ids = [...new Set(batch.filter((p) => p.crm === crm).map((p) => p.externalId))];
          for (const chunk of chunksFor(ids, 1, s.maxParams)) {
            // Locked on PostgreSQL: a concurrent upsert of the same partners waits here instead of both
            // deciding from the same old row (see upsertIncoming in lead.repository.ts).
            const q = db.selectFrom('partners').selectAll().where('crm', '=', crm).where('external_id', 'in', chunk);
            const rows = await lockForUpdate(q, s.engine.dialect).execute();
            for (const p of parseRows(partnerRow, rows, 'partners')) current.set(keyOf(p.crm, p.externalId), p);
          }
        }
        const dirty = new Map<string, Partner>();
        for (const inc of batch) {
          const key = keyOf(inc.crm, inc.externalId);
          const prev = current.get(key);
          if (prev !== undefined && prev.contentHash === inc.contentHash) {
            counts.unchanged++;
            continue;
          }
          const next: Partner = prev === undefined
            ? { id: newId(), crm: inc.crm, externalId: inc.externalId, parentId: null, data: inc.data, contentHash: inc.contentHash, createdAt: now, updatedAt: now }
            : { ...prev, data: inc.data, contentHash: inc.contentHash, updatedAt: now };
          if (prev === undefined) counts.created++;
          else counts.changed++;
          current.set(key, next);
          dirty.set(key, next);
        }
        for (const chunk of chunksFor([...dirty.values()], PARTNER_COLUMN_COUNT, s.maxParams)) {
          await db.insertInto('partners').values(chunk.map(toRow))
            .onConflict((oc) => oc.columns(['crm', 'external_id']).doUpdateSet((eb) => ({
              parent_external_id: eb.ref('excluded.parent_external_id'),
              kind: eb.ref('excluded.kind'),
              data: eb.ref('excluded.data'),
              content_hash: eb.ref('excluded.content_hash'),
              active: eb.ref('excluded.active'),
              level: eb.ref('excluded.level'),
              updated_at: eb.ref('excluded.updated_at'),
            })))
            .execute();
        }
        await resolveParents(db, [...dirty.values()].map((p) => p.id), s.maxParams);
        return counts;
      });
    },

    async listActive() {
      const rows = await s.db().selectFrom('partners').selectAll().where('active', '=', 1).orderBy('id').execute();
      return parseRows(partnerRow, rows, 'partners');
    },

    async list() {
      return parseRows(partnerRow, await s.db().selectFrom('partners').selectAll().orderBy('id').execute(), 'partners');
    },

    /** Recursive CTE; UNION (not UNION ALL) drops repeats, so a cycle in bad CRM data still terminates. */
    async descendants(id) {
      const rows = await s.db()
        .withRecursive('tree(id)', (db) => db.selectFrom('partners').select('partners.id').where('partners.parent_id', '=', id)
          .union(db.selectFrom('partners').innerJoin('tree', 'tree.id', 'partners.parent_id').select('partners.id')))
        .selectFrom('partners').innerJoin('tree', 'tree.id', 'partners.id').selectAll('partners')
        .where('partners.id', '!=', id).orderBy('partners.id').execute();
      return parseRows(partnerRow, rows, 'partners');
    },

    stats: (partnerIds, now, recentWindowDays) => partnerStats(s, partnerIds, now, recentWindowDays),
  };
}
