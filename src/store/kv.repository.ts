// Small durable settings (rotated refresh tokens, API usage snapshots): last write wins.
import type { KeyValueRepository } from '../domain/ports.ts';
import { toIso } from './codecs.ts';
import type { Session } from './session.ts';

export function kvRepository(s: Session): KeyValueRepository {
  return {
    async get(key) {
      const row = await s.db().selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value ?? null;
    },

    async set(key, value, now) {
      const at = toIso(now);
      await s.db().insertInto('kv').values({ key, value, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute();
    },
  };
}
