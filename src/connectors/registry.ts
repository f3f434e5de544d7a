// The only place that knows which CRMs exist (CONVENTIONS rule 1): a new CRM is a folder plus a line here.
import type { LoadedConfig } from '../config/index.ts';
import type { CrmKind } from '../domain/lead.ts';
import type { Store } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { LoadedMappings } from '../mapping/index.ts';
import type { CrmConnector } from './contract.ts';
import { createSalesforceConnector } from './salesforce/connector.ts';

export interface ConnectorDeps {
  readonly config: LoadedConfig;
  readonly mappings: LoadedMappings;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** Rotated OAuth refresh tokens are persisted in the store, so a restart keeps the newest one. */
export function storeTokens(store: Store, crm: CrmKind, now: () => Date) {
  const key = `${crm}.oauth.refreshToken`;
  return {
    load: () => store.kv.get(key),
    save: (token: string) => store.kv.set(key, token, now()),
  };
}

const factories: Record<CrmKind, (d: ConnectorDeps) => CrmConnector> = {
  salesforce: (d) => createSalesforceConnector({
    config: d.config.salesforce,
    sync: d.config.sync,
    mappings: d.mappings,
    tokens: storeTokens(d.store, 'salesforce', d.now),
    logger: d.logger.child({ crm: 'salesforce' }),
    now: d.now,
  }),
  hubspot: () => {
    throw new Error('The HubSpot connector is not built yet (see the HubSpot issue); set crm: salesforce.');
  },
};

export function createConnector(deps: ConnectorDeps): CrmConnector {
  return factories[deps.config.crm](deps);
}
