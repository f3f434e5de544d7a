// The composition root: validated config + mappings in, a running application out (store, connector,
// service context). Commands, the daemon and the demo all build it here, once, at the edge.
import type { CrmConnector } from '../connectors/contract.ts';
import { createConnector } from '../connectors/registry.ts';
import type { Store } from '../domain/ports.ts';
import type { OpportunityStage } from '../domain/write-back.ts';
import { opportunityStages } from '../domain/write-back.ts';
import { loadConfig, requireCrmCredentials } from '../config/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { UserFacingError } from '../lib/errors.ts';
import { exitCodes } from '../lib/exit-codes.ts';
import type { Logger } from '../lib/logger.ts';
import { createLogger } from '../lib/logger.ts';
import { loadMappings } from '../mapping/index.ts';
import type { LoadedMappings } from '../mapping/index.ts';
import type { ServiceContext, ServiceSettings } from '../services/context.ts';
import { systemClock, uuidIds } from '../services/context.ts';
import { openStore } from '../store/index.ts';
import type { Clock } from '../domain/ports.ts';
import { resolve } from 'node:path';

export interface AppOptions {
  readonly configPath?: string | undefined;
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly random?: () => number;
  /** Replace parts of the loaded config (demo, tests). */
  readonly override?: (c: LoadedConfig) => LoadedConfig;
}

export interface App {
  readonly config: LoadedConfig;
  readonly mappings: LoadedMappings;
  readonly store: Store;
  readonly ctx: ServiceContext;
  readonly logger: Logger;
  /** Built on first use: commands that need no CRM never authenticate. */
  connector(): CrmConnector;
  close(): Promise<void>;
}

export function loadValidatedConfig(opts: Pick<AppOptions, 'configPath' | 'env' | 'cwd' | 'override'>): LoadedConfig {
  const r = loadConfig({ ...(opts.configPath === undefined ? {} : { path: opts.configPath }), env: opts.env, cwd: opts.cwd });
  if (!r.ok) {
    throw new UserFacingError('The configuration has problems:', exitCodes.invalidInput,
      r.issues.map((i) => `${i.file}${i.line === null ? '' : `:${i.line}`} ${i.path}: ${i.message} (${i.hint})`));
  }
  return opts.override ? opts.override(r.value) : r.value;
}

export function loadValidatedMappings(config: LoadedConfig): LoadedMappings {
  const dir = resolve(config.baseDir, config.mappingsDir);
  const r = loadMappings(dir, config.crm, { relativeTo: config.baseDir });
  if (!r.ok) {
    throw new UserFacingError('The mappings have problems:', exitCodes.invalidInput,
      r.issues.map((i) => `${i.file}${i.line === null ? '' : `:${i.line}`} ${i.path}: ${i.message} (${i.hint})`));
  }
  return r.value;
}

export function settingsFrom(config: LoadedConfig, mappings: LoadedMappings): ServiceSettings {
  const stages = Object.keys(mappings.opportunity.stages).filter((s): s is OpportunityStage =>
    (opportunityStages as readonly string[]).includes(s));
  return {
    qualification: config.qualification,
    matching: config.matching,
    offers: config.offers,
    feedback: config.feedback,
    calendar: config.calendar,
    points: config.points,
    outbox: { maxAttempts: config.sync.maxAttempts, retryBaseSeconds: config.sync.retryBaseSeconds },
    opportunityStages: stages,
  };
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const config = loadValidatedConfig(opts);
  const mappings = loadValidatedMappings(config);
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const store = await openStore({ url: config.store.url, baseDir: config.baseDir, poolSize: config.store.poolSize });
  const clock = opts.clock ?? systemClock;
  const ctx: ServiceContext = {
    store, clock, ids: uuidIds, random: opts.random ?? Math.random, logger, settings: settingsFrom(config, mappings),
  };
  let connector: CrmConnector | null = null;
  return {
    config, mappings, store, ctx, logger,
    connector() {
      if (connector !== null) return connector;
      const issues = requireCrmCredentials[config.crm](config);
      if (issues.length > 0) {
        throw new UserFacingError(`The ${config.crm} credentials are missing (or run \`leadrelay demo\` to try the built-in emulator):`,
          exitCodes.invalidInput, issues.map((i) => `${i.path}: ${i.message} (${i.hint})`));
      }
      connector = createConnector({ config, mappings, store, logger, now: () => clock.now() });
      return connector;
    },
    async close() {
      if (connector !== null) await connector.close();
      await store.close();
    },
  };
}
