// `report send [--period]`: queue the report mail by hand, exactly as the weekly job does (same recipients,
// slices and dedupe keys: running it for a week the job already did queues nothing). The mail sender of
// `daemon` / `serve` sends what is queued.
import type { Command } from 'commander';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { reportDelivery } from '../../reports/deliver-jobs.ts';
import { PeriodError, parsePeriod } from '../../reports/period.ts';
import type { CliIO } from '../shared.ts';
import { withApp } from '../shared.ts';

/** Adds `send` under the existing `report` command (registered first). */
export function registerReportSend(program: Command, io: CliIO): void {
  const report = program.commands.find((c) => c.name() === 'report');
  if (report === undefined) throw new Error('registerReportSend: register the report command first');
  report.command('send')
    .description('queue the report mail for every recipient now, for `report --period` (default last-week); never twice per period and user')
    // `--period` belongs to `report` (commander hands options before and after `send` to the parent): read it there.
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ period?: string }>();
      await withApp(io, cmd, async (app) => {
        let period;
        try {
          period = parsePeriod(o.period ?? 'last-week', app.ctx.clock.now());
        } catch (e) {
          if (e instanceof PeriodError) throw new UserFacingError(e.message, exitCodes.invalidInput);
          throw e;
        }
        const s = await reportDelivery(app)(new AbortController().signal, period);
        io.out(`report ${s.period}: ${s.queued} mail(s) queued for ${s.recipients} recipient(s)${s.optedOut > 0 ? `, ${s.optedOut} opted out` : ''}`);
      });
    });
}
