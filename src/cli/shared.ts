// CLI plumbing shared by commands: build the app from the global --config, run, close, print, exit code.
import type { Command } from 'commander';
import type { App } from '../runtime/app.ts';
import { buildApp } from '../runtime/app.ts';
import { UserFacingError } from '../lib/errors.ts';
import { exitCodes } from '../lib/exit-codes.ts';
import type { Logger } from '../lib/logger.ts';

export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  /** Injected for tests; default: the winston JSON logger on stderr at the configured level. */
  readonly logger?: Logger;
  /** The worst exit code a command reported; runCli returns it. */
  readonly status: { exitCode: number };
}

export interface GlobalOptions { config?: string }

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export async function withApp<T>(io: CliIO, cmd: Command, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await buildApp({
    configPath: globalOptions(cmd).config, env: io.env, cwd: io.cwd, ...(io.logger === undefined ? {} : { logger: io.logger }),
  });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

export function printJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** A plain aligned table for terminals; values are stringified, long ones cut. */
export function printTable(io: CliIO, rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): void {
  if (rows.length === 0) {
    io.out('(none)');
    return;
  }
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown): string => {
    const s = typeof v === 'string' ? v
      : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v)
        : v === null || v === undefined ? '' : (JSON.stringify(v) ?? '');
    return s.length > 48 ? `${s.slice(0, 45)}...` : s;
  };
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  io.out(cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  for (const r of rows) io.out(cols.map((c, i) => cell(r[c]).padEnd(widths[i]!)).join('  ').trimEnd());
}

/** Record the exit code without exiting (pending output and handles close cleanly); the worst one wins. */
export function setExit(io: CliIO, code: number): void {
  if (code > io.status.exitCode) io.status.exitCode = code;
}

export function reportError(io: CliIO, e: unknown): number {
  if (e instanceof UserFacingError) {
    io.err(`leadrelay: ${e.message}`);
    for (const d of e.details) io.err(`  - ${d}`);
    return e.exitCode;
  }
  io.err(`leadrelay: ${e instanceof Error ? e.message : String(e)}`);
  return exitCodes.failed;
}
