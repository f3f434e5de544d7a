// What the repositories need from a database engine. Everything dialect-specific lives in the engine
// (sqlite.ts today, postgres.ts later): the repositories only speak portable kysely.
//
// Concurrency: SQLite serialises every transaction (one connection, BEGIN IMMEDIATE), which is what makes
// read-then-write methods (leads.upsertIncoming, partners.upsertMany, outbox.quarantine) safe there.
// PostgreSQL runs transactions side by side on a pool. They run at SERIALIZABLE (postgres.ts) and session.ts
// re-runs a transaction that PostgreSQL aborted with 40001/40P01, so each still behaves as if it ran alone;
// the read-then-write methods also lock the rows they read (`lockForUpdate`), so a conflict waits or fails at
// the read instead of after all the work. Single statements (leads.save's versioned UPDATE, consumeMagicLink,
// ON CONFLICT upserts) are atomic on both engines without help.
import type { Kysely, RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Engine {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * Opens a write transaction. SQLite: `BEGIN IMMEDIATE` takes the write lock up front (see sqlite.ts).
   * PostgreSQL: `BEGIN ISOLATION LEVEL SERIALIZABLE` (see postgres.ts).
   */
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

/**
 * `SELECT … FOR UPDATE` where the engine has it. SQLite has no row locks (and rejects the clause); its
 * transactions hold the database write lock from BEGIN IMMEDIATE, which already covers every row read.
 */
export function lockForUpdate<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>, dialect: Dialect,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? q.forUpdate() : q;
}
