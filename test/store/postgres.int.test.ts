// The Store contract against the PostgreSQL server of this machine (a fresh schema per test; see
// test/support/stores.ts). PostgreSQL-specific behaviour follows in postgres.engine.int.test.ts.
import { openTestStore } from '../support/stores.ts';
import { storeContract } from './store.contract.ts';

storeContract('postgres', () => openTestStore('postgres'), { engine: 'postgres' });
