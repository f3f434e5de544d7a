// What the repositories need from a database engine. Everything dialect-specific lives in the engine
// (sqlite.ts today, postgres.ts later): the repositories only speak portable kysely.
//
// Note for a PostgreSQL engine: SQLite serialises every transaction (one connection, BEGIN IMMEDIATE), which
// is what makes read-then-write methods (leads.upsertIncoming, partners.upsertMany, outbox.quarantine) safe.
// With a connection pool those reads need `FOR UPDATE` (or SERIALIZABLE + retry); leads.save needs nothing.
import type { Kysely, RawBuilder } from 'kysely';
import type { Database } from './schema.ts';

export interface Engine {
  readonly db: Kysely<Database>;
  /** Opens a write transaction. SQLite: `BEGIN IMMEDIATE` takes the write lock up front (see sqlite.ts). */
  readonly begin: RawBuilder<unknown>;
  /**
   * Most bound parameters one statement may carry; batch writes are chunked to stay below it.
   * SQLite (better-sqlite3 12): SQLITE_MAX_VARIABLE_NUMBER = 32766. PostgreSQL: 65535.
   */
  readonly maxParams: number;
}

/** Split rows so that `rows × paramsPerRow` stays under the engine's parameter limit. */
export function chunksFor<T>(rows: readonly T[], paramsPerRow: number, maxParams: number): T[][] {
  const size = Math.max(1, Math.floor((maxParams - 16) / Math.max(1, paramsPerRow)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
