// Where the cluster tests keep their data: a fresh SQLite file by default, or the database named by
// LEADRELAY_TEST_STORE_URL (any database the tests may use), so the same tests prove the
// same guarantees on both engines. The lease, rate-limit and web tests use unique job names, buckets, partners
// and leads, so they can share one database; the daemon test runs a whole CRM lifecycle (cursors, leads) and
// needs an empty one (it checks and says so). The database must be one the tests may write to and migrate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStoreUrl as engineStoreUrl } from '../support/stores.ts';

export interface TestStoreLocation {
  /** A store URL every process of the test opens (an absolute sqlite: path, a fresh PostgreSQL schema, or the override). */
  readonly url: string;
  /** True when the URL came from LEADRELAY_TEST_STORE_URL. */
  readonly shared: boolean;
  /** Remove the temp folder or drop the fresh schema (nothing to do for an override). */
  cleanup(): Promise<void>;
}

/**
 * LEADRELAY_TEST_STORE_URL wins; else LEADRELAY_TEST_STORE=postgres gives a fresh PostgreSQL schema (dropped by
 * cleanup), as the other harnesses do (`npm run test:pg`); else a temp SQLite file.
 */
export async function testStoreUrl(name = 'cluster'): Promise<TestStoreLocation> {
  const override = process.env['LEADRELAY_TEST_STORE_URL'];
  if (override !== undefined && override !== '') return { url: override, shared: true, cleanup: async () => {} };
  // The engine choice (LEADRELAY_TEST_STORE) is the shared harnesses' one: a temp SQLite file or a fresh schema.
  const dir = mkdtempSync(join(tmpdir(), `leadrelay-${name}-`));
  const where = await engineStoreUrl(`sqlite:${join(dir, `${name}.db`)}`);
  return {
    url: where.url, shared: false,
    cleanup: async () => { await where.drop(); rmSync(dir, { recursive: true, force: true }); },
  };
}
