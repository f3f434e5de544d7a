// The SQLite engine: the only file that knows about better-sqlite3, pragmas and SQLite's transaction syntax.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Engine } from './engine.ts';
import type { Database } from './schema.ts';

const MEMORY = ':memory:';

/**
 * `sqlite:<path>` (relative to baseDir, default the working directory) or `sqlite::memory:`.
 * Returns the file path, or ':memory:'.
 */
export function sqliteFileOf(url: string, baseDir: string = process.cwd()): string {
  if (!url.startsWith('sqlite:')) {
    // Only the scheme is echoed: a PostgreSQL URL may carry a password.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
    throw new Error(`Unsupported store url scheme ${scheme}: use sqlite:<path>, sqlite::memory: or postgres://user@host:5432/database (store.url in the config).`);
  }
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''); // accept sqlite:///abs/path too
  if (path === '') throw new Error('Store url "sqlite:" has no path: use sqlite:<path> or sqlite::memory:.');
  if (path === MEMORY) return MEMORY;
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

export function openSqliteEngine(file: string): Engine {
  if (file !== MEMORY) mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file, { timeout: 5000 });
  // WAL: readers never block the writer, and a commit is one append to the log.
  raw.pragma('journal_mode = WAL');
  // Durability trade-off: with WAL, synchronous=NORMAL fsyncs at checkpoints, not at every commit. A committed
  // transaction survives a process crash (kill -9, OOM): it is in the WAL file, which the OS already holds.
  // Only an OS crash or power loss may lose the last commits (never corrupt the file). That is the guarantee
  // leadrelay needs: the CRM is the source of truth for leads and the outbox re-sends full snapshots, so a
  // lost tail is re-pulled / re-sent, while FULL would cost an fsync per reservation.
  // https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // Another process (e.g. `leadrelay migrate` beside the daemon) holding the write lock: wait, don't fail.
  raw.pragma('busy_timeout = 5000');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    db,
    dialect: 'sqlite',
    // IMMEDIATE: take the write lock at BEGIN, so two processes never both read and then fail to upgrade
    // (SQLITE_BUSY mid-transaction). Inside one process kysely's single-connection mutex already serialises.
    begin: sql`begin immediate`,
    maxParams: 32766,
  };
}

/**
 * Online backup (SQLite backup API through a second connection): consistent even while the daemon writes,
 * because WAL readers see a snapshot. https://www.sqlite.org/backup.html
 */
export async function backupSqliteFile(source: string, target: string): Promise<{ pages: number }> {
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    const r = await db.backup(target);
    return { pages: r.totalPages };
  } finally {
    db.close();
  }
}

/** Problems that make a file unusable as a leadrelay database (empty list = fine). */
export function checkSqliteFile(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') return [`integrity check failed: ${String(integrity)}`];
    const migrations = db.prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'").get() as { n: number };
    return migrations.n === 1 ? [] : ['not a leadrelay database (no migration table)'];
  } catch (e) {
    return [`not a readable SQLite database: ${(e as Error).message}`];
  } finally {
    db.close();
  }
}
