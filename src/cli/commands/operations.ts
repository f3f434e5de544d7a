// Operations: `migrate`, `backup <file>`, `restore <file>` (SQLite store).
import type { Command } from 'commander';
import { storeLocation } from '../../config/index.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { loadValidatedConfig } from '../../runtime/app.ts';
import { backup, migrate, restore } from '../../store/index.ts';
import type { CliIO } from '../shared.ts';
import { globalOptions, printJson } from '../shared.ts';

export function registerOperations(program: Command, io: CliIO): void {
  const config = (cmd: Command) => loadValidatedConfig({ configPath: globalOptions(cmd).config, env: io.env, cwd: io.cwd });

  program.command('migrate')
    .description('bring the database schema to the latest version (also done at every start)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const c = config(cmd);
      const applied = await migrate(c.store.url, c.baseDir);
      if (o.json) printJson(io, { applied });
      else io.out(applied.length === 0 ? 'the database is up to date' : `applied: ${applied.join(', ')}`);
    });

  program.command('backup <file>')
    .description('write a consistent copy of the SQLite database (online: the daemon may keep running)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const c = config(cmd);
      if (storeLocation(c).kind === 'memory') throw new UserFacingError('backup needs a SQLite file store.', exitCodes.invalidInput);
      const r = await backup(c.store.url, c.baseDir, file).catch((e: unknown) => { throw new UserFacingError((e as Error).message, exitCodes.invalidInput); });
      io.out(`backup written to ${file} (${r.pages} pages)`);
    });

  program.command('restore <file>')
    .description('replace the database with a backup (stop the daemon and web servers first)')
    .requiredOption('--yes', 'confirm: the current database is replaced')
    .action((file: string, _o: unknown, cmd: Command) => {
      const c = config(cmd);
      if (storeLocation(c).kind === 'memory') throw new UserFacingError('restore needs a SQLite file store.', exitCodes.invalidInput);
      try {
        restore(c.store.url, c.baseDir, file);
      } catch (e) {
        throw new UserFacingError(`restore refused: ${(e as Error).message}`, exitCodes.invalidInput);
      }
      io.out(`database restored from ${file}`);
    });
}
