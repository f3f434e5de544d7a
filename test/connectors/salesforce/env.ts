// Test environment for the Salesforce connector: the emulator over a real socket, the repo's mappings, a shared
// controllable clock, an instant recording sleep, and an in-memory TokenStore.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_CLIENT, DEFAULT_USER, startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { SalesforceEmulator, SalesforceEmulatorOptions } from '../../../src/emulators/salesforce/index.ts';
import type { Config } from '../../../src/config/schema.ts';
import { createSalesforceConnector } from '../../../src/connectors/salesforce/connector.ts';
import type { SalesforceConnectorDeps } from '../../../src/connectors/salesforce/connector.ts';
import type { CrmConnector } from '../../../src/connectors/contract.ts';
import { nullLogger } from '../../../src/lib/logger.ts';
import { loadMappings } from '../../../src/mapping/index.ts';
import type { LoadedMappings } from '../../../src/mapping/index.ts';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const signal = new AbortController().signal;

export function repoMappings(dir = join(repoRoot, 'mappings')): LoadedMappings {
  const m = loadMappings(dir, 'salesforce', { relativeTo: repoRoot });
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

export type SfConfig = Config['salesforce'];

export function sfConfig(url: string, over: Partial<SfConfig> = {}, auth: Partial<SfConfig['auth']> = {}): SfConfig {
  return {
    loginUrl: url, instanceUrl: null, apiVersion: '60.0',
    auth: {
      flow: 'password', clientId: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret,
      username: DEFAULT_USER.username, password: DEFAULT_USER.password, refreshToken: null, privateKeyFile: null, ...auth,
    },
    queryBatchSize: 2000, writeBatchSize: 200, maxDailyApiShare: 1, requestTimeoutSeconds: 120,
    retry: { retries: 4, minDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterSeconds: 120 }, quotaProbeMinutes: 30, ...over,
  };
}

export interface Env {
  readonly emu: SalesforceEmulator;
  readonly clock: Clock;
  readonly mappings: LoadedMappings;
  readonly tokens: MemoryTokens;
  readonly sleeps: number[];
  /** A connector over the emulator; `over` tweaks deps (config, sync...). */
  connector(over?: Partial<SalesforceConnectorDeps>): CrmConnector;
  /** Runs setup once so the mapped custom fields and picklist values exist. */
  setup(): Promise<void>;
  close(): Promise<void>;
}

export async function startEnv(opts: { emulator?: SalesforceEmulatorOptions; mappings?: LoadedMappings } = {}): Promise<Env> {
  const clock = new Clock();
  const emu = await startSalesforceEmulator({ now: clock.now, ...opts.emulator });
  const mappings = opts.mappings ?? repoMappings();
  const tokens = new MemoryTokens();
  const sleeps: number[] = [];
  const open: CrmConnector[] = [];
  const connector = (over: Partial<SalesforceConnectorDeps> = {}): CrmConnector => {
    const c = createSalesforceConnector({
      config: sfConfig(emu.url), sync: { overlapSeconds: 0, settleSeconds: 1 }, mappings, tokens, logger: nullLogger,
      now: clock.now, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5, ...over,
    });
    open.push(c);
    return c;
  };
  return {
    emu, clock, mappings, tokens, sleeps, connector,
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

/** `n` MQL leads that map cleanly (company, country, product interest, email). */
export function mqlLeads(n: number, from = 0, extra: (i: number) => Record<string, unknown> = () => ({})): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      FirstName: `Ada${i}`, LastName: `Lovelace${i}`, Company: `Acme ${i}`, Email: `ada${i}@acme.io`, Country: 'de',
      Status: 'Marketing Qualified', LeadSource: 'Web', Product_Interest__c: 'Heat Pump;Solar', ...extra(i),
    };
  });
}

export function nonMqlLeads(n: number, from = 0): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) => ({ LastName: `Cold${from + k}`, Company: `Cold ${from + k}`, Status: 'Open - Not Contacted' }));
}

/** An RSA key pair on disk for the JWT bearer flow. */
export function jwtKeys(): { privateKeyFile: string; publicKeyPem: string; cleanup: () => void } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-jwt-'));
  const privateKeyFile = join(dir, 'server.key');
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { privateKeyFile, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Drains a pull into pages. */
export async function drain<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of gen) out.push(p);
  return out;
}

