// Sessions: which connection a repository call runs on, and how transactions nest.
//
// - Root session: the shared kysely instance. SQLite has one connection behind a mutex, so every statement and
//   every transaction is serialised; concurrent callers queue, they never interleave. PostgreSQL has a pool:
//   root statements run side by side, each on whichever connection is free (autocommit).
// - Transaction session: one connection, held from BEGIN to COMMIT. `store.transaction(fn)` holds it for
//   the whole of `fn`. SQLite: no other caller's statement can run between fn's awaits. PostgreSQL: other
//   transactions run concurrently at SERIALIZABLE; when PostgreSQL aborts one to keep that promise (40001, or
//   a deadlock 40P01) the whole of fn runs again, a bounded number of times, on a fresh transaction.
//   So fn must be safe to re-run: store work only, no mails sent or CRM calls made inside it (the outboxes
//   exist for that), and no counters outside the store that a second run would count twice.
// - Nested `tx.transaction(fn)` reuses the transaction with a SAVEPOINT: if fn throws, only its writes are undone.
//
// The trap this guards against: inside `store.transaction(fn)`, calling the *root* store would wait for the
// mutex that fn itself holds — a silent deadlock on SQLite; on PostgreSQL it would run outside the transaction
// and can exhaust the pool. AsyncLocalStorage tells us we are inside fn, so that call throws at once with a
// message naming the fix.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from './engine.ts';
import { isRetryablePostgresError } from './postgres.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface Session {
  /** The query builder to run on now. Throws when used where it would deadlock or after its transaction ended. */
  db(): Db;
  /**
   * Run several statements as one unit. On the root: a transaction of its own. Inside a transaction: directly,
   * as part of it (a repository method's statements commit or roll back with the caller's transaction).
   */
  atomic<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** `store.transaction` semantics: a new transaction on the root, a savepoint inside one. */
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
  readonly maxParams: number;
  readonly engine: Engine;
}

interface TxState {
  /** False once the transaction committed or rolled back: late calls on `tx` must not run unlocked. */
  active: boolean;
  savepoints: number;
  /**
   * PostgreSQL aborted this transaction for a serialization failure or deadlock somewhere inside, even if fn
   * caught the error (e.g. a failed nested transaction): committing it is impossible, so it is run again.
   */
  doomed: boolean;
}

/** Attempts of one transaction on PostgreSQL before its 40001/40P01 is passed to the caller. */
export const MAX_TRANSACTION_ATTEMPTS = 12;

/** Full-jitter backoff between attempts: racers spread out instead of colliding again in lockstep. */
const backoffMs = (attempt: number): number => Math.random() * Math.min(200, 2 ** attempt * 2);

class DoomedTransaction extends Error {}

const WRONG_STORE = 'The root store was called inside store.transaction(fn): use the `tx` argument instead (on SQLite the root store waits for the transaction to end, which would deadlock; on PostgreSQL it would run outside the transaction).';
const TX_ENDED = 'This transaction has ended: a `tx` store must not be used after its transaction(fn) settles.';

export function rootSession(engine: Engine): Session {
  const inside = new AsyncLocalStorage<TxState>();
  const guard = (): void => {
    if (inside.getStore()?.active === true) throw new Error(WRONG_STORE);
  };

  // connection() holds one connection until the callback settles. SQLite: kysely's single-connection mutex,
  // which is the serialisation. PostgreSQL: one pooled client, released back to the pool afterwards.
  const attempt = async <T>(fn: (tx: Session) => Promise<T>): Promise<T> => engine.db.connection().execute(async (conn) => {
    await engine.begin.execute(conn);
    const state: TxState = { active: true, savepoints: 0, doomed: false };
    let result: T;
    try {
      result = await inside.run(state, () => fn(txSession(engine, conn, state)));
    } catch (error) {
      state.active = false;
      await rollbackQuietly(conn);
      throw state.doomed && !retryable(engine, error) ? new DoomedTransaction('aborted', { cause: error }) : error;
    }
    state.active = false;
    if (state.doomed) {
      await rollbackQuietly(conn);
      throw new DoomedTransaction('aborted');
    }
    try {
      // PostgreSQL answers COMMIT of an aborted transaction with a silent ROLLBACK. A transaction is aborted
      // when one of its statements failed and fn caught that error itself; this probe turns that silent loss
      // of all its writes into an error (one round trip, only on PostgreSQL).
      if (engine.dialect === 'postgres') await sql`select 1`.execute(conn).catch((e: unknown) => { throw swallowed(e); });
      await sql`commit`.execute(conn);
    } catch (error) {
      await rollbackQuietly(conn);
      throw error;
    }
    return result;
  });

  // Retries in this process take turns (one at a time). Under heavy contention on one row (200 racers on a
  // pool of 10) every round of concurrent attempts lets only one commit; without turns an unlucky transaction
  // can lose round after round until it runs out of attempts. Taking turns degrades to serial execution
  // exactly when transactions collide, while first attempts still run side by side.
  let lane: Promise<void> = Promise.resolve();
  const inLane = async <T>(run: () => Promise<T>): Promise<T> => {
    const before = lane;
    let done: () => void = () => {};
    lane = new Promise<void>((r) => { done = r; });
    await before;
    try {
      return await run();
    } finally {
      done();
    }
  };

  const transaction = async <T>(fn: (tx: Session) => Promise<T>): Promise<T> => {
    guard();
    for (let n = 1; ; n++) {
      try {
        return await (n === 1 ? attempt(fn) : inLane(() => attempt(fn)));
      } catch (error) {
        const again = error instanceof DoomedTransaction || retryable(engine, error);
        if (!again) throw error;
        if (n >= MAX_TRANSACTION_ATTEMPTS) {
          throw new Error(`Store transaction gave up after ${n} attempts: PostgreSQL kept aborting it for concurrent changes (serialization failure or deadlock). Retry the operation later.`, { cause: error });
        }
        await sleep(backoffMs(n));
      }
    }
  };

  return {
    engine,
    maxParams: engine.maxParams,
    db() {
      guard();
      return engine.db;
    },
    atomic: (fn) => transaction((tx) => fn(tx.db())),
    transaction,
  };
}

function txSession(engine: Engine, conn: Db, state: TxState): Session {
  // A nested transaction owns its savepoint until it settles; a second concurrent one on the same tx would
  // interleave savepoints (RELEASE of the outer also releases the inner), so it is refused, not corrupted.
  let nestedBusy = false;
  const db = (): Db => {
    if (!state.active) throw new Error(TX_ENDED);
    return conn;
  };
  const self: Session = {
    engine,
    maxParams: engine.maxParams,
    db,
    atomic: async (fn) => fn(db()),
    async transaction(fn) {
      db();
      if (nestedBusy) throw new Error('Nested transactions on one tx must run one after another: await the first before starting the next.');
      nestedBusy = true;
      const name = sql.raw(`sp_${++state.savepoints}`);
      try {
        await sql`savepoint ${name}`.execute(conn);
        try {
          const result = await fn(txSession(engine, conn, state));
          await sql`release savepoint ${name}`.execute(db());
          return result;
        } catch (error) {
          if (retryable(engine, error)) state.doomed = true;
          if (state.active && !state.doomed) {
            await sql`rollback to savepoint ${name}`.execute(conn);
            await sql`release savepoint ${name}`.execute(conn);
          }
          throw error;
        }
      } finally {
        nestedBusy = false;
      }
    },
  };
  return self;
}

function swallowed(error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== '25P02') return error;
  return new Error('A statement inside store.transaction(fn) failed and fn caught the error, so PostgreSQL aborted the whole transaction: nothing of it was committed. Let the error propagate, or wrap the part that may fail in tx.transaction(...) (a savepoint).', { cause: error });
}

/** Only PostgreSQL aborts transactions for concurrency (SQLite serialises them), so only it retries. */
function retryable(engine: Engine, error: unknown): boolean {
  if (engine.dialect !== 'postgres') return false;
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isRetryablePostgresError(e)) return true;
  }
  return false;
}

async function rollbackQuietly(conn: Db): Promise<void> {
  // SQLite may already have rolled back by itself (e.g. SQLITE_FULL); the original error is the one to report.
  try {
    await sql`rollback`.execute(conn);
  } catch {
    /* nothing to undo */
  }
}
