// Stores for tests on every engine: SQLite (a temp file) and PostgreSQL (a fresh schema of the test server).
//
// Most integration tests (test/support/context.ts, market.ts, harness.ts, test/web/fixture.ts) run on the engine
// LEADRELAY_TEST_STORE names: `sqlite` (the default) or `postgres` (`npm run test:pg`), through testStoreUrl.
//
// PostgreSQL is never skipped: when it cannot be reached the test fails with a message saying so (CI starts
// the server in .ci/run). The server is LEADRELAY_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test.
// Each PostgreSQL store lives in its own schema (search_path set through the connection's `options`), created
// here and dropped with CASCADE when the store is closed, so tests run in parallel without seeing each other.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../src/domain/ports.ts';
import { openStore } from '../../src/store/index.ts';
import { describePostgres } from '../../src/store/postgres.ts';

export type EngineKind = 'sqlite' | 'postgres';
export const engineKinds: readonly EngineKind[] = ['sqlite', 'postgres'];

export const testPgUrl = (): string => process.env.LEADRELAY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Run `fn` on one short-lived admin connection to the test server (or to `url`). */
export async function withPgClient<T>(fn: (c: pg.Client) => Promise<T>, url: string = testPgUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`The PostgreSQL test server at ${describePostgres(url)} is not reachable (${(e as Error).message}): start it (.ci/run does) or set LEADRELAY_TEST_PG_URL.`, { cause: e });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** The url with a libpq `options` parameter that puts `schema` first on the search_path. */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export interface PgSchema { readonly url: string; readonly schema: string; drop(): Promise<void> }

/** A new empty schema on the test server; `url` connects with it as the search_path. */
export async function freshPgSchema(prefix = 'lr_test'): Promise<PgSchema> {
  const schema = uniqueName(prefix);
  await withPgClient((c) => c.query(`create schema "${schema}"`));
  return {
    schema,
    url: urlWithSchema(testPgUrl(), schema),
    drop: () => withPgClient(async (c) => { await c.query(`drop schema if exists "${schema}" cascade`); }),
  };
}

export interface PgDatabase { readonly url: string; readonly name: string; drop(): Promise<void> }

/** A new empty database on the test server (what `copy-store` targets in production). */
export async function freshPgDatabase(prefix = 'lr_test'): Promise<PgDatabase> {
  const name = uniqueName(prefix);
  await withPgClient((c) => c.query(`create database "${name}"`));
  const u = new URL(testPgUrl());
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    drop: () => withPgClient(async (c) => { await c.query(`drop database if exists "${name}" with (force)`); }),
  };
}

/** The engine the shared test harnesses open: LEADRELAY_TEST_STORE (`sqlite`, the default, or `postgres`). */
export function testStoreKind(): EngineKind {
  const v = process.env.LEADRELAY_TEST_STORE ?? 'sqlite';
  if (v === 'sqlite' || v === 'postgres') return v;
  throw new Error(`LEADRELAY_TEST_STORE=${v}: use sqlite (the default) or postgres.`);
}

export interface TestStoreUrl { readonly url: string; drop(): Promise<void> }

/**
 * Where a fresh store of the environment's engine lives: `sqliteUrl` itself on SQLite (its file is the caller's
 * to remove, with its temp directory), or a new PostgreSQL schema, removed by drop().
 */
export async function testStoreUrl(sqliteUrl: string, kind: EngineKind = testStoreKind()): Promise<TestStoreUrl> {
  if (kind === 'sqlite') return { url: sqliteUrl, drop: async () => {} };
  return freshPgSchema();
}

/** openStore on a testStoreUrl: the schema is dropped again when opening fails. */
export async function openStoreAt(where: TestStoreUrl): Promise<Store> {
  try {
    return await openStore({ url: where.url });
  } catch (e) {
    await where.drop();
    throw e;
  }
}

export interface OpenTestStoreOptions { readonly poolSize?: number }

/** A fresh, empty, migrated store of `kind`; closing it also removes its file or schema. */
export async function openTestStore(kind: EngineKind, opts: OpenTestStoreOptions = {}): Promise<Store> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leadrelay-store-'));
    const store = await openStore({ url: `sqlite:${join(dir, 'leadrelay.db')}` });
    return withCleanup(store, async () => rmSync(dir, { recursive: true, force: true }));
  }
  const schema = await freshPgSchema();
  try {
    const store = await openStore({ url: schema.url, ...(opts.poolSize === undefined ? {} : { poolSize: opts.poolSize }) });
    return withCleanup(store, () => schema.drop());
  } catch (e) {
    await schema.drop();
    throw e;
  }
}

/** The same store; `close()` closes it, then cleans up once (a second close waits for the first). */
function withCleanup(store: Store, cleanup: () => Promise<void>): Store {
  let closing: Promise<void> | undefined;
  return {
    ...store,
    close: () => {
      // A refused close (called inside a transaction) must not be remembered: the real close comes later.
      closing ??= store.close().then(cleanup, (e: unknown) => {
        closing = undefined;
        throw e;
      });
      return closing;
    },
  };
}
