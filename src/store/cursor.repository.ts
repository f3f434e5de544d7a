// Pull cursors, one per (crm, object): saved after every page so a crash resumes where it stopped.
import { z } from 'zod';
import type { Cursor, CursorRepository } from '../domain/ports.ts';
import { crmKind, isoDate, parseRows, toIso } from './codecs.ts';
import type { Session } from './session.ts';

const cursorRow = z.object({ crm: crmKind, object: z.string(), stamp: z.string(), last_id: z.string().nullable(), updated_at: isoDate });

export function cursorRepository(s: Session): CursorRepository {
  return {
    async get(crm, object) {
      const row = await s.db().selectFrom('sync_cursors').selectAll().where('crm', '=', crm).where('object', '=', object).executeTakeFirst();
      if (row === undefined) return null;
      const [r] = parseRows(cursorRow, [row], 'sync_cursors');
      return r === undefined ? null : { stamp: r.stamp, lastId: r.last_id };
    },

    async set(crm, object, cursor: Cursor, now) {
      const at = toIso(now);
      await s.db().insertInto('sync_cursors')
        .values({ crm, object, stamp: cursor.stamp, last_id: cursor.lastId, updated_at: at })
        .onConflict((oc) => oc.columns(['crm', 'object']).doUpdateSet({ stamp: cursor.stamp, last_id: cursor.lastId, updated_at: at }))
        .execute();
    },

    async list() {
      const rows = await s.db().selectFrom('sync_cursors').selectAll().orderBy('crm').orderBy('object').execute();
      return parseRows(cursorRow, rows, 'sync_cursors').map((r) => ({
        crm: r.crm, object: r.object, cursor: { stamp: r.stamp, lastId: r.last_id }, updatedAt: r.updated_at,
      }));
    },
  };
}
