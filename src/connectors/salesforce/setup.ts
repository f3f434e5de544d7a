// `leadrelay setup salesforce [--plan] [--export <dir>]`: compare what the mappings need (requiredCrmFields) with
// describe, then create the missing custom fields (Metadata API createMetadata, ≤ 10 per call) and add missing
// picklist values (StandardValueSet read + update; custom picklists read + update). Idempotent: a second run plans
// nothing. `plan` changes nothing; `exportDir` writes an SFDX source folder instead of touching the org.
import type { Logger } from '../../lib/logger.ts';
import { requiredCrmFields } from '../../mapping/index.ts';
import type { LoadedMappings } from '../../mapping/index.ts';
import type { SetupChange, SetupReport } from '../contract.ts';
import type { SalesforceClient } from './client.ts';
import { chunks } from './collections.ts';
import type { Md } from './metadata.ts';
import { customFieldMetadata, standardValue, standardValueSetOf, withCustomValues, withStandardValues } from './metadata.ts';
import type { Describe } from './schemas.ts';
import { customFieldReadSchema, metadataSaveResultSchema, standardValueSetSchema } from './schemas.ts';
import type { ExportFile } from './sfdx.ts';
import { fieldFile, permissionSetFile, sfdxProject, standardValueSetFile, writeExport } from './sfdx.ts';

/** Metadata API CRUD calls take at most 10 components. https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm */
const metadataBatch = 10;

type Planned =
  | { readonly kind: 'create-field'; readonly object: string; readonly field: string; readonly md: Md; readonly detail: string }
  | { readonly kind: 'standard-values'; readonly object: string; readonly field: string; readonly valueSet: string; readonly values: readonly string[] }
  | { readonly kind: 'custom-values'; readonly object: string; readonly field: string; readonly values: readonly string[] };

export interface SetupDeps {
  readonly client: SalesforceClient;
  readonly mappings: LoadedMappings;
  readonly logger: Logger;
  readonly describe: (object: string, signal: AbortSignal) => Promise<Describe | null>;
  readonly forgetDescribes: () => void;
  readonly loginUrl: string;
}

const picklistTypes = new Set(['picklist', 'multipicklist']);
const quote = (vs: readonly string[]): string => vs.map((v) => `'${v}'`).join(', ');

export async function plan(d: SetupDeps, signal: AbortSignal): Promise<{ planned: Planned[]; errors: string[] }> {
  const planned: Planned[] = [];
  const errors: string[] = [];
  for (const obj of requiredCrmFields(d.mappings)) {
    const desc = await d.describe(obj.object, signal);
    if (desc === null) {
      errors.push(`${obj.object}: the object is not available to the integration user; check the mapping's object name and the user's permissions`);
      continue;
    }
    const fields = new Map(desc.fields.map((f) => [f.name.toLowerCase(), f]));
    for (const f of obj.fields) {
      const existing = fields.get(f.field.toLowerCase());
      if (existing === undefined) {
        if (!f.custom) {
          errors.push(`${obj.object}.${f.field} does not exist and is not a custom field (…__c): fix the mapping (${f.sources.join(', ')}) or check field-level security`);
          continue;
        }
        const md = customFieldMetadata(obj.object, f, `Created by leadrelay setup for ${f.sources.join(', ')}`.slice(0, 1000));
        if ('error' in md) errors.push(`${obj.object}.${f.field}: ${String(md.error)} (${f.sources.join(', ')})`);
        else planned.push({ kind: 'create-field', object: obj.object, field: f.field, md, detail: describeField(md, f.sources) });
        continue;
      }
      const wanted = f.picklistValues ?? [];
      if (wanted.length === 0 || !picklistTypes.has(existing.type)) continue;
      const have = new Set((existing.picklistValues ?? []).map((v) => v.value));
      const missing = wanted.filter((v) => !have.has(v));
      if (missing.length === 0) continue;
      const valueSet = standardValueSetOf(obj.object, existing.name);
      if (existing.custom === true) planned.push({ kind: 'custom-values', object: obj.object, field: existing.name, values: missing });
      else if (valueSet !== undefined) planned.push({ kind: 'standard-values', object: obj.object, field: existing.name, valueSet, values: missing });
      else errors.push(`${obj.object}.${existing.name}: add the values ${quote(missing)} in Setup (leadrelay cannot edit this standard picklist)`);
    }
  }
  return { planned, errors };
}

function describeField(md: Md, sources: readonly string[]): string {
  const vs = md['valueSet'] as { valueSetDefinition?: { value?: unknown[] } } | undefined;
  const size = typeof md['length'] === 'number' ? `(${md['length']})` : '';
  const values = vs?.valueSetDefinition?.value ? `, ${vs.valueSetDefinition.value.length} values` : '';
  return `${typeof md['type'] === 'string' ? md['type'] : '?'}${size}${md['externalId'] === true ? ', external id, unique' : ''}${values}; for ${sources.join(', ')}`;
}

function change(p: Planned): SetupChange {
  if (p.kind === 'create-field') return { object: p.object, field: p.field, action: 'create-field', detail: p.detail };
  const where = p.kind === 'standard-values' ? `standard value set ${p.valueSet}` : 'the field\'s value set';
  return { object: p.object, field: p.field, action: 'add-picklist-values', detail: `add ${quote(p.values)} to ${where}` };
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/** New standard values, each with the attributes its set needs (converted, closed/won...). */
function standardAdditions(d: SetupDeps, p: Extract<Planned, { kind: 'standard-values' }>): Md[] {
  return p.values.map((v) => standardValue(p.valueSet, v, d.mappings.opportunity));
}

/** Read the current definitions the changes build on (value sets are replaced whole). */
async function readCurrent(d: SetupDeps, planned: readonly Planned[], signal: AbortSignal): Promise<{ sets: Map<string, Md>; fields: Map<string, Md> }> {
  const setNames = [...new Set(planned.flatMap((p) => (p.kind === 'standard-values' ? [p.valueSet] : [])))];
  const fieldNames = [...new Set(planned.flatMap((p) => (p.kind === 'custom-values' ? [`${p.object}.${p.field}`] : [])))];
  const sets = new Map<string, Md>();
  const fields = new Map<string, Md>();
  for (const names of chunks(setNames, metadataBatch)) {
    const res = arrayOf(await d.client.metadataRead('StandardValueSet', names, signal));
    names.forEach((n, i) => { const r = standardValueSetSchema.safeParse(res[i]); if (r.success && r.data.fullName) sets.set(n, r.data); });
  }
  for (const names of chunks(fieldNames, metadataBatch)) {
    const res = arrayOf(await d.client.metadataRead('CustomField', names, signal));
    names.forEach((n, i) => { const r = customFieldReadSchema.safeParse(res[i]); if (r.success && r.data.fullName) fields.set(n, r.data); });
  }
  return { sets, fields };
}

/** The full set of component definitions to send (apply) or write (export). */
function components(d: SetupDeps, planned: readonly Planned[], current: { sets: Map<string, Md>; fields: Map<string, Md> }, errors: string[]) {
  const create: Array<{ p: Planned; md: Md }> = [];
  const update: Array<{ p: Planned[]; type: 'StandardValueSet' | 'CustomField'; md: Md }> = [];
  for (const p of planned) if (p.kind === 'create-field') create.push({ p, md: p.md });
  const bySet = new Map<string, Array<Extract<Planned, { kind: 'standard-values' }>>>();
  for (const p of planned) if (p.kind === 'standard-values') bySet.set(p.valueSet, [...(bySet.get(p.valueSet) ?? []), p]);
  for (const [name, ps] of bySet) {
    const read = current.sets.get(name);
    if (read === undefined) errors.push(`StandardValueSet ${name} could not be read; add ${quote(ps.flatMap((p) => p.values))} in Setup`);
    else update.push({ p: ps, type: 'StandardValueSet', md: withStandardValues(read, name, ps.flatMap((p) => standardAdditions(d, p))) });
  }
  for (const p of planned) {
    if (p.kind !== 'custom-values') continue;
    const read = current.fields.get(`${p.object}.${p.field}`);
    if (read === undefined) errors.push(`${p.object}.${p.field} could not be read; add ${quote(p.values)} in Setup`);
    else update.push({ p: [p], type: 'CustomField', md: withCustomValues(read, p.values) });
  }
  return { create, update };
}

async function saveAll(d: SetupDeps, op: 'create' | 'update', type: string, items: ReadonlyArray<{ p: Planned | Planned[]; md: Md }>, signal: AbortSignal, applied: SetupChange[], errors: string[]): Promise<void> {
  for (const batch of chunks(items, metadataBatch)) {
    const mds = batch.map((b) => b.md);
    const res = arrayOf(op === 'create' ? await d.client.metadataCreate(type, mds, signal) : await d.client.metadataUpdate(type, mds, signal));
    batch.forEach((b, i) => {
      const r = metadataSaveResultSchema.safeParse(res[i]);
      const ps = Array.isArray(b.p) ? b.p : [b.p];
      // Created meanwhile (a parallel run, a describe without field-level security): the field is there.
      const exists = r.success && r.data.errors.some((e) => e.code.endsWith('DUPLICATE_DEVELOPER_NAME'));
      if (r.success && (r.data.success || exists)) applied.push(...ps.map(change));
      else errors.push(`${String(b.md['fullName'])}: ${r.success ? r.data.errors.map((e) => `${e.code} ${e.message}`).join('; ') : 'unreadable Metadata API result'}`);
    });
  }
}

export async function runSetup(d: SetupDeps, opts: { plan: boolean; signal: AbortSignal; exportDir?: string }): Promise<SetupReport> {
  d.client.beginStage('describe');
  const { planned, errors } = await plan(d, opts.signal);
  const report = planned.map(change);
  // --export writes the planned changes as an SFDX folder (with or without --plan) and never touches the org.
  if (opts.exportDir === undefined && (opts.plan || planned.length === 0)) return { planned: report, applied: [], errors };
  d.client.beginStage('metadata');
  const current = await readCurrent(d, planned, opts.signal);
  const { create, update } = components(d, planned, current, errors);

  if (opts.exportDir !== undefined) {
    const files: ExportFile[] = [
      { path: 'sfdx-project.json', content: sfdxProject(d.client.apiVersion, d.loginUrl) },
      ...create.map((c) => fieldFile(c.md)),
      ...update.map((u) => (u.type === 'CustomField' ? fieldFile(u.md) : standardValueSetFile(u.md))),
    ];
    if (create.length > 0) files.push(permissionSetFile(create.map((c) => String(c.md['fullName']))));
    const written = await writeExport(opts.exportDir, files);
    d.logger.info('salesforce setup exported as an SFDX project', { dir: opts.exportDir, files: written.length });
    return { planned: report, applied: [], errors };
  }

  const applied: SetupChange[] = [];
  await saveAll(d, 'create', 'CustomField', create, opts.signal, applied, errors);
  await saveAll(d, 'update', 'StandardValueSet', update.filter((u) => u.type === 'StandardValueSet'), opts.signal, applied, errors);
  await saveAll(d, 'update', 'CustomField', update.filter((u) => u.type === 'CustomField'), opts.signal, applied, errors);
  d.forgetDescribes();
  if (create.length > 0) {
    // New fields are invisible to the integration user until field-level security grants them (not in the emulator).
    d.logger.warn('salesforce setup created fields: grant the integration user access (permission set in `setup --export`) or describe will not show them', { fields: create.length });
  }
  d.logger.info('salesforce setup applied', { planned: report.length, applied: applied.length, errors: errors.length });
  return { planned: report, applied, errors };
}
