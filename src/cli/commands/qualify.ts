// `qualify <lead>`: an agency qualifier works the qualification queue from the command line.
import { Option } from 'commander';
import type { Command } from 'commander';
import { temperatures } from '../../domain/lead.ts';
import type { Temperature } from '../../domain/lead.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { resolveQualification } from '../../services/qualification-queue.ts';
import type { QualifierDecision } from '../../services/qualification-queue.ts';
import type { CliIO } from '../shared.ts';
import { printJson, setExit, withApp } from '../shared.ts';
import { resolveLead } from './resolve.ts';

const listFields = new Set(['productInterest']);
const numberFields = new Set(['employees', 'latitude', 'longitude', 'budget', 'score']);

/** `field=value` pairs; lists split by `;`, numbers parsed, empty value clears the field. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UserFacingError(`--set ${pair}: write field=value (e.g. --set country=DE).`, exitCodes.invalidInput);
    const field = pair.slice(0, i).trim();
    const raw = pair.slice(i + 1).trim();
    out[field] = raw === '' ? (listFields.has(field) ? [] : null)
      : listFields.has(field) ? raw.split(';').map((s) => s.trim()).filter((s) => s !== '')
        : numberFields.has(field) ? Number(raw) : raw;
  }
  return out;
}

export function registerQualify(program: Command, io: CliIO): void {
  program.command('qualify <lead>')
    .description('work a lead in the qualification queue: fill gaps, set temperature and remarks, decide')
    .requiredOption('--by <qualifier>', 'who decides (recorded in the history and the CRM)')
    .option('--set <field=value...>', 'complete or correct canonical fields (lists split by ;)')
    .addOption(new Option('--temperature <t>', 'override the temperature').choices([...temperatures]))
    .option('--remarks <text>', 'remarks shown to partners with the teaser')
    .addOption(new Option('--decision <d>', 'qualified, rejected, or rules (re-run the rules on the completed data)').choices(['qualified', 'rejected', 'rules']).default('rules'))
    .option('--reason <text>', 'why (required for rejected)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, o: { by: string; set?: string[]; temperature?: Temperature; remarks?: string; decision: QualifierDecision; reason?: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const lead = await resolveLead(app, ref);
        const r = await resolveQualification(app.ctx, {
          leadId: lead.id, by: o.by, decision: o.decision, ...(o.set ? { set: parseAssignments(o.set) } : {}),
          ...(o.temperature ? { temperature: o.temperature } : {}), ...(o.remarks ? { remarks: o.remarks } : {}), ...(o.reason ? { reason: o.reason } : {}),
        });
        if (o.json) printJson(io, r.ok ? { ok: true, lead: { id: r.value.id, status: r.value.status, temperature: r.value.temperature, reasons: r.value.qualification?.reasons ?? [] } } : { error: r.error });
        else if (r.ok) {
          io.out(`lead ${r.value.id} is now ${r.value.status} (${r.value.temperature})`);
          for (const reason of r.value.qualification?.reasons ?? []) io.out(`  ${reason.rule}: ${reason.message}`);
        } else io.err(`qualify refused: ${r.error.code}: ${r.error.message}`);
        if (!r.ok) setExit(io, exitCodes.failed);
      });
    });
}
