// `leadrelay setup hubspot [--plan]`: compare what the mappings need (requiredCrmFields) with the account's
// properties and deal pipelines, then create the `leadrelay` property group, the missing properties (one batch per
// object) with their enumeration options, add options leadrelay writes to existing enumerations, and create the
// deal pipeline with its stages (or add missing stages). Idempotent: a second run plans nothing. `plan` changes
// nothing. https://developers.hubspot.com/docs/guides/api/crm/properties  https://developers.hubspot.com/docs/guides/api/crm/pipelines
import type { Logger } from '../../lib/logger.ts';
import { VendorError } from '../../lib/vendor-error.ts';
import { requiredCrmFields } from '../../mapping/index.ts';
import type { LoadedMappings, RequiredCrmField } from '../../mapping/index.ts';
import type { SetupChange, SetupReport } from '../contract.ts';
import type { HubSpotClient } from './client.ts';
import { chunks } from './companies.ts';
import type { SchemaCache } from './schema-cache.ts';
import { findPipeline } from './schema-cache.ts';
import { batchResponseSchema, groupsSchema } from './schemas.ts';
import type { Property } from './schemas.ts';

export const groupName = 'leadrelay';

export interface SetupDeps {
  readonly client: HubSpotClient;
  readonly mappings: LoadedMappings;
  readonly logger: Logger;
  readonly cache: SchemaCache;
}

type Planned =
  | { readonly kind: 'group'; readonly object: string }
  | { readonly kind: 'property'; readonly object: string; readonly body: Record<string, unknown>; readonly detail: string }
  | { readonly kind: 'options'; readonly object: string; readonly property: Property; readonly add: readonly string[] }
  | { readonly kind: 'pipeline'; readonly label: string; readonly stages: readonly string[] }
  | { readonly kind: 'stage'; readonly pipelineId: string; readonly label: string; readonly order: number };

const option = (v: string, i: number) => ({ label: v, value: v, displayOrder: i, hidden: false });
const label = (name: string): string => name.replace(/^leadrelay_/, 'LeadRelay ').replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()).slice(0, 100);

/** The property a mapping field becomes: HubSpot type and field type from the spec setup infers. */
export function propertyBody(f: RequiredCrmField): Record<string, unknown> | { error: string } {
  const values = f.picklistValues ?? [];
  const base = { name: f.field.toLowerCase(), label: label(f.field), groupName, description: `Created by leadrelay setup for ${f.sources.join(', ')}`.slice(0, 1000) };
  const [type, fieldType] = ((): [string, string] => {
    switch (f.type) {
      case 'LongTextArea': return ['string', 'textarea'];
      case 'Number': case 'Currency': return ['number', 'number'];
      case 'Checkbox': return ['bool', 'booleancheckbox'];
      case 'Date': return ['date', 'date'];
      case 'DateTime': return ['datetime', 'date'];
      case 'Picklist': return ['enumeration', 'select'];
      case 'MultiselectPicklist': return ['enumeration', 'checkbox'];
      case 'Phone': return ['string', 'phonenumber'];
      default: return ['string', 'text'];
    }
  })();
  if (type === 'enumeration' && values.length === 0) return { error: 'an enumeration needs at least one option; declare them in the mapping (values or map)' };
  const options = type === 'bool' ? [option('true', 0), option('false', 1)].map((o, i) => ({ ...o, label: i === 0 ? 'Yes' : 'No' }))
    : type === 'enumeration' ? values.map(option) : undefined;
  return { ...base, type, fieldType, ...(options === undefined ? {} : { options }), ...(f.unique === true || f.externalId === true ? { hasUniqueValue: true } : {}) };
}

/** Deal stage metadata: probability (required, "0.0".."1.0") and whether the stage closes the deal. */
function stageMetadata(m: LoadedMappings['opportunity'], stageLabel: string): Record<string, string> {
  const canonical = Object.entries(m.stages).find(([, l]) => l === stageLabel)?.[0];
  const p: Record<string, string> = { contacted: '0.1', meeting: '0.2', proposal: '0.75', won: '1.0', lost: '0.0' };
  return { probability: p[canonical ?? ''] ?? '0.1', isClosed: String(canonical === 'won' || canonical === 'lost') };
}

async function plan(d: SetupDeps, signal: AbortSignal): Promise<{ planned: Planned[]; errors: string[] }> {
  const planned: Planned[] = [];
  const errors: string[] = [];
  for (const obj of requiredCrmFields(d.mappings)) {
    const existing = new Map((await d.cache.propertiesOf(obj.object, 'describe', signal)).map((p) => [p.name.toLowerCase(), p]));
    const creates: Planned[] = [];
    for (const f of obj.fields) {
      const p = existing.get(f.field.toLowerCase());
      if (p === undefined) {
        const body = propertyBody(f);
        if ('error' in body) errors.push(`${obj.object}.${f.field}: ${String(body.error)} (${f.sources.join(', ')})`);
        else creates.push({ kind: 'property', object: obj.object, body, detail: `${String(body['type'])}/${String(body['fieldType'])}${body['hasUniqueValue'] === true ? ', unique' : ''}${Array.isArray(body['options']) ? `, ${body['options'].length} options` : ''}; for ${f.sources.join(', ')}` });
        continue;
      }
      // Options only for values leadrelay writes (or any on its own properties); pipelines own deal stages.
      const wanted = f.usage.includes('write') || p.groupName === groupName ? (f.picklistValues ?? []) : [];
      if (p.type !== 'enumeration' || p.externalOptions === true || wanted.length === 0) continue;
      const have = new Set(p.options.map((o) => o.value));
      const add = wanted.filter((v) => !have.has(v));
      if (add.length === 0) continue;
      if (p.modificationMetadata?.readOnlyDefinition === true) errors.push(`${obj.object}.${p.name}: add the options ${add.join(', ')} in HubSpot (Settings → Properties); the property is read-only for apps`);
      else planned.push({ kind: 'options', object: obj.object, property: p, add });
    }
    if (creates.length > 0) {
      const groups = d.client.call('describe', { method: 'GET', path: `/crm/v3/properties/${obj.object}/groups` }, signal).then((raw) => groupsSchema.parse(raw).results);
      if (!(await groups).some((g) => g.name === groupName)) planned.push({ kind: 'group', object: obj.object });
      planned.push(...creates);
    }
  }
  const m = d.mappings.opportunity;
  if (m.pipeline !== null) {
    const labels = [...new Set(Object.values(m.stages))];
    const p = findPipeline(await d.cache.pipelines('describe', signal), m.pipeline);
    if (p === undefined) planned.push({ kind: 'pipeline', label: m.pipeline, stages: labels });
    else {
      labels.forEach((l, i) => {
        if (!p.stages.some((s) => s.id === l || s.label.toLowerCase() === l.toLowerCase())) planned.push({ kind: 'stage', pipelineId: p.id, label: l, order: p.stages.length + i });
      });
    }
  }
  return { planned, errors };
}

function change(p: Planned): SetupChange {
  switch (p.kind) {
    case 'group': return { object: p.object, field: groupName, action: 'create-group', detail: `property group '${groupName}'` };
    case 'property': return { object: p.object, field: String(p.body['name']), action: 'create-field', detail: p.detail };
    case 'options': return { object: p.object, field: p.property.name, action: 'add-picklist-values', detail: `add options ${p.add.join(', ')}` };
    case 'pipeline': return { object: 'deals', field: p.label, action: 'create-pipeline', detail: `deal pipeline with stages ${p.stages.join(', ')}` };
    case 'stage': return { object: 'deals', field: p.label, action: 'add-stage', detail: `stage of pipeline ${p.pipelineId}` };
  }
}

const exists = (e: unknown): boolean => e instanceof VendorError && (e.status === 409 || /ALREADY_EXISTS|CONFLICT/.test(e.code));

async function apply(d: SetupDeps, planned: readonly Planned[], signal: AbortSignal, applied: SetupChange[], errors: string[]): Promise<void> {
  const attempt = async (ps: readonly Planned[], fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      applied.push(...ps.map(change));
    } catch (e) {
      // Created meanwhile (a parallel run): it is there.
      if (exists(e)) applied.push(...ps.map(change));
      else errors.push(`${ps.map((p) => change(p).field).join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const m = d.mappings.opportunity;
  for (const p of planned) {
    if (p.kind === 'group') await attempt([p], () => d.client.call('setup', { method: 'POST', path: `/crm/v3/properties/${p.object}/groups`, body: { name: groupName, label: 'leadrelay', displayOrder: -1 } }, signal));
  }
  const byObject = new Map<string, Array<Extract<Planned, { kind: 'property' }>>>();
  for (const p of planned) if (p.kind === 'property') byObject.set(p.object, [...(byObject.get(p.object) ?? []), p]);
  for (const [object, ps] of byObject) {
    for (const group of chunks(ps, 100)) {
      try {
        const raw = await d.client.call('setup', { method: 'POST', path: `/crm/v3/properties/${object}/batch/create`, body: { inputs: group.map((p) => p.body) } }, signal);
        const res = batchResponseSchema.parse(raw ?? {});
        const failed = new Map(res.errors.flatMap((e) => (e.context?.['name'] ?? []).map((n) => [n, e] as const)));
        for (const p of group) {
          const e = failed.get(String(p.body['name']));
          if (e === undefined || /ALREADY_EXISTS/.test(e.category)) applied.push(change(p));
          else errors.push(`${object}.${String(p.body['name'])}: ${e.category} ${e.message}`);
        }
      } catch (e) {
        errors.push(`${object}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  for (const p of planned) {
    if (p.kind === 'options') {
      const options = [...p.property.options.map((o, i) => ({ label: o.label ?? o.value, value: o.value, displayOrder: i, hidden: o.hidden ?? false })), ...p.add.map((v, i) => option(v, p.property.options.length + i))];
      await attempt([p], () => d.client.call('setup', { method: 'PATCH', path: `/crm/v3/properties/${p.object}/${p.property.name}`, body: { options } }, signal));
    } else if (p.kind === 'pipeline') {
      const stages = p.stages.map((l, i) => ({ label: l, displayOrder: i, metadata: stageMetadata(m, l) }));
      await attempt([p], () => d.client.call('setup', { method: 'POST', path: '/crm/v3/pipelines/deals', body: { label: p.label, displayOrder: 1, stages } }, signal));
    } else if (p.kind === 'stage') {
      await attempt([p], () => d.client.call('setup', { method: 'POST', path: `/crm/v3/pipelines/deals/${p.pipelineId}/stages`, body: { label: p.label, displayOrder: p.order, metadata: stageMetadata(m, p.label) } }, signal));
    }
  }
}

export async function runSetup(d: SetupDeps, opts: { plan: boolean; signal: AbortSignal; exportDir?: string }): Promise<SetupReport> {
  d.client.beginStage('describe');
  const { planned, errors } = await plan(d, opts.signal);
  const report = planned.map(change);
  if (opts.exportDir !== undefined) errors.push('--export writes an SFDX project and is Salesforce-only; use --plan to review HubSpot changes');
  if (opts.plan || opts.exportDir !== undefined || planned.length === 0) return { planned: report, applied: [], errors };
  d.client.beginStage('setup');
  const applied: SetupChange[] = [];
  await apply(d, planned, opts.signal, applied, errors);
  d.cache.forget();
  d.logger.info('hubspot setup applied', { planned: report.length, applied: applied.length, errors: errors.length });
  return { planned: report, applied, errors };
}
