// `partners import <file.csv|file.json>`: partners kept outside the CRM (or before the CRM has them). Every row
// is validated; a bad row is reported with its line and field and the good rows are still imported.
import type { Command } from 'commander';
import { partnerDataSchema } from '../../domain/partner.ts';
import type { IncomingPartner } from '../../domain/ports.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { contentHash } from '../../services/context.ts';
import { readRecords } from '../records-file.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, setExit, withApp } from '../shared.ts';

const csvTypes = {
  lists: new Set(['products', 'certifications', 'countries', 'regions', 'postalPrefixes', 'userEmails']),
  numbers: new Set(['radiusKm', 'latitude', 'longitude', 'capacity']),
  booleans: new Set(['active']),
  nested: 'attributes',
};

export function registerPartners(program: Command, io: CliIO): void {
  const partners = program.command('partners').description('partner organisations');
  partners.command('import <file>')
    .description('import partners from CSV (header row: externalId,name,kind,parentExternalId,level,products,...; lists split by ;) or JSON')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }, cmd: Command) => {
      const rows = readRecords(file, csvTypes);
      const good: Array<IncomingPartner & { emails: string[] }> = [];
      const errors: string[] = [];
      for (const r of rows) {
        const { externalId, userEmails, ...rest } = r.values as { externalId?: unknown; userEmails?: string[] };
        if (typeof externalId !== 'string' || externalId === '') {
          errors.push(`${file}:${r.line} externalId: missing; give every partner a stable id`);
          continue;
        }
        const parsed = partnerDataSchema.safeParse(rest);
        if (!parsed.success) {
          for (const i of parsed.error.issues) errors.push(`${file}:${r.line} ${i.path.join('.')}: ${i.message}`);
          continue;
        }
        good.push({ crm: 'local', externalId, data: parsed.data, contentHash: contentHash(parsed.data), emails: userEmails ?? [] });
      }
      await withApp(io, cmd, async (app) => {
        const now = app.ctx.clock.now();
        const result = await app.store.transaction(async (tx) => {
          const r = await tx.partners.upsertMany(good, now, () => app.ctx.ids.next());
          for (const p of good) {
            const stored = await tx.partners.getByExternalId(p.externalId);
            for (const email of p.emails) {
              const existing = await tx.users.getByEmail(email.toLowerCase());
              await tx.users.upsert({ id: existing?.id ?? app.ctx.ids.next(), email: email.toLowerCase(), name: existing?.name ?? null, orgId: stored!.id, roles: existing?.roles ?? ['partner_manager'], active: true, externalId: null });
            }
          }
          return r;
        });
        if (o.json) printJson(io, { ...result, errors });
        else {
          printTable(io, [{ file, rows: rows.length, created: result.created, changed: result.changed, unchanged: result.unchanged, rejected: rows.length - good.length }]);
          for (const e of errors) io.err(e);
        }
      });
      if (errors.length > 0) setExit(io, exitCodes.partial);
    });
}
