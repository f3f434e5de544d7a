// The Store contract: every implementation of the ports in src/domain/ports.ts (SQLite and PostgreSQL) runs
// this same suite. `open` must return a fresh, empty, migrated store each time. The one documented difference
// between engines (does a root call queue behind a running transaction?) is passed in `engine`.
import { describe } from 'vitest';
import type { Store } from '../../src/domain/ports.ts';
import type { Dialect } from '../../src/store/engine.ts';
import { leadsContract } from './contract/leads.contract.ts';
import { marketplaceContract } from './contract/marketplace.contract.ts';
import { offersContract } from './contract/offers.contract.ts';
import { outboxContract } from './contract/outbox.contract.ts';
import { partnersContract } from './contract/partners.contract.ts';
import { transactionsContract } from './contract/transactions.contract.ts';
import { webContract } from './contract/web.contract.ts';

export interface ContractOptions { readonly engine: Dialect }

export function storeContract(name: string, open: () => Promise<Store>, opts: ContractOptions): void {
  describe(`Store contract: ${name}`, () => {
    leadsContract(open);
    partnersContract(open);
    offersContract(open);
    outboxContract(open);
    transactionsContract(open, opts.engine);
    marketplaceContract(open);
    webContract(open);
  });
}
