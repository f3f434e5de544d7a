// The Store contract: every implementation of the ports in src/domain/ports.ts (SQLite now, PostgreSQL later)
// runs this same suite. `open` must return a fresh, empty, migrated store each time.
import { describe } from 'vitest';
import type { Store } from '../../src/domain/ports.ts';
import { leadsContract } from './contract/leads.contract.ts';
import { marketplaceContract } from './contract/marketplace.contract.ts';
import { offersContract } from './contract/offers.contract.ts';
import { outboxContract } from './contract/outbox.contract.ts';
import { partnersContract } from './contract/partners.contract.ts';
import { transactionsContract } from './contract/transactions.contract.ts';
import { webContract } from './contract/web.contract.ts';

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    leadsContract(open);
    partnersContract(open);
    offersContract(open);
    outboxContract(open);
    transactionsContract(open);
    marketplaceContract(open);
    webContract(open);
  });
}
