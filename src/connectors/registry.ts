// The only place that knows which CRMs exist (CONVENTIONS rule 1): a new CRM is a folder plus a line here.
import type { LoadedConfig } from '../config/index.ts';
import type { CrmKind } from '../domain/lead.ts';
import type { Store } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { LoadedMappings } from '../mapping/index.ts';
import type { CrmConnector } from './contract.ts';
import { hubspotConnectorFor } from './hubspot/connector.ts';
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
    requestTimeoutMs: d.config.salesforce.requestTimeoutSeconds * 1000,
    retry: {
      retries: d.config.salesforce.retry.retries,
      minDelayMs: d.config.salesforce.retry.minDelayMs,
      maxDelayMs: d.config.salesforce.retry.maxDelayMs,
      maxRetryAfterMs: d.config.salesforce.retry.maxRetryAfterSeconds * 1000,
    },
    quotaResumeAt: (now: Date) => new Date(now.getTime() + d.config.salesforce.quotaProbeMinutes * 60_000),
  }),
  hubspot: (d) => hubspotConnectorFor({ ...d, tokens: storeTokens(d.store, 'hubspot', d.now) }),
};

export function createConnector(deps: ConnectorDeps): CrmConnector {
  return factories[deps.config.crm](deps);
}
