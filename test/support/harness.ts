// Test harness for end-to-end runs: a Salesforce emulator over a real socket, a temp directory with a config
// file pointing at it, a real store (a SQLite file in the temp directory, or a fresh PostgreSQL schema with
// LEADRELAY_TEST_STORE=postgres: see stores.ts), and the CLI run in-process (or as a child process for crash tests).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { SalesforceEmulator, SalesforceEmulatorOptions } from '../../src/emulators/salesforce/index.ts';
import { runCli } from '../../src/cli/program.ts';
import type { CliIO } from '../../src/cli/shared.ts';
import { demoCredentials } from '../../src/cli/commands/demo.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { testStoreUrl } from './stores.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface Harness {
  readonly emu: SalesforceEmulator;
  readonly dir: string;
  readonly configFile: string;
  readonly env: Record<string, string>;
  cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }>;
  cliJson<T>(args: readonly string[]): Promise<{ code: number; value: T; err: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly emulator?: SalesforceEmulatorOptions;
  /** Extra YAML appended to the config file (top-level sections other than salesforce, sync, log). */
  readonly extraConfig?: string;
  /** Extra lines under `salesforce:` and `sync:` (already indented by two spaces). */
  readonly salesforceLines?: readonly string[];
  readonly syncLines?: readonly string[];
  readonly mappingsDir?: string;
  readonly logger?: Logger;
  /** Log level in the config file (child processes log JSON lines to stderr at this level). */
  readonly logLevel?: string;
  /** store.url; default: the harness's store for `dir` (startHarness), else `sqlite:leadrelay.db` in `dir`. */
  readonly storeUrl?: string;
}

/** The store each harness directory uses, so a config rewritten later in the same directory keeps it. */
const storeOfDir = new Map<string, string>();

export function writeConfig(dir: string, url: string, opts: HarnessOptions = {}): string {
  const file = join(dir, 'leadrelay.yaml');
  writeFileSync(file, [
    'crm: salesforce',
    `mappingsDir: ${JSON.stringify(opts.mappingsDir ?? join(repoRoot, 'mappings'))}`,
    'store:',
    `  url: ${JSON.stringify(opts.storeUrl ?? storeOfDir.get(dir) ?? 'sqlite:leadrelay.db')}`,
    'salesforce:',
    `  loginUrl: ${url}`,
    `  instanceUrl: ${url}`,
    '  auth:',
    '    flow: password',
    '    clientId: ${SF_CLIENT_ID}',
    '    clientSecret: ${SF_CLIENT_SECRET}',
    '    username: ${SF_USERNAME}',
    '    password: ${SF_PASSWORD}',
    ...(opts.salesforceLines ?? []),
    'sync:',
    '  settleSeconds: 0',
    ...(opts.syncLines ?? []),
    'log:',
    `  level: ${opts.logLevel ?? 'warn'}`,
    // Tests run in parallel processes: never the fixed default port.
    'metrics:',
    '  port: 0',
    opts.extraConfig ?? '',
  ].join('\n'));
  return file;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const emu = await startSalesforceEmulator(opts.emulator ?? {});
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-'));
  const store = await testStoreUrl('sqlite:leadrelay.db');
  storeOfDir.set(dir, store.url);
  const configFile = writeConfig(dir, emu.url, opts);
  const env: Record<string, string> = {
    SF_CLIENT_ID: demoCredentials.clientId, SF_CLIENT_SECRET: demoCredentials.clientSecret,
    SF_USERNAME: demoCredentials.username, SF_PASSWORD: demoCredentials.password,
  };
  const cli = async (args: readonly string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = {
      out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir, logger: opts.logger ?? nullLogger, status: { exitCode: 0 },
    };
    const code = await runCli(['--config', configFile, ...args], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return {
    emu, dir, configFile, env, cli,
    async cliJson<T>(args: readonly string[]) {
      const r = await cli([...args, '--json']);
      let value: T;
      try {
        value = JSON.parse(r.out) as T;
      } catch {
        throw new Error(`not JSON (exit ${r.code}): ${r.out.slice(0, 500)}\n${r.err.slice(0, 2000)}`);
      }
      return { code: r.code, value, err: r.err };
    },
    async close() {
      await emu.close();
      storeOfDir.delete(dir);
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
