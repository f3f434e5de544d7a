// The Salesforce CrmConnector: wires the client (jsforce, auth, retries, accounting) to the pull, write, check and
// setup paths. Everything else in leadrelay sees only the contract (src/connectors/contract.ts).
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RetryPolicy, Sleep } from '../../lib/retry.ts';
import { checkAgainstDescribe } from '../../mapping/index.ts';
import type { LoadedMappings } from '../../mapping/index.ts';
import type { CrmConnector, MappingCheckIssue } from '../contract.ts';
import type { TokenStore } from './auth.ts';
import { SalesforceClient } from './client.ts';
import type { ConvertedLeads } from './collections.ts';
import type { SyncTiming } from './pull.ts';
import { pullLeads, pullPartners } from './pull.ts';
import type { Describe } from './schemas.ts';
import { describeSchema } from './schemas.ts';
import { runSetup } from './setup.ts';
import { readLeads, subscribeLeadChanges } from './streaming.ts';
import { VendorError } from '../../lib/vendor-error.ts';
import { verifyBatch } from './verify.ts';
import { writeBatch } from './write.ts';

export type { TokenStore } from './auth.ts';

export interface SalesforceConnectorDeps {
  readonly config: Config['salesforce'];
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
  /** When CRM calls resume after REQUEST_LIMIT_EXCEEDED; default next UTC midnight. */
  readonly quotaResumeAt?: (now: Date) => Date;
  readonly requestTimeoutMs?: number;
}

export function createSalesforceConnector(deps: SalesforceConnectorDeps): CrmConnector {
  const client = new SalesforceClient({
    settings: deps.config, tokens: deps.tokens, logger: deps.logger, now: deps.now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.quotaResumeAt ? { quotaResumeAt: deps.quotaResumeAt } : {}),
    ...(deps.requestTimeoutMs ? { requestTimeoutMs: deps.requestTimeoutMs } : {}),
  });
  const sync = deps.sync ?? { overlapSeconds: 300, settleSeconds: 2 };
  const converted: ConvertedLeads = new Map();
  // One describe per object per run (checkMapping and setup share it); setup clears it after changing the org,
  // and a long-lived daemon re-reads it after describeTtlMs so an admin's change is seen without a restart.
  const describes = new Map<string, { at: number; p: Promise<Describe | null> }>();
  const describeTtlMs = 10 * 60_000;

  const describe = (object: string, signal: AbortSignal): Promise<Describe | null> => {
    const key = object.toLowerCase();
    const cached = describes.get(key);
    let p = cached !== undefined && deps.now().getTime() - cached.at < describeTtlMs ? cached.p : undefined;
    if (p === undefined) {
      p = client.describe(object, signal).then((raw) => {
        const parsed = describeSchema.safeParse(raw);
        if (!parsed.success) throw new VendorError({ vendor: 'salesforce', method: 'GET', path: `/sobjects/${object}/describe`, status: 200, code: 'MALFORMED_RESPONSE', message: 'describe does not match the API schema', retryAfterMs: null });
        return parsed.data;
      }, (e: unknown) => {
        // An unknown object is a mapping problem, reported as such; anything else is a failure.
        if (e instanceof VendorError && e.code === 'NOT_FOUND') return null;
        throw e;
      });
      p.catch(() => describes.delete(key));
      describes.set(key, { at: deps.now().getTime(), p });
    }
    return p;
  };

  // sObject Collections take at most 200 records per call.
  const writeBatchSize = Math.min(200, Math.max(1, deps.config.writeBatchSize));
  const writeDeps = { client, mappings: deps.mappings, logger: deps.logger, writeBatchSize, converted };
  const pullDeps = {
    client, mappings: deps.mappings, sync, now: deps.now, logger: deps.logger,
    onConverted: (leadId: string, opportunityId: string | null) => { converted.set(leadId, opportunityId); },
  };
  const objects = (): string[] => [...new Set([deps.mappings.lead.object, deps.mappings.partner.object, deps.mappings.opportunity.object, ...(deps.mappings.partnerUser ? [deps.mappings.partnerUser.object] : [])])];

  return {
    crm: 'salesforce',
    connect: (signal) => client.connect(signal),
    pullLeads: (opts) => pullLeads(pullDeps, opts),
    pullPartners: (opts) => pullPartners(pullDeps, opts),
    writeBatchSize,
    write: (batch, signal) => writeBatch(writeDeps, batch, signal),
    verify: (batch, signal) => verifyBatch(writeDeps, batch, signal),

    async checkMapping(signal): Promise<MappingCheckIssue[]> {
      client.beginStage('describe');
      const result: Record<string, { fields: Array<{ name: string; type: string; picklistValues: string[]; updateable: boolean; createable: boolean }> }> = {};
      for (const object of objects()) {
        const d = await describe(object, signal);
        if (d === null) continue;
        result[d.name] = {
          fields: d.fields.map((f) => ({
            name: f.name, type: f.type, picklistValues: (f.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value),
            updateable: f.updateable ?? false, createable: f.createable ?? false,
          })),
        };
      }
      return checkAgainstDescribe(deps.mappings, result);
    },

    setup: (opts) => runSetup({
      client, mappings: deps.mappings, logger: deps.logger, describe,
      forgetDescribes: () => describes.clear(),
      loginUrl: deps.config.loginUrl ?? 'https://login.salesforce.com',
    }, opts),

    usage: () => client.usage(),
    close: () => client.close(),
    readLeads: (ids, signal) => readLeads({ client, mappings: deps.mappings, onConverted: pullDeps.onConverted }, ids, signal),
    subscribeLeadChanges: (opts) => subscribeLeadChanges({ client, logger: deps.logger }, opts),
  };
}
