// `copy-store --from sqlite:<file> --to postgres://…`: move a SQLite store into PostgreSQL (see src/store/copy.ts
// for what is guaranteed). Needs no config file: both stores are named on the command line, so a password is
// best given in PGPASSWORD rather than in --to; it is never printed either way.
import type { Command } from 'commander';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { copyStore } from '../../store/copy.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable } from '../shared.ts';

interface CopyOptions { from: string; to: string; force?: boolean; batchSize?: string; json?: boolean }

export function registerCopyStore(program: Command, io: CliIO): void {
  program.command('copy-store')
    .description('copy a SQLite store into an empty PostgreSQL database (stop the daemon and web servers first)')
    .requiredOption('--from <url>', 'the SQLite store: sqlite:<path> (relative to the working directory)')
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://user@host:5432/database (password in PGPASSWORD)')
    .option('--force', 'delete the rows a non-empty target already holds, in the same transaction as the copy')
    .option('--batch-size <rows>', 'rows per INSERT', '1000')
    .option('--json', 'print JSON')
    .action(async (o: CopyOptions) => {
      const batchSize = Number(o.batchSize ?? '1000');
      let result;
      try {
        result = await copyStore({
          from: o.from, to: o.to, baseDir: io.cwd, force: o.force === true, batchSize,
          ...(o.json === true ? {} : { progress: (line: string) => io.err(`copied ${line}`) }),
        });
      } catch (e) {
        throw new UserFacingError((e as Error).message, exitCodes.invalidInput);
      }
      if (o.json === true) {
        printJson(io, result);
        return;
      }
      printTable(io, result.tables.map((t) => ({ table: t.table, source: t.source, target: t.target })));
      const rows = result.tables.reduce((n, t) => n + t.target, 0);
      io.out(`copied ${rows} rows in ${result.tables.length} tables to ${result.target}; counts match. Point store.url at it and start leadrelay.`);
    });
}
