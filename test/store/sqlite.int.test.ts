// The Store contract against real SQLite: a file in a temp dir (WAL, the production shape) and :memory:.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { storeContract } from './store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadrelay-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite file', () => openStore({ url: `sqlite:db-${++n}/leadrelay.db`, baseDir: dir }), { engine: 'sqlite' });
storeContract('sqlite :memory:', () => openStore({ url: 'sqlite::memory:' }), { engine: 'sqlite' });
