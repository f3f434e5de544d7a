// The CLI: commander program with every command registered. bin/leadrelay only calls buildProgram().parseAsync.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { exitCodes } from '../lib/exit-codes.ts';
import type { CliIO } from './shared.ts';
import { reportError, setExit } from './shared.ts';
import { registerActions } from './commands/actions.ts';
import { registerCopyStore } from './commands/copy-store.ts';
import { registerDaemon } from './commands/daemon.ts';
import { registerDemo } from './commands/demo.ts';
import { registerExplain } from './commands/explain.ts';
import { registerQualify } from './commands/qualify.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerInit } from './commands/init.ts';
import { registerLeads } from './commands/leads.ts';
import { registerOperations } from './commands/operations.ts';
import { registerMarketplace } from './commands/marketplace.ts';
import { registerPartners } from './commands/partners.ts';
import { registerQuarantine } from './commands/quarantine.ts';
import { registerReport } from './commands/report.ts';
import { registerReportSend } from './commands/report-send.ts';
import { registerSetup } from './commands/setup.ts';
import { registerServe } from './commands/serve.ts';
import { registerStatus } from './commands/status.ts';
import { registerSync } from './commands/sync.ts';
import { registerValidate } from './commands/validate.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const defaultIO = (): CliIO => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
  cwd: process.cwd(),
  status: { exitCode: 0 },
});

export function buildProgram(io: CliIO = defaultIO()): Command {
  const program = new Command('leadrelay')
    .description('channel lead distribution beside your CRM: pull MQLs, qualify, match, offer to partners, write back')
    .version(version)
    .option('-c, --config <file>', 'config file (else $LEADRELAY_CONFIG, else config/leadrelay.yaml, else built-in defaults)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerInit(program, io);
  registerValidate(program, io);
  registerSetup(program, io);
  registerSync(program, io);
  registerDaemon(program, io);
  registerStatus(program, io);
  registerPartners(program, io);
  registerLeads(program, io);
  registerActions(program, io);
  registerMarketplace(program, io);
  registerQualify(program, io);
  registerExplain(program, io);
  registerSimulate(program, io);
  registerQuarantine(program, io);
  registerOperations(program, io);
  registerCopyStore(program, io);
  registerDemo(program, io);
  registerServe(program, io);
  registerReport(program, io);
  registerReportSend(program, io);
  return program;
}

/** Parse and run; returns the exit code instead of exiting (tests call this in-process). */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.status.exitCode;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      const help = ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' || ce.code === 'commander.help';
      setExit(io, help ? exitCodes.ok : exitCodes.invalidInput);
      return io.status.exitCode;
    }
    setExit(io, reportError(io, e));
    return io.status.exitCode;
  }
}
