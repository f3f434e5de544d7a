// `sync`, `flush`, `tick`: one cycle of the pipeline, the outbox alone, or the time-driven work alone.
import type { Command } from 'commander';
import { runSyncCycle } from '../../sync/cycle.ts';
import type { CycleSummary } from '../../sync/cycle.ts';
import { tick } from '../../services/tick.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import type { App } from '../../runtime/app.ts';
import type { CliIO } from '../shared.ts';
import { printJson, setExit, withApp } from '../shared.ts';

export function cycleObjects(app: App) {
  return { leads: app.mappings.lead.object, partners: app.mappings.partner.object };
}

export function printCycle(io: CliIO, s: CycleSummary): void {
  const l = s.leads;
  io.out(`sync run ${s.runId}: ${s.ok ? 'ok' : `FAILED (${s.error ?? 'unknown'})`}`);
  if (s.partners) io.out(`  partners   ${s.partners.created} new, ${s.partners.changed} changed, ${s.partners.users} users, ${s.partners.quarantined} quarantined`);
  if (l) io.out(`  leads      ${l.created} new, ${l.changed} changed, ${l.unchanged} unchanged, ${l.withdrawn} withdrawn, ${l.quarantined} quarantined (${l.pages} pages)`);
  if (s.qualification) io.out(`  qualified  ${s.qualification.qualified} qualified, ${s.qualification.needs_qualification} to the qualification queue, ${s.qualification.rejected} rejected`);
  if (s.offers) io.out(`  offered    ${s.offers.leads - s.offers.unmatched} leads as ${s.offers.offers} offers, ${s.offers.unmatched} escalated (no partner)`);
  if (s.tick && (s.tick.expiredOffers > 0 || s.tick.overdue > 0 || s.tick.reminders > 0 || s.tick.revoked > 0)) {
    io.out(`  waves      ${s.tick.nextWaves} next waves, ${s.tick.escalated} escalated, ${s.tick.overdue} leads with overdue feedback`);
    io.out(`  feedback   ${s.tick.reminders} reminders, ${s.tick.revoked} revoked (${s.tick.reoffered} offered again)`);
  }
  if (s.writeBacks) {
    const v = s.writeBacks.verified > 0 ? `, ${s.writeBacks.verified} found already applied after an interrupted flush` : '';
    io.out(`  write-back ${s.writeBacks.ok} written, ${s.writeBacks.retried} to retry, ${s.writeBacks.quarantined} quarantined, ${s.writeBacks.gone} gone in the CRM${v}`);
  }
  const calls = Object.entries(s.apiCalls).map(([k, v]) => `${k} ${v}`).join(', ');
  io.out(`  API calls  ${calls === '' ? 'none' : calls}${s.quota ? ` (org usage ${s.quota.used}/${s.quota.limit})` : ''}`);
  io.out(`  backlog    ${s.backlog.pending} pending write-backs, ${s.backlog.quarantined} quarantined`);
  if (s.pausedUntil !== null) io.out(`  paused     the CRM's API quota is exhausted; no CRM calls until ${s.pausedUntil}`);
}

function exitFor(s: CycleSummary): number {
  if (!s.ok) return exitCodes.failed;
  if ((s.leads?.quarantined ?? 0) + (s.writeBacks?.quarantined ?? 0) + (s.partners?.quarantined ?? 0) > 0) return exitCodes.partial;
  return exitCodes.ok;
}

export function registerSync(program: Command, io: CliIO): void {
  program.command('sync')
    .description('run one full cycle: pull partners and MQLs, qualify, match, offer, flush write-backs')
    .option('--no-pull', 'skip the pulls (qualify, offer and flush only)')
    .option('--no-flush', 'leave write-backs in the outbox')
    .option('--json', 'print the summary as JSON')
    .action(async (o: { pull: boolean; flush: boolean; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const ac = new AbortController();
        const s = await runSyncCycle(app.ctx, app.connector(), cycleObjects(app), { signal: ac.signal, pull: o.pull, flush: o.flush });
        if (o.json) printJson(io, s);
        else printCycle(io, s);
        setExit(io, exitFor(s));
      });
    });

  program.command('flush')
    .description('send pending write-backs to the CRM now')
    .option('--json', 'print the summary as JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const s = await runSyncCycle(app.ctx, app.connector(), cycleObjects(app), { signal: new AbortController().signal, pull: false });
        if (o.json) printJson(io, s);
        else printCycle(io, s);
        setExit(io, exitFor(s));
      });
    });

  program.command('tick')
    .description('advance time-driven work: end waves, offer the next wave, escalate; remind, mark overdue and revoke on feedback deadlines')
    .option('--json', 'print the summary as JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const s = await tick(app.ctx);
        if (o.json) printJson(io, s);
        else {
          io.out(`tick: ${s.expiredOffers} offers ended, ${s.nextWaves} next waves, ${s.escalated} escalated`);
          io.out(`      ${s.reminders} reminders, ${s.newlyOverdue} newly overdue (${s.overdue} overdue), ${s.revoked} revoked (${s.reoffered} offered again)`);
        }
      });
    });
}
