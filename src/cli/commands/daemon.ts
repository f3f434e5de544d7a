// `daemon`: the long-running process (cron schedules from config; SIGTERM drains and closes the DB).
import type { Command } from 'commander';
import { runDaemon } from '../../scheduler/daemon.ts';
import type { CliIO } from '../shared.ts';
import { withApp } from '../shared.ts';

export function registerDaemon(program: Command, io: CliIO): void {
  program.command('daemon')
    .description('run the schedules from config until SIGTERM/SIGINT (then drain and close the database)')
    .option('--no-run-at-start', 'wait for the first scheduled tick instead of syncing at once')
    .action(async (o: { runAtStart: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const r = await runDaemon(app, { runAtStart: o.runAtStart });
        io.out(`daemon stopped${r.drained ? '' : ' (some jobs did not finish within the drain timeout)'}`);
      });
    });
}
