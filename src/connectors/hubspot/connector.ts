// The HubSpot CrmConnector: wires the client (@hubspot/api-client, auth, the account's rate limiter, accounting,
// retries) to the pull, write, verify, check and setup paths. Everything else in leadrelay sees only the contract
// (src/connectors/contract.ts).
import { requireHubSpotCredentials } from '../../config/credentials.ts';
import type { LoadedConfig } from '../../config/index.ts';
import type { Config } from '../../config/schema.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RetryPolicy, Sleep } from '../../lib/retry.ts';
import { checkAgainstDescribe } from '../../mapping/index.ts';
import type { DescribeResult, LoadedMappings } from '../../mapping/index.ts';
import type { CrmConnector, MappingCheckIssue } from '../contract.ts';
import type { TokenStore } from './auth.ts';
import { HubSpotClient } from './client.ts';
import type { LimiterRegistry, RateLimiter } from './limiter.ts';
import type { SyncTiming } from './pull.ts';
import { pullLeads } from './pull.ts';
import { pullPartners } from './pull-partners.ts';
import { SchemaCache } from './schema-cache.ts';
import { runSetup } from './setup.ts';
import { readLeads } from './webhooks-read.ts';
import { verifyBatch } from './verify.ts';
import { writeBatch } from './write.ts';

export type { TokenStore } from './auth.ts';

export interface HubSpotConnectorDeps {
  readonly config: Config['hubspot'];
  /** `sync.overlapSeconds` / `sync.settleSeconds` (config `sync`). Default 300 / 2. */
  readonly sync?: SyncTiming;
  readonly mappings: LoadedMappings;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly sleep?: Sleep;
  /** Jitter source for backoff (tests pin it). */
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  /** The account's limiter (tests), or the registry to take it from; default one per account and process. */
  readonly limiter?: RateLimiter;
  readonly limiters?: LimiterRegistry;
  readonly requestTimeoutMs?: number;
}

export function createHubSpotConnector(deps: HubSpotConnectorDeps): CrmConnector {
  const client = new HubSpotClient({
    settings: deps.config, tokens: deps.tokens, logger: deps.logger, now: deps.now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    ...(deps.limiters ? { limiters: deps.limiters } : {}),
    ...(deps.requestTimeoutMs ? { requestTimeoutMs: deps.requestTimeoutMs } : {}),
  });
  const cache = new SchemaCache(client, deps.now);
  const sync = deps.sync ?? { overlapSeconds: 300, settleSeconds: 2 };
  // HubSpot batch endpoints take at most 100 inputs.
  const writeBatchSize = Math.min(100, Math.max(1, deps.config.writeBatchSize));
  const writeDeps = { client, mappings: deps.mappings, logger: deps.logger, writeBatchSize, cache, oauth: deps.config.auth.flow === 'oauth' };
  const pullDeps = {
    client, mappings: deps.mappings, sync, now: deps.now, logger: deps.logger, sweep: { lastAt: null },
    settings: { searchPageSize: deps.config.searchPageSize, indexLagSeconds: deps.config.indexLagSeconds, archiveSweepMinutes: deps.config.archiveSweepMinutes },
  };

  return {
    crm: 'hubspot',
    connect: (signal) => client.connect(signal),
    pullLeads: (opts) => pullLeads(pullDeps, opts),
    pullPartners: (opts) => pullPartners(pullDeps, opts),
    writeBatchSize,
    write: (batch, signal) => writeBatch(writeDeps, batch, signal),
    verify: (batch, signal) => verifyBatch(writeDeps, batch, signal),
    readLeads: (ids, signal) => readLeads({ client, mappings: deps.mappings, now: deps.now }, ids, signal),

    async checkMapping(signal): Promise<MappingCheckIssue[]> {
      client.beginStage('describe');
      const m = deps.mappings;
      const objects = [...new Set([m.lead.object, m.partner.object, m.opportunity.object, ...(m.partnerUser ? [m.partnerUser.object] : []), 'companies'])];
      const pipeline = await cache.resolve(m.opportunity, 'describe', signal);
      const result: Record<string, { fields: DescribeResult[string]['fields'] }> = {};
      for (const object of objects) {
        const props = await cache.propertiesOf(object, 'describe', signal);
        result[object] = {
          fields: props.map((p) => {
            const writable = p.modificationMetadata?.readOnlyValue !== true && p.calculated !== true;
            // Deal stages come from the pipeline, not from the property's options.
            const values = p.name === 'dealstage' && pipeline !== null
              ? pipeline.pipeline.stages.flatMap((s) => [s.id, s.label])
              : p.options.map((o) => o.value);
            return { name: p.name, type: p.type, picklistValues: values, updateable: writable, createable: writable };
          }),
        };
      }
      const issues = checkAgainstDescribe(m, result);
      if (m.opportunity.pipeline !== null && pipeline === null) {
        issues.push({ file: m.opportunity.file, line: m.opportunity.stagesLine, path: 'pipeline', message: `deal pipeline '${m.opportunity.pipeline}' does not exist`, hint: 'run `leadrelay setup hubspot` to create it with the stages' });
      }
      return issues;
    },

    setup: (opts) => runSetup({ client, mappings: deps.mappings, logger: deps.logger, cache }, opts),
    usage: () => client.usage(),
    close: () => client.close(),
  };
}

/** The registry's factory: credentials are checked up front, so a missing token names the variable to set. */
export function hubspotConnectorFor(d: {
  readonly config: LoadedConfig; readonly mappings: LoadedMappings; readonly tokens: TokenStore; readonly logger: Logger; readonly now: () => Date;
}): CrmConnector {
  const issues = requireHubSpotCredentials(d.config);
  if (issues.length > 0) {
    throw new UserFacingError('HubSpot credentials are missing (or run `leadrelay demo --crm hubspot` to try the built-in emulator):',
      exitCodes.invalidInput, issues.map((i) => `${i.path}: ${i.message} (${i.hint})`));
  }
  return createHubSpotConnector({ config: d.config.hubspot, sync: d.config.sync, mappings: d.mappings, tokens: d.tokens, logger: d.logger.child({ crm: 'hubspot' }), now: d.now });
}
