// Act on behalf of a partner or channel manager (until the web client exists, and for support staff):
// reserve, decline, feedback, assign. The same services the web client will call.
import { Option } from 'commander';
import type { Command } from 'commander';
import { feedbackStatuses } from '../../domain/offer.ts';
import type { FeedbackStatus } from '../../domain/offer.ts';
import type { Result } from '../../domain/result.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { recordFeedback } from '../../services/feedback.ts';
import { decline, reserve } from '../../services/reserve.ts';
import type { CliIO } from '../shared.ts';
import { printJson, setExit, withApp } from '../shared.ts';
import { resolveLead, resolvePartner } from './resolve.ts';

function report<T extends { id: string; status: string }>(io: CliIO, json: boolean | undefined, r: Result<T | true>, what: string): void {
  if (json) printJson(io, r.ok ? { ok: true, ...(r.value === true ? {} : { lead: { id: r.value.id, status: r.value.status } }) } : { error: r.error });
  else if (r.ok) io.out(`${what}: done${r.value === true ? '' : ` (lead ${r.value.id} is now ${r.value.status})`}`);
  else io.err(`${what} refused: ${r.error.code}: ${r.error.message}`);
  if (!r.ok) setExit(io, exitCodes.failed);
}

export function registerActions(program: Command, io: CliIO): void {
  program.command('reserve <lead>')
    .description('reserve an offered lead for a partner (first come, first served; the feedback gate applies)')
    .requiredOption('--partner <partner>', 'partner id or CRM id')
    .option('--user <userId>', 'the partner user acting')
    .option('--json', 'print the result as JSON')
    .action(async (leadRef: string, o: { partner: string; user?: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, leadRef);
        const partner = await resolvePartner(app, o.partner);
        report(io, o.json, await reserve(app.ctx, { leadId: lead.id, partnerId: partner.id, userId: o.user ?? null }), 'reserve');
      });
    });

  program.command('assign <lead>')
    .description('a channel manager gives a lead directly to a partner, bypassing the waves')
    .requiredOption('--partner <partner>', 'partner id or CRM id')
    .requiredOption('--by <user>', 'who assigns (recorded in the history)')
    .option('--json', 'print the result as JSON')
    .action(async (leadRef: string, o: { partner: string; by: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, leadRef);
        const partner = await resolvePartner(app, o.partner);
        report(io, o.json, await reserve(app.ctx, { leadId: lead.id, partnerId: partner.id, userId: null, assignment: { by: o.by } }), 'assign');
      });
    });

  program.command('decline <lead>')
    .description('a partner declines an offer; it is not offered that lead again')
    .requiredOption('--partner <partner>', 'partner id or CRM id')
    .requiredOption('--reason <text>', 'why (shown to the channel manager)')
    .option('--json', 'print the result as JSON')
    .action(async (leadRef: string, o: { partner: string; reason: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, leadRef);
        const partner = await resolvePartner(app, o.partner);
        report(io, o.json, await decline(app.ctx, lead.id, partner.id, o.reason), 'decline');
      });
    });

  program.command('feedback <lead>')
    .description('record a partner\'s feedback on a reserved lead')
    .requiredOption('--partner <partner>', 'partner id or CRM id')
    .addOption(new Option('--status <status>', 'the new status').choices([...feedbackStatuses]).makeOptionMandatory())
    .option('--amount <number>', 'deal amount (proposal, won)', Number)
    .option('--close-date <yyyy-mm-dd>', 'expected or actual close date')
    .option('--lost-reason <text>', 'why it was lost')
    .option('--comment <text>', 'a note for the manufacturer')
    .option('--user <userId>', 'the partner user acting')
    .option('--json', 'print the result as JSON')
    .action(async (leadRef: string, o: { partner: string; status: FeedbackStatus; amount?: number; closeDate?: string; lostReason?: string; comment?: string; user?: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, leadRef);
        const partner = await resolvePartner(app, o.partner);
        report(io, o.json, await recordFeedback(app.ctx, {
          leadId: lead.id, partnerId: partner.id, userId: o.user ?? null, status: o.status, amount: o.amount ?? null,
          closeDate: o.closeDate ?? null, lostReason: o.lostReason ?? null, comment: o.comment ?? null,
        }), 'feedback');
      });
    });
}
