// `validate`: every problem in config and mappings at once (file, line, path, fix), then, when credentials
// are configured, the mappings against the CRM's own schema (describe).
import type { Command } from 'commander';
import { loadConfig, requireCrmCredentials } from '../../config/index.ts';
import { loadMappings } from '../../mapping/index.ts';
import { resolve } from 'node:path';
import { exitCodes } from '../../lib/exit-codes.ts';
import { buildApp } from '../../runtime/app.ts';
import type { CliIO } from '../shared.ts';
import { globalOptions, printJson, setExit } from '../shared.ts';

interface Issue { file: string; line: number | null; path: string; message: string; hint: string }

const show = (i: Issue): string => `${i.file}${i.line === null ? '' : `:${i.line}`}  ${i.path}: ${i.message}\n    fix: ${i.hint}`;

export function registerValidate(program: Command, io: CliIO): void {
  program.command('validate')
    .description('check config and mappings (and, with credentials, the mappings against the CRM schema)')
    .option('--offline', 'do not connect to the CRM')
    .option('--json', 'print the issues as JSON')
    .action(async (o: { offline?: boolean; json?: boolean }, cmd: Command) => {
      const configPath = globalOptions(cmd).config;
      const issues: Issue[] = [];
      const c = loadConfig({ ...(configPath === undefined ? {} : { path: configPath }), env: io.env, cwd: io.cwd });
      let crmChecked = false;
      if (!c.ok) issues.push(...c.issues);
      else {
        const m = loadMappings(resolve(c.value.baseDir, c.value.mappingsDir), c.value.crm, { relativeTo: c.value.baseDir });
        if (!m.ok) issues.push(...m.issues);
        const haveCredentials = requireCrmCredentials[c.value.crm](c.value).length === 0;
        if (m.ok && haveCredentials && o.offline !== true) {
          const app = await buildApp({ configPath, env: io.env, cwd: io.cwd, ...(io.logger ? { logger: io.logger } : {}) });
          try {
            const ac = new AbortController();
            const connector = app.connector();
            await connector.connect(ac.signal);
            issues.push(...(await connector.checkMapping(ac.signal)));
            crmChecked = true;
          } finally {
            await app.close();
          }
        }
      }
      if (o.json) printJson(io, { ok: issues.length === 0, crmChecked, issues });
      else if (issues.length === 0) io.out(`config and mappings are valid${crmChecked ? ' and match the CRM schema' : ' (CRM schema not checked: no credentials or --offline)'}`);
      else {
        io.out(`${issues.length} problem${issues.length === 1 ? '' : 's'}:`);
        for (const i of issues) io.out(show(i));
      }
      if (issues.length > 0) setExit(io, exitCodes.invalidInput);
    });
}
