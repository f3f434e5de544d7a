// `report`: KPIs over a period and slice, printed or written to a file as table, CSV, JSON or mail-safe HTML.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { reportFormats } from '../../reports/model.ts';
import type { ReportFormat } from '../../reports/model.ts';
import { PeriodError, parsePeriod } from '../../reports/period.ts';
import { renderReport } from '../../reports/render.ts';
import { buildReport } from '../../reports/report.ts';
import { SliceError, parseSlice } from '../../reports/slice.ts';
import type { CliIO } from '../shared.ts';
import { withApp } from '../shared.ts';

interface ReportOptions { period: string; slice: string; format: string; out?: string; asOf?: string; link?: string }

export function registerReport(program: Command, io: CliIO): void {
  program.command('report')
    .description('KPIs over a period and slice (definitions: README "Reports"); periods are UTC')
    .option('--period <period>', '2026-W47, 2026-11, 2026-Q4, 2026, 2026-01-01..2026-03-31, this-week or last-week', 'last-week')
    .option('--slice <slice>', 'all, partner:<id>, organisation:<id>, portfolio:<user id or email>, region:, product:, source:, campaign:, temperature:', 'all')
    .option('--format <format>', reportFormats.join(' | '), 'table')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--as-of <instant>', 'compute as of this ISO instant (default now): later facts do not count')
    .option('--link <url>', 'html: an "Open the full report" link')
    .action(async (o: ReportOptions, cmd: Command) => {
      // Check every argument before opening the store: a typo costs nothing.
      if (!(reportFormats as readonly string[]).includes(o.format)) {
        throw new UserFacingError(`--format ${o.format}: use one of ${reportFormats.join(', ')}`, exitCodes.invalidInput);
      }
      const asOf = o.asOf === undefined ? undefined : new Date(o.asOf);
      if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(o.asOf!) || Number.isNaN(asOf.getTime()))) {
        throw new UserFacingError(`--as-of ${o.asOf}: not an ISO instant like 2026-11-27T12:00:00Z`, exitCodes.invalidInput);
      }
      const slice = userInput(() => parseSlice(o.slice));
      await withApp(io, cmd, async (app) => {
        const now = asOf ?? app.ctx.clock.now();
        const period = userInput(() => parsePeriod(o.period, now));
        const report = await userInputAsync(() => buildReport(app.store, { period, slice, asOf: now }));
        const text = userInput(() => renderReport(report, o.format as ReportFormat, o.link === undefined ? {} : { link: o.link }));
        if (o.out === undefined) {
          io.out(text.replace(/\n$/, ''));
          return;
        }
        const file = resolve(io.cwd, o.out);
        writeFileSync(file, text);
        io.err(`leadrelay: wrote ${o.format} report ${report.period.label} (${report.sliceLabel}) to ${file}`);
      });
    });
}

/** Parser and slice errors are the user's to fix: exit 2 with the message, no stack. */
function userInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asUserError(e);
  }
}

async function userInputAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asUserError(e);
  }
}

function asUserError(e: unknown): unknown {
  if (e instanceof PeriodError || e instanceof SliceError) return new UserFacingError(e.message, exitCodes.invalidInput);
  if (e instanceof Error && e.message.startsWith('renderHtml: ')) return new UserFacingError(`--link: ${e.message.slice('renderHtml: '.length)}`, exitCodes.invalidInput);
  return e;
}
