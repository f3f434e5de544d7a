// `init`: a starting config and the default mappings in the current directory, ready to edit.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliIO } from '../shared.ts';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function registerInit(program: Command, io: CliIO): void {
  program.command('init [dir]')
    .description('write config/leadrelay.yaml and mappings/ (existing files are kept)')
    .action((dir: string | undefined) => {
      const target = resolve(io.cwd, dir ?? '.');
      const copies: Array<[string, string]> = [[join(packageRoot, 'config/default.yaml'), join(target, 'config/leadrelay.yaml')]];
      for (const crm of ['salesforce', 'hubspot']) {
        const from = join(packageRoot, 'mappings', crm);
        if (!existsSync(from)) continue;
        for (const f of readdirSync(from)) copies.push([join(from, f), join(target, 'mappings', crm, f)]);
      }
      for (const [from, to] of copies) {
        if (existsSync(to)) {
          io.out(`kept    ${to}`);
          continue;
        }
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
        io.out(`created ${to}`);
      }
      io.out('next: set SF_CLIENT_ID, SF_CLIENT_SECRET, SF_USERNAME, SF_PASSWORD (see README "Connecting a Salesforce org"), then `leadrelay validate` and `leadrelay setup salesforce --plan`');
    });
}
