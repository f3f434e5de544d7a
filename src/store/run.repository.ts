// Job runs (sync, flush, reminders …): start, finish with a summary, and the last few for `leadrelay status`.
import { z } from 'zod';
import type { RunRepository } from '../domain/ports.ts';
import { isoDate, json, parseRows, record, toFlag, toIso, toJson } from './codecs.ts';
import type { Session } from './session.ts';

const runRow = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    started_at: isoDate,
    finished_at: isoDate.nullable(),
    ok: z.union([z.literal(0), z.literal(1), z.null()]),
    summary: json(record),
  })
  .transform((r) => ({
    id: r.id, kind: r.kind, startedAt: r.started_at, finishedAt: r.finished_at, ok: r.ok === null ? null : r.ok === 1,
    summary: r.summary,
  }));

export function runRepository(s: Session): RunRepository {
  return {
    async start(kind, now) {
      const row = await s.db().insertInto('runs')
        .values({ kind, started_at: toIso(now), finished_at: null, ok: null, summary: '{}' })
        .returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async finish(id, now, summary, ok) {
      await s.db().updateTable('runs').set({ finished_at: toIso(now), ok: toFlag(ok), summary: toJson(summary) })
        .where('id', '=', id).execute();
    },

    /** Newest first. */
    async last(kind, limit) {
      const rows = await s.db().selectFrom('runs').selectAll().where('kind', '=', kind).orderBy('id', 'desc').limit(limit).execute();
      return parseRows(runRow, rows, 'runs');
    },
  };
}
