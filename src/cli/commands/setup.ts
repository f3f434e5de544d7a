// `setup salesforce [--plan] [--export DIR]` / `setup hubspot [--plan]`: create the custom fields (properties),
// picklist values (options) and, for HubSpot, the deal pipeline the mappings need.
import type { Command } from 'commander';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, setExit, withApp } from '../shared.ts';

export function registerSetup(program: Command, io: CliIO): void {
  program.command('setup <crm>')
    .description('create the fields, picklist values (and pipelines) the mappings need in the CRM; idempotent')
    .option('--plan', 'only print what would change')
    .option('--export <dir>', 'write the planned changes as an SFDX source folder instead of applying them (Salesforce)')
    .option('--json', 'print JSON')
    .action(async (crm: string, o: { plan?: boolean; export?: string; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        if (crm !== app.config.crm) throw new UserFacingError(`The config says crm: ${app.config.crm}; run setup ${app.config.crm}.`, exitCodes.invalidInput);
        const ac = new AbortController();
        const connector = app.connector();
        await connector.connect(ac.signal);
        const r = await connector.setup({ plan: o.plan === true, signal: ac.signal, ...(o.export === undefined ? {} : { exportDir: o.export }) });
        if (o.json) printJson(io, r);
        else {
          io.out(o.plan || o.export ? `plan: ${r.planned.length} change(s), nothing applied to the CRM` : `${r.applied.length} of ${r.planned.length} change(s) applied`);
          printTable(io, r.planned.map((c) => ({ object: c.object, field: c.field, action: c.action, detail: c.detail })));
          for (const e of r.errors) io.err(`error: ${e}`);
          if (o.export) io.out(`SFDX source written to ${o.export} (deploy with: sf project deploy start --source-dir ${o.export}/force-app)`);
        }
        if (r.errors.length > 0) setExit(io, exitCodes.failed);
      });
    });
}
