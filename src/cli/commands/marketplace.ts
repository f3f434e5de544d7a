// Marketplace commands: `away` (a partner's away periods), `points` (leaderboard and ledger by period) and
// `plan` (the opportunity plan of a reserved lead). The same services the web client will call.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderPlan } from '../../domain/opportunity-plan.ts';
import type { Result } from '../../domain/result.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { awayBound, cancelAway, listAway, markAway } from '../../services/away.ts';
import { getPlan, savePlan } from '../../services/opportunity-plan.ts';
import { leaderboard, partnerPoints, periodRange } from '../../services/points.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, setExit, withApp } from '../shared.ts';
import { resolveLead, resolvePartner } from './resolve.ts';

function refused<T>(io: CliIO, json: boolean | undefined, r: Result<T>, what: string): r is Extract<Result<T>, { ok: false }> {
  if (r.ok) return false;
  if (json) printJson(io, { error: r.error });
  else io.err(`${what} refused: ${r.error.code}: ${r.error.message}`);
  setExit(io, exitCodes.failed);
  return true;
}

export function registerMarketplace(program: Command, io: CliIO): void {
  program.command('away <partner>')
    .description('mark a partner away (no offers, feedback deadlines wait), list its away periods, or cancel one')
    .option('--from <when>', 'start: a date (local, calendar.timezone) or an ISO timestamp; default now')
    .option('--to <when>', 'end: a date (inclusive) or an ISO timestamp')
    .option('--reason <text>', 'shown to channel managers')
    .option('--cancel <id>', 'remove an away period by id', (v) => Number.parseInt(v, 10))
    .option('--by <user>', 'who records it (history)', 'cli')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { from?: string; to?: string; reason?: string; cancel?: number; by: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const partner = await resolvePartner(app, ref);
        if (o.cancel !== undefined) {
          const r = await cancelAway(app.ctx, o.cancel);
          if (refused(io, o.json, r, 'away --cancel')) return;
        } else if (o.to !== undefined) {
          const tz = app.config.calendar.timezone;
          const from = o.from === undefined ? app.ctx.clock.now() : awayBound(o.from, tz, false);
          const to = awayBound(o.to, tz, true);
          if (from === null || to === null) throw new UserFacingError('--from and --to take a date (2026-12-21) or an ISO timestamp.', exitCodes.invalidInput);
          const r = await markAway(app.ctx, { partnerId: partner.id, from, to, reason: o.reason ?? null, by: o.by });
          if (refused(io, o.json, r, 'away')) return;
        } else if (o.from !== undefined) {
          throw new UserFacingError('--from needs --to (the end of the away period).', exitCodes.invalidInput);
        }
        const periods = await listAway(app.ctx, partner.id);
        if (o.json) {
          printJson(io, { partnerId: partner.id, away: periods });
          return;
        }
        io.out(`partner ${partner.data.name} (${partner.id}) away periods:`);
        printTable(io, periods.map((p) => ({ id: p.id, from: p.from.toISOString(), to: p.to.toISOString(), reason: p.reason, by: p.createdBy })));
      });
    });

  program.command('points')
    .description('points leaderboard for a period, or one partner\'s ledger entries')
    .option('--period <period>', 'an ISO week (2026-W47), a month (2026-11) or a year; default the current week or month (points.period)')
    .option('--partner <partner>', 'one partner\'s entries and balance')
    .option('--json', 'print JSON')
    .action(async (o: { period?: string; partner?: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const range = periodRange(app.ctx, o.period);
        if (!range.ok) throw new UserFacingError(range.error.message, exitCodes.invalidInput);
        const p = range.value;
        if (o.partner !== undefined) {
          const partner = await resolvePartner(app, o.partner);
          const r = await partnerPoints(app.ctx, partner.id, p);
          if (o.json) {
            printJson(io, { period: p, partnerId: partner.id, ...r });
            return;
          }
          io.out(`${partner.data.name} (${partner.id}): ${r.balance} points in ${p.label}`);
          printTable(io, r.entries.map((e) => ({ at: e.at.toISOString(), rule: e.rule, points: e.points, lead: e.leadId })));
          return;
        }
        const rows = await leaderboard(app.ctx, p);
        if (o.json) {
          printJson(io, { period: p, leaderboard: rows });
          return;
        }
        io.out(`points ${p.label} (${p.from.toISOString()} – ${p.to.toISOString()})`);
        printTable(io, rows.map((r) => ({ rank: r.rank, partner: r.name ?? r.partnerId, crmId: r.externalId, points: r.points, entries: r.entries })));
      });
    });

  const plan = program.command('plan')
    .description('set the opportunity plan of a reserved lead from a JSON file (`plan show <lead>` prints it)')
    .argument('[lead]', 'lead id or CRM id')
    .option('--file <plan.json>', 'the plan (see README: Marketplace)')
    .option('--partner <partner>', 'edit as the holding partner')
    .option('--user <userId>', 'edit as a user (a channel manager, or a user of the holding partner)')
    .option('--json', 'print JSON')
    .action(async (ref: string | undefined, o: { file?: string; partner?: string; user?: string; json?: boolean }, cmd: Command) => {
      if (ref === undefined || o.file === undefined) throw new UserFacingError('Usage: leadrelay plan <lead> --file plan.json (--partner P | --user U), or plan show <lead>.', exitCodes.invalidInput);
      if ((o.partner === undefined) === (o.user === undefined)) throw new UserFacingError('Say who edits: --partner P or --user U (one of them).', exitCodes.invalidInput);
      const { partner, user } = o;
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, ref);
        let input: unknown;
        try {
          input = JSON.parse(readFileSync(resolve(io.cwd, o.file!), 'utf8'));
        } catch (e) {
          throw new UserFacingError(`Cannot read ${o.file}: ${e instanceof Error ? e.message : String(e)}`, exitCodes.invalidInput);
        }
        const editor = partner !== undefined ? { partnerId: (await resolvePartner(app, partner)).id } : { userId: user! };
        const r = await savePlan(app.ctx, { leadId: lead.id, editor, plan: input });
        if (refused(io, o.json, r, 'plan')) return;
        if (o.json) printJson(io, { ok: true, leadId: lead.id, version: r.value.version });
        else io.out(`plan of lead ${lead.id}: saved as version ${r.value.version}; the CRM opportunity gets it with the next flush`);
      });
    });

  plan.command('show <lead>')
    .description('print the opportunity plan of a lead as the CRM sees it')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, ref);
        const stored = await getPlan(app.ctx, lead.id);
        if (o.json) {
          printJson(io, stored);
          return;
        }
        if (stored === null) {
          io.out(`lead ${lead.id} has no opportunity plan yet`);
          return;
        }
        io.out(`plan of lead ${lead.id}, version ${stored.version}, by ${stored.updatedBy} at ${stored.updatedAt.toISOString()}`);
        io.out(renderPlan(stored.plan));
      });
    });
}
