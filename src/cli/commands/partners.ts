// `partners import <file.csv|file.json>`: partners kept outside the CRM (or before the CRM has them). Every row
// is validated; a bad row is reported with its line and field and the good rows are still imported.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Command } from 'commander';
import { partnerDataSchema } from '../../domain/partner.ts';
import type { IncomingPartner } from '../../domain/ports.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';
import { contentHash } from '../../services/context.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, setExit, withApp } from '../shared.ts';

const listKeys = new Set(['products', 'certifications', 'countries', 'regions', 'postalPrefixes', 'userEmails']);
const numberKeys = new Set(['radiusKm', 'latitude', 'longitude', 'capacity']);

interface Row { line: number; values: Record<string, unknown> }

function readRows(file: string): Row[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const data = JSON.parse(text) as unknown;
    if (!Array.isArray(data)) throw new UserFacingError(`${file}: expected a JSON array of partners.`, exitCodes.invalidInput);
    return data.map((v, i) => ({ line: i + 1, values: v as Record<string, unknown> }));
  }
  const records: Array<{ record: Record<string, string>; info: { lines: number } }> = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true });
  return records.map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(record)) {
      if (raw === '') continue;
      if (listKeys.has(k)) values[k] = raw.split(';').map((s) => s.trim()).filter((s) => s !== '');
      else if (numberKeys.has(k)) values[k] = Number(raw);
      else if (k === 'active') values[k] = !/^(false|no|0)$/i.test(raw);
      else if (k.startsWith('attributes.')) {
        const attrs = (values['attributes'] ?? {}) as Record<string, unknown>;
        attrs[k.slice('attributes.'.length)] = raw.includes(';') ? raw.split(';').map((s) => s.trim()) : raw;
        values['attributes'] = attrs;
      } else values[k] = raw;
    }
    return { line: info.lines, values };
  });
}

export function registerPartners(program: Command, io: CliIO): void {
  const partners = program.command('partners').description('partner organisations');
  partners.command('import <file>')
    .description('import partners from CSV (header row: externalId,name,kind,parentExternalId,level,products,...; lists split by ;) or JSON')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }, cmd: Command) => {
      const rows = readRows(file);
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
