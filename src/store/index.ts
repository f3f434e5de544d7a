// The store: SQLite (better-sqlite3 + kysely, the default) or PostgreSQL (pg pool + kysely), chosen by the
// scheme of store.url; the same repositories and ports on both.
//
// What a caller must know (details beside each method):
// - `transaction(fn)`: SQLite runs one BEGIN IMMEDIATE … COMMIT at a time, and all root-store calls are
//   serialised (one connection). PostgreSQL runs transactions concurrently at SERIALIZABLE on pooled
//   connections and re-runs fn when PostgreSQL aborts it for a concurrent change (see session.ts), so fn must be
//   safe to run twice. Inside fn use only `tx`: calling the root store there throws. Nested `tx.transaction`
//   is a savepoint. SQLite commits survive kill -9 (WAL + synchronous=NORMAL).
// - `leads.save` is optimistic: pass version = read version + 1; false means someone else saved first.
// - Multi-statement methods (upsertIncoming, upsertMany, createMany, outbox …) are atomic on their own and
//   join the caller's transaction when called on `tx`.
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../domain/ports.ts';
import type { Engine } from './engine.ts';
import { migrateToLatest } from './migrations/index.ts';
import { describePostgres, explainConnectError, isPostgresUrl, openPostgresEngine } from './postgres.ts';
import { rootSession } from './session.ts';
import { backupSqliteFile, checkSqliteFile, openSqliteEngine, sqliteFileOf } from './sqlite.ts';
import { storeOn } from './store.ts';

export interface OpenStoreOptions {
  /** `sqlite:<path>` (relative to baseDir), `sqlite::memory:`, or `postgres://user@host:port/database`. */
  readonly url: string;
  /** Where relative paths start; default the working directory. */
  readonly baseDir?: string;
  /** PostgreSQL only: most pooled connections (store.poolSize); ignored for SQLite's single connection. */
  readonly poolSize?: number;
}

/** The engine for a store url: PostgreSQL for postgres:// and postgresql://, else SQLite (which rejects other schemes). */
export function openEngine(opts: OpenStoreOptions): Engine {
  if (isPostgresUrl(opts.url)) return openPostgresEngine({ url: opts.url, ...(opts.poolSize === undefined ? {} : { poolSize: opts.poolSize }) });
  return openSqliteEngine(sqliteFileOf(opts.url, opts.baseDir));
}

async function migrateEngine(engine: Engine, url: string): Promise<string[]> {
  try {
    return await migrateToLatest(engine.db, engine.dialect);
  } catch (error) {
    throw engine.dialect === 'postgres' ? explainConnectError(error, url) : error;
  }
}

/** Open the database, create parent directories, bring the schema up to date, and return the store. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const engine = openEngine(opts);
  try {
    await migrateEngine(engine, opts.url);
  } catch (error) {
    await engine.db.destroy();
    throw error;
  }
  const session = rootSession(engine);
  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    session.db(); // throws inside store.transaction(fn): closing there would wait for fn forever
    // SQLite: taking the connection once means everything queued before us has finished. PostgreSQL: the
    // pool's end() waits for checked-out clients to be released (kysely's destroy calls it).
    closed ??= engine.db.connection().execute(async () => {}).then(() => engine.db.destroy());
    return closed;
  };
  return storeOn(session, close);
}

/** `leadrelay migrate`: apply pending migrations and report their names (empty when already up to date). */
export async function migrate(url: string, baseDir?: string): Promise<string[]> {
  const engine = openEngine({ url, ...(baseDir === undefined ? {} : { baseDir }), poolSize: 1 });
  try {
    return await migrateEngine(engine, url);
  } finally {
    await engine.db.destroy();
  }
}

export type { Store } from '../domain/ports.ts';

function refusePostgres(url: string, what: 'backup' | 'restore'): void {
  if (!isPostgresUrl(url)) return;
  const tool = what === 'backup' ? 'pg_dump --format=custom --file=<file> <url>' : 'pg_restore --clean --dbname=<url> <file>';
  throw new Error(`leadrelay ${what} works on SQLite files only; the store at ${describePostgres(url)} is PostgreSQL: use \`${tool}\` (online and consistent; see the README, PostgreSQL).`);
}

/** `leadrelay backup <file>`: an online, consistent copy of the SQLite database (the daemon may keep running). */
export async function backup(url: string, baseDir: string | undefined, target: string): Promise<{ pages: number }> {
  refusePostgres(url, 'backup');
  return backupSqliteFile(sqliteFileOf(url, baseDir), target);
}

/**
 * `leadrelay restore <file>`: replace the database with a checked backup. The processes using the database must
 * be stopped first. The new file is put in place by rename, and stale WAL files are removed, so a crash midway
 * leaves either the old or the new database.
 */
export function restore(url: string, baseDir: string | undefined, source: string): void {
  refusePostgres(url, 'restore');
  const problems = checkSqliteFile(source);
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  const target = sqliteFileOf(url, baseDir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.restore-${process.pid}`;
  copyFileSync(source, tmp);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(tmp, target);
}
