// `leads list` and `leads show`: what leadrelay holds, with history and match explanation.
import type { Command } from 'commander';
import { leadStatuses } from '../../domain/lead.ts';
import type { LeadStatus } from '../../domain/lead.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, withApp } from '../shared.ts';
import { resolveLead, resolvePartner } from './resolve.ts';

export function registerLeads(program: Command, io: CliIO): void {
  const leads = program.command('leads').description('list and show leads');
  leads.command('list')
    .description('list leads, newest change first')
    .option('--status <statuses>', `comma-separated: ${leadStatuses.join(', ')}`)
    .option('--partner <partner>', 'only leads held by this partner (id or CRM id)')
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; partner?: string; limit: number; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const status = o.status?.split(',').map((s) => s.trim()).filter((s) => s !== '');
        const bad = status?.filter((s) => !(leadStatuses as readonly string[]).includes(s)) ?? [];
        if (bad.length > 0) throw new UserFacingError(`Unknown status ${bad.join(', ')}; use ${leadStatuses.join(', ')}.`, exitCodes.invalidInput);
        const partnerId = o.partner === undefined ? undefined : (await resolvePartner(app, o.partner)).id;
        const rows = await app.store.leads.list({
          ...(status ? { status: status as LeadStatus[] } : {}), ...(partnerId ? { partnerId } : {}), limit: o.limit,
        });
        if (o.json) {
          printJson(io, rows);
          return;
        }
        // Contact data stays out of the listing: ids, company, status and temperature are enough to pick one.
        printTable(io, rows.map((l) => ({
          id: l.id, crmId: l.externalId, status: l.status, temperature: l.temperature, company: l.data.company,
          country: l.data.country, products: l.data.productInterest.join(';'), wave: l.wave, partner: l.partnerId,
        })));
      });
    });

  leads.command('show <lead>')
    .description('one lead with its qualification, offers, feedback and history')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, ref);
        const [offers, feedback, events, notices, plan] = await Promise.all([
          app.store.offers.listByLead(lead.id), app.store.feedback.listByLead(lead.id), app.store.events.listByLead(lead.id),
          app.store.notices.listByLead(lead.id), app.store.plans.get(lead.id),
        ]);
        if (o.json) {
          printJson(io, { lead, offers, feedback, events, notices, plan });
          return;
        }
        io.out(`lead ${lead.id} (CRM ${lead.externalId}) — ${lead.status}, ${lead.temperature}, wave ${lead.wave}`);
        io.out(`  company ${lead.data.company ?? '-'} · ${lead.data.city ?? '-'} ${lead.data.country ?? ''} · products ${lead.data.productInterest.join(', ') || '-'} · source ${lead.data.source ?? '-'}`);
        for (const r of lead.qualification?.reasons ?? []) io.out(`  qualification: ${r.rule}: ${r.message}`);
        if (offers.length > 0) {
          io.out('offers:');
          printTable(io, offers.map((f) => ({ partner: f.partnerId, wave: f.wave, rank: f.rank, score: f.score.toFixed(3), status: f.status, expires: f.expiresAt.toISOString() })));
        }
        if (feedback.length > 0) {
          io.out('feedback:');
          printTable(io, feedback.map((f) => ({ at: f.at.toISOString(), status: f.status, amount: f.amount, closeDate: f.closeDate })));
        }
        if (lead.feedbackDueAt !== null) io.out(`  feedback due ${lead.feedbackDueAt.toISOString()} from partner ${lead.partnerId ?? '-'}`);
        if (plan !== null) io.out(`  opportunity plan: version ${plan.version}, ${plan.updatedAt.toISOString()} by ${plan.updatedBy} (leadrelay plan show ${lead.id})`);
        io.out('history:');
        printTable(io, events.map((e) => ({ at: e.at.toISOString(), event: e.type, actor: e.actor, partner: e.partnerId, detail: detailOf(e.type, e.data) })));
      });
    });
}

/** The one line of an event's data worth showing in the history table (reminders and revocations above all). */
function detailOf(type: string, data: Readonly<Record<string, unknown>>): string {
  const str = (k: string): string => (typeof data[k] === 'string' || typeof data[k] === 'number' ? String(data[k]) : '');
  // Minutes are enough here (the table cuts cells at 48 characters); --json has the exact instants.
  const when = (k: string): string => str(k).replace(/:\d{2}\.\d{3}Z$/, 'Z');
  switch (type) {
    case 'reminder': return `due ${when('dueAt')}, ${str('hoursLeft')} h left`;
    case 'revoked': return `was due ${when('dueAt')}, ${str('points')} points`;
    case 'offered': return `wave ${str('wave')} to ${when('expiresAt')}${str('reason') === '' ? '' : ` (${str('reason')})`}`;
    case 'feedback': case 'returned': return str('status');
    case 'declined': return str('reason');
    case 'escalated': return str('reason');
    case 'reserved': case 'assigned': return `feedback due ${when('feedbackDueAt')}`;
    case 'plan_updated': return `version ${str('version')}`;
    default: return '';
  }
}
