// loadMappings: read mappings/<crm>/*.yaml, validate every file completely (schema, then cross checks on every
// part that parsed), check there is exactly one mapping per entity, and only then build the loaded form.
// All problems come back at once, each with file, line, key path and a hint (CONVENTIONS rule 5).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sortIssues } from '../config/issues.ts';
import { parseYamlSource } from '../config/yaml-source.ts';
import { zodIssuesToConfigIssues } from '../config/zod-issues.ts';
import type { CrmKind } from '../domain/lead.ts';
import { buildMapping } from './build.ts';
import { lenient } from './check-context.ts';
import type { FileContext } from './check-context.ts';
import { checkInbound } from './check-inbound.ts';
import { checkOutbound } from './check-outbound.ts';
import { apiNameHint, apiNameMessage, mappingFileSchema } from './schema.ts';
import { entities } from './targets.ts';
import type { Entity } from './targets.ts';
import type { AnyMapping, LeadMapping, MappingIssue, MappingsResult, OpportunityMapping, PartnerMapping, PartnerUserMapping } from './types.ts';

export interface LoadMappingsOptions {
  /** Show file names relative to this folder (the config's baseDir), e.g. `mappings/salesforce/lead.yaml`. */
  readonly relativeTo?: string;
}

const required: readonly Entity[] = ['lead', 'partner', 'opportunity'];

export function loadMappings(dir: string, crm: CrmKind, opts: LoadMappingsOptions = {}): MappingsResult {
  // Relative to the config's folder when inside it (mappings/salesforce/lead.yaml:42), else absolute.
  const display = (p: string): string => {
    if (opts.relativeTo === undefined) return p;
    const rel = path.relative(opts.relativeTo, p);
    return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel || '.';
  };
  const folder = path.join(dir, crm);
  if (!existsSync(folder)) {
    return { ok: false, issues: [{ file: display(folder), line: null, path: '', message: `no mapping folder for ${crm}`, hint: `create ${display(folder)}/ with lead.yaml, partner.yaml and opportunity.yaml (copy mappings/salesforce as a start)` }] };
  }
  const issues: MappingIssue[] = [];
  const byEntity = new Map<Entity, Array<{ file: string; line: number | null; mapping: AnyMapping | null }>>();
  const names = readdirSync(folder).filter((n) => /\.ya?ml$/.test(n)).sort();
  // A file we could not classify may hold the "missing" entity: do not also report it as missing.
  let unclassified = 0;
  for (const name of names) {
    const file = display(path.join(folder, name));
    let text: string;
    try {
      text = readFileSync(path.join(folder, name), 'utf8');
    } catch (e) {
      issues.push({ file, line: null, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, hint: 'check the file permissions' });
      unclassified++;
      continue;
    }
    const source = parseYamlSource(text, file);
    if (source.syntaxIssues.length > 0) {
      issues.push(...source.syntaxIssues);
      unclassified++;
      continue;
    }
    const ctx: FileContext = { crm, source, issues: [] };
    const parsed = mappingFileSchema.safeParse(source.value);
    if (!parsed.success) {
      ctx.issues.push(...zodIssuesToConfigIssues(parsed.error.issues, source, mappingFileSchema, (i) => (i.message === apiNameMessage ? apiNameHint : undefined)));
    }
    const view = lenient(source.value);
    const entity = entities.find((e) => e === view.entity);
    if (entity === undefined) unclassified++;
    else {
      checkInbound(ctx, entity, view.fields, view.fieldKeys);
      checkOutbound(ctx, entity, view);
      const list = byEntity.get(entity) ?? [];
      const clean = parsed.success && ctx.issues.length === 0;
      list.push({ file, line: source.lineAt(['entity']), mapping: clean ? buildMapping(parsed.data, source, crm) : null });
      byEntity.set(entity, list);
    }
    issues.push(...dedupe(ctx.issues));
  }
  for (const entity of entities) {
    const list = byEntity.get(entity) ?? [];
    for (const extra of list.slice(1)) {
      issues.push({ file: extra.file, line: extra.line, path: 'entity', message: `a second ${entity} mapping (the first is ${list[0]?.file ?? '?'})`, hint: 'keep one file per entity; merge or delete this one' });
    }
    if (list.length === 0 && required.includes(entity) && unclassified === 0) {
      issues.push({ file: display(folder), line: null, path: '', message: `no ${entity} mapping`, hint: `add a file with \`entity: ${entity}\` (see mappings/salesforce/${entity}.yaml)` });
    }
  }
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };

  const one = <T extends AnyMapping>(entity: Entity): T | null => (byEntity.get(entity)?.[0]?.mapping ?? null) as T | null;
  const lead = one<LeadMapping>('lead');
  const partner = one<PartnerMapping>('partner');
  const opportunity = one<OpportunityMapping>('opportunity');
  if (lead === null || partner === null || opportunity === null) throw new Error('mapping load: clean result without the required mappings');
  return { ok: true, value: { crm, dir, lead, partner, partnerUser: one<PartnerUserMapping>('partner-user'), opportunity } };
}

/** The schema and a cross check can both catch one mistake (e.g. a bad API name); say it once. */
function dedupe(issues: readonly MappingIssue[]): MappingIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line ?? ''}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

