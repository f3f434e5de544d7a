// `quarantine list|retry|drop`: records and write-backs that could not proceed, with their reasons.
import type { Command } from 'commander';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, withApp } from '../shared.ts';

const ids = (v: string): number[] => v.split(',').map((s) => Number.parseInt(s.trim(), 10)).filter((n) => Number.isInteger(n));

export function registerQuarantine(program: Command, io: CliIO): void {
  const q = program.command('quarantine').description('records and write-backs kept back with their reason');
  q.command('list')
    .option('--kind <kind>', 'record | write-back')
    .option('--json', 'print JSON')
    .action(async (o: { kind?: 'record' | 'write-back'; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const rows = await app.store.quarantine.list(o.kind, 500);
        if (o.json) printJson(io, rows.map((r) => ({ ...r, payload: undefined })));
        else printTable(io, rows.map((r) => ({ id: r.id, kind: r.kind, object: r.object, crmId: r.externalId, code: r.reason.code, source: r.reason.source ?? '', reason: r.reason.message })));
      });
    });
  q.command('retry [ids]')
    .description('put quarantined write-backs back in the outbox (all, or comma-separated ids), e.g. after a mapping fix')
    .action(async (list: string | undefined, _o: unknown, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const n = await app.store.outbox.requeueQuarantined(list === undefined ? 'all' : ids(list), app.ctx.clock.now());
        io.out(`${n} write-backs queued again; they go out with the next sync or flush`);
      });
    });
  q.command('drop <ids>')
    .description('forget quarantined entries (comma-separated ids)')
    .action(async (list: string, _o: unknown, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        io.out(`${await app.store.quarantine.drop(ids(list))} entries dropped`);
      });
    });
}
