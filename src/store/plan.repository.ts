// Opportunity plans, one per lead, stored as validated JSON and read back through the same zod schema.
// Versioned like leads: the holding partner and the channel manager may edit at the same time, and the
// second save of the same version loses instead of silently overwriting.
import { z } from 'zod';
import { opportunityPlanSchema } from '../domain/opportunity-plan.ts';
import type { StoredPlan } from '../domain/opportunity-plan.ts';
import type { PlanRepository } from '../domain/ports.ts';
import { isoDate, json, parseRow, toIso, toJson } from './codecs.ts';
import type { Session } from './session.ts';

const planRow = z
  .object({ lead_id: z.string(), plan: json(opportunityPlanSchema), version: z.number().int(), updated_at: isoDate, updated_by: z.string() })
  .transform((r): StoredPlan => ({ leadId: r.lead_id, plan: r.plan, version: r.version, updatedAt: r.updated_at, updatedBy: r.updated_by }));

export function planRepository(s: Session): PlanRepository {
  return {
    async get(leadId) {
      const row = await s.db().selectFrom('opportunity_plans').selectAll().where('lead_id', '=', leadId).executeTakeFirst();
      return row === undefined ? null : parseRow(planRow, row, 'opportunity_plans');
    },

    async put(p) {
      const values = { plan: toJson(p.plan), version: p.version, updated_at: toIso(p.updatedAt), updated_by: p.updatedBy };
      if (p.version === 1) {
        const r = await s.db().insertInto('opportunity_plans').values({ lead_id: p.leadId, ...values })
          .onConflict((oc) => oc.column('lead_id').doNothing()).executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
      }
      const r = await s.db().updateTable('opportunity_plans').set(values)
        .where('lead_id', '=', p.leadId).where('version', '=', p.version - 1).executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },
  };
}
