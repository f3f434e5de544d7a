// End-to-end harness for HubSpot: the emulator over a real socket, a temp directory with a config file pointing at
// it (crm: hubspot, a private app token from the environment), a real SQLite file, and the CLI run in-process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../../src/cli/program.ts';
import type { CliIO } from '../../../src/cli/shared.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import type { HubSpotEmulator, HubSpotEmulatorOptions } from '../../../src/emulators/hubspot/index.ts';
import { nullLogger } from '../../../src/lib/logger.ts';

export const repoRoot = resolve(import.meta.dirname, '../../..');

export interface HubSpotHarness {
  readonly emu: HubSpotEmulator;
  readonly dir: string;
  readonly configFile: string;
  readonly env: Record<string, string>;
  cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }>;
  cliJson<T>(args: readonly string[]): Promise<{ code: number; value: T; err: string }>;
  close(): Promise<void>;
}

export interface HubSpotHarnessOptions {
  readonly emulator?: HubSpotEmulatorOptions;
  /** Extra lines under `hubspot:` (indented by two spaces). */
  readonly hubspotLines?: readonly string[];
}

export async function startHubSpotHarness(opts: HubSpotHarnessOptions = {}): Promise<HubSpotHarness> {
  const emu = await startHubSpotEmulator(opts.emulator ?? {});
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-hs-'));
  const configFile = join(dir, 'leadrelay.yaml');
  writeFileSync(configFile, [
    'crm: hubspot',
    `mappingsDir: ${JSON.stringify(join(repoRoot, 'mappings'))}`,
    'store:',
    '  url: sqlite:leadrelay.db',
    'hubspot:',
    `  baseUrl: ${emu.url}`,
    '  auth:',
    '    flow: private_app',
    '    accessToken: ${HUBSPOT_ACCESS_TOKEN}',
    ...(opts.hubspotLines ?? []),
    'sync:',
    '  settleSeconds: 0',
    'log:',
    '  level: warn',
  ].join('\n'));
  const env: Record<string, string> = { HUBSPOT_ACCESS_TOKEN: emu.token };
  const cli = async (args: readonly string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir, logger: nullLogger, status: { exitCode: 0 } };
    const code = await runCli(['--config', configFile, ...args], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return {
    emu, dir, configFile, env, cli,
    async cliJson<T>(args: readonly string[]) {
      const r = await cli([...args, '--json']);
      try {
        return { code: r.code, value: JSON.parse(r.out) as T, err: r.err };
      } catch {
        throw new Error(`not JSON (exit ${r.code}): ${r.out.slice(0, 500)}\n${r.err.slice(0, 2000)}`);
      }
    },
    async close() {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
