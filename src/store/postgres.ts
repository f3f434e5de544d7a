// The PostgreSQL engine: the only file that knows about `pg`, its pool, its type parsers and its errors.
//
// Storage stays the same as on SQLite (see schema.ts): ISO text timestamps, 0/1 integer flags, JSON as text.
// The repositories therefore read the same shapes from both engines; only these differences are handled here:
// - bigint (count(*), sum of integers) and numeric arrive from `pg` as strings by default. This pool parses
//   them as JS numbers (per pool, through `types`, so no other `pg` user in the process is affected): every
//   count or sum the repositories read is far below 2^53.
// - Transactions run at SERIALIZABLE on one pooled connection (session.ts retries 40001/40P01), which keeps the
//   guarantee the services were written against on SQLite: a transaction behaves as if it ran alone.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Engine } from './engine.ts';
import type { Database } from './schema.ts';

export const DEFAULT_POOL_SIZE = 10;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** True for `postgres://…` and `postgresql://…` (the two schemes libpq accepts). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL with any password replaced, for errors and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/** Where the database is, without credentials: `host:port/database`, for messages. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return redactUrl(url);
  }
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export interface PostgresEngineOptions {
  readonly url: string;
  /** Most connections the pool opens (store.poolSize). One transaction holds one connection until it ends. */
  readonly poolSize?: number;
}

export function openPostgresEngine(opts: PostgresEngineOptions): Engine {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    types: typeParsers,
    // A server that does not answer is an error to report, not a start-up that hangs forever.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (server restart) emits 'error' on the pool; without a listener that
  // would crash the process. The next checkout opens a fresh connection, and a failing query still throws.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    begin: sql`begin isolation level serializable`,
    maxParams: 65535,
  };
}

/** SQLSTATEs after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryablePostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Turn a connection failure into a message that says where and what to do, without the password.
 * Other errors pass through unchanged.
 */
export function explainConnectError(error: unknown, url: string): unknown {
  // The migrator wraps the driver's error ("Store migration … failed"); the connection failure is its cause.
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const explained = explainOne(e, url);
    if (explained !== e) return explained;
  }
  return error;
}

function explainOne(error: Error, url: string): unknown {
  const code = (error as { code?: unknown }).code;
  const where = describePostgres(url);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN') {
    return new Error(`PostgreSQL at ${where} is not reachable (${String(code)}): start the server or fix store.url.`, { cause: error });
  }
  if (code === '3D000') return new Error(`PostgreSQL database ${where} does not exist: create it (createdb) or fix store.url.`, { cause: error });
  if (code === '28P01' || code === '28000') return new Error(`PostgreSQL at ${where} refused the credentials in store.url (${String(code)}).`, { cause: error });
  if (/timeout expired|connection terminated due to connection timeout/i.test(error.message)) {
    return new Error(`PostgreSQL at ${where} did not answer in time: check the server and store.url.`, { cause: error });
  }
  return error;
}
