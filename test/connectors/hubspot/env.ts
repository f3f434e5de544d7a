// Test environment for the HubSpot connector: the emulator over a real socket, the repo's HubSpot mappings, one
// controllable clock shared by the emulator and the connector, a recording sleep that moves that clock (rolling
// rate-limit windows, token expiry and search lag follow), and an in-memory TokenStore.
import { join, resolve } from 'node:path';
import { configSchema } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/schema.ts';
import type { CrmConnector } from '../../../src/connectors/contract.ts';
import { createHubSpotConnector } from '../../../src/connectors/hubspot/connector.ts';
import type { HubSpotConnectorDeps } from '../../../src/connectors/hubspot/connector.ts';
import { LimiterRegistry } from '../../../src/connectors/hubspot/limiter.ts';
import { DEFAULT_OAUTH_CLIENT, DEFAULT_REFRESH_TOKEN, startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import type { HubSpotEmulator, HubSpotEmulatorOptions } from '../../../src/emulators/hubspot/index.ts';
import { nullLogger } from '../../../src/lib/logger.ts';
import { loadMappings } from '../../../src/mapping/index.ts';
import type { LoadedMappings } from '../../../src/mapping/index.ts';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const signal = new AbortController().signal;

export function hubspotMappings(dir = join(repoRoot, 'mappings')): LoadedMappings {
  const m = loadMappings(dir, 'hubspot', { relativeTo: repoRoot });
  if (!m.ok) throw new Error(`mappings: ${JSON.stringify(m.issues)}`);
  return m.value;
}

export class Clock {
  constructor(public ms = Date.UTC(2025, 4, 20, 12, 0, 0)) {}
  now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export class MemoryTokens {
  saved: string[] = [];
  constructor(public current: string | null = null) {}
  load = async (): Promise<string | null> => this.current;
  save = async (t: string): Promise<void> => {
    this.current = t;
    this.saved.push(t);
  };
}

export type HsConfig = Config['hubspot'];

/** The `hubspot:` config for an emulator: OAuth by default (access tokens expire), or a private app token. */
export function hsConfig(emu: HubSpotEmulator, over: Partial<Omit<HsConfig, 'auth' | 'rateLimit'>> & { auth?: Partial<HsConfig['auth']>; rateLimit?: Partial<HsConfig['rateLimit']> } = {}): HsConfig {
  const base = configSchema.parse({}).hubspot;
  return {
    ...base, baseUrl: emu.url, indexLagSeconds: 3, archiveSweepMinutes: 0, maxDailyApiShare: 1, ...over,
    auth: { flow: 'oauth', accessToken: null, clientId: DEFAULT_OAUTH_CLIENT.clientId, clientSecret: DEFAULT_OAUTH_CLIENT.clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN, ...over.auth },
    rateLimit: { ...base.rateLimit, ...over.rateLimit },
  };
}

export interface Env {
  readonly emu: HubSpotEmulator;
  readonly clock: Clock;
  readonly mappings: LoadedMappings;
  readonly tokens: MemoryTokens;
  readonly sleeps: number[];
  readonly limiters: LimiterRegistry;
  /** A connector over the emulator; `over` tweaks deps (config, sync...). */
  connector(over?: Partial<HubSpotConnectorDeps>): CrmConnector;
  /** Runs setup once so the mapped properties, options and the deal pipeline exist. */
  setup(): Promise<void>;
  close(): Promise<void>;
}

export async function startEnv(opts: { emulator?: HubSpotEmulatorOptions; mappings?: LoadedMappings } = {}): Promise<Env> {
  const clock = new Clock();
  const emu = await startHubSpotEmulator({ now: clock.now, ...opts.emulator });
  const mappings = opts.mappings ?? hubspotMappings();
  const tokens = new MemoryTokens();
  const sleeps: number[] = [];
  const limiters = new LimiterRegistry();
  const open: CrmConnector[] = [];
  const connector = (over: Partial<HubSpotConnectorDeps> = {}): CrmConnector => {
    const c = createHubSpotConnector({
      config: hsConfig(emu), sync: { overlapSeconds: 0, settleSeconds: 1 }, mappings, tokens, logger: nullLogger, now: clock.now,
      sleep: async (ms) => { sleeps.push(ms); clock.ms += ms; }, random: () => 0.5, limiters, ...over,
    });
    open.push(c);
    return c;
  };
  return {
    emu, clock, mappings, tokens, sleeps, limiters, connector,
    async setup() {
      const c = connector();
      const r = await c.setup({ plan: false, signal });
      if (r.errors.length > 0) throw new Error(`setup: ${r.errors.join('; ')}`);
      await c.close();
    },
    async close() {
      for (const c of open) await c.close();
      await emu.close();
    },
  };
}

/** `n` MQL contacts that map cleanly (country, product interest, email). */
export function mqlContacts(n: number, from = 0, extra: (i: number) => Record<string, string | number> = () => ({})): Array<Record<string, string | number>> {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      firstname: `Ada${i}`, lastname: `Lovelace${i}`, email: `ada${i}@acme.io`, country: 'de', lifecyclestage: 'marketingqualifiedlead',
      leadrelay_lead_source: 'Web', leadrelay_product_interest: 'Heat Pump;Solar', ...extra(i),
    };
  });
}

export function otherContacts(n: number, from = 0): Array<Record<string, string>> {
  return Array.from({ length: n }, (_, k) => ({ lastname: `Cold${from + k}`, email: `cold${from + k}@acme.io`, lifecyclestage: 'subscriber' }));
}

/** Drains a pull into pages. */
export async function drain<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of gen) out.push(p);
  return out;
}
