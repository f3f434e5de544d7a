// Sessions: which connection a repository call runs on, and how transactions nest.
//
// - Root session: the shared kysely instance. SQLite has one connection behind a mutex, so every statement and
//   every transaction is serialised; concurrent callers queue, they never interleave.
// - Transaction session: the one connection, held from BEGIN to COMMIT. `store.transaction(fn)` holds it for
//   the whole of `fn`, so no other caller's statement can run between fn's awaits.
// - Nested `tx.transaction(fn)` reuses the transaction with a SAVEPOINT: if fn throws, only its writes are undone.
//
// The trap this guards against: inside `store.transaction(fn)`, calling the *root* store would wait for the
// mutex that fn itself holds — a silent deadlock. AsyncLocalStorage tells us we are inside fn, so that call
// throws at once with a message naming the fix.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Engine } from './engine.ts';
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
}

const WRONG_STORE = 'The root store was called inside store.transaction(fn): use the `tx` argument instead (the root store waits for the transaction to end, which would deadlock).';
const TX_ENDED = 'This transaction has ended: a `tx` store must not be used after its transaction(fn) settles.';

export function rootSession(engine: Engine): Session {
  const inside = new AsyncLocalStorage<TxState>();
  const guard = (): void => {
    if (inside.getStore()?.active === true) throw new Error(WRONG_STORE);
  };

  const transaction = async <T>(fn: (tx: Session) => Promise<T>): Promise<T> => {
    guard();
    // connection() holds kysely's single-connection mutex until the callback settles: this is the serialisation.
    return engine.db.connection().execute(async (conn) => {
      await engine.begin.execute(conn);
      const state: TxState = { active: true, savepoints: 0 };
      let result: T;
      try {
        result = await inside.run(state, () => fn(txSession(engine, conn, state)));
      } catch (error) {
        state.active = false;
        await rollbackQuietly(conn);
        throw error;
      }
      state.active = false;
      try {
        await sql`commit`.execute(conn);
      } catch (error) {
        await rollbackQuietly(conn);
        throw error;
      }
      return result;
    });
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
          if (state.active) {
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

async function rollbackQuietly(conn: Db): Promise<void> {
  // SQLite may already have rolled back by itself (e.g. SQLITE_FULL); the original error is the one to report.
  try {
    await sql`rollback`.execute(conn);
  } catch {
    /* nothing to undo */
  }
}
