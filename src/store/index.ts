// The store: SQLite today (better-sqlite3 + kysely), the same ports for PostgreSQL later.
//
// What a caller must know (details beside each method):
// - `transaction(fn)` is one BEGIN IMMEDIATE … COMMIT; all transactions and all root-store calls are
//   serialised (one connection). Inside fn use only `tx`: calling the root store there throws (it would
//   deadlock). Nested `tx.transaction` is a savepoint. Commits survive kill -9 (WAL + synchronous=NORMAL).
// - `leads.save` is optimistic: pass version = read version + 1; false means someone else saved first.
// - Multi-statement methods (upsertIncoming, upsertMany, createMany, outbox …) are atomic on their own and
//   join the caller's transaction when called on `tx`.
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../domain/ports.ts';
import { migrateToLatest } from './migrations/index.ts';
import { rootSession } from './session.ts';
import { backupSqliteFile, checkSqliteFile, openSqliteEngine, sqliteFileOf } from './sqlite.ts';
import { storeOn } from './store.ts';

export interface OpenStoreOptions {
  /** `sqlite:<path>` (relative to baseDir) or `sqlite::memory:`. */
  readonly url: string;
  /** Where relative paths start; default the working directory. */
  readonly baseDir?: string;
}

/** Open the database, create parent directories, bring the schema up to date, and return the store. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const engine = openSqliteEngine(sqliteFileOf(opts.url, opts.baseDir));
  try {
    await migrateToLatest(engine.db);
  } catch (error) {
    await engine.db.destroy();
    throw error;
  }
  const session = rootSession(engine);
  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    session.db(); // throws inside store.transaction(fn): closing there would wait for fn forever
    // Wait for queued work: taking the connection once means everything queued before us has finished.
    closed ??= engine.db.connection().execute(async () => {}).then(() => engine.db.destroy());
    return closed;
  };
  return storeOn(session, close);
}

/** `leadrelay migrate`: apply pending migrations and report their names (empty when already up to date). */
export async function migrate(url: string, baseDir?: string): Promise<string[]> {
  const engine = openSqliteEngine(sqliteFileOf(url, baseDir));
  try {
    return await migrateToLatest(engine.db);
  } finally {
    await engine.db.destroy();
  }
}

export type { Store } from '../domain/ports.ts';

/** `leadrelay backup <file>`: an online, consistent copy of the SQLite database (the daemon may keep running). */
export async function backup(url: string, baseDir: string | undefined, target: string): Promise<{ pages: number }> {
  return backupSqliteFile(sqliteFileOf(url, baseDir), target);
}

/**
 * `leadrelay restore <file>`: replace the database with a checked backup. The processes using the database must
 * be stopped first. The new file is put in place by rename, and stale WAL files are removed, so a crash midway
 * leaves either the old or the new database.
 */
export function restore(url: string, baseDir: string | undefined, source: string): void {
  const problems = checkSqliteFile(source);
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  const target = sqliteFileOf(url, baseDir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.restore-${process.pid}`;
  copyFileSync(source, tmp);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(tmp, target);
}
