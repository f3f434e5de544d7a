// What the CRM must have for these mappings to work: every field they read, write or test in a condition, with
// the type `leadrelay setup` should create it as, and the picklist values outbound maps need (also on standard
// fields: Lead.Status, Opportunity.StageName). The connector's setup and checkMapping consume this.
import type { CrmKind } from '../domain/lead.ts';
import type { CrmFieldType } from './schema.ts';
import { dialects } from './dialects.ts';
import { outboundKeys } from './targets.ts';
import type { AnyMapping, Condition, InboundRule, LoadedMappings, OutboundRule } from './types.ts';

export interface FieldSpec {
  readonly type: CrmFieldType;
  /** Text / LongTextArea length. */
  readonly length?: number;
  /** Number / Currency digits in total and after the point. */
  readonly precision?: number;
  readonly scale?: number;
  readonly picklistValues?: readonly string[];
  readonly externalId?: boolean;
  readonly unique?: boolean;
}

export type FieldUsage = 'read' | 'write' | 'condition';

export interface RequiredCrmField extends FieldSpec {
  readonly field: string;
  /** A custom field setup may create (Salesforce: `__c`). Standard fields only get missing picklist values. */
  readonly custom: boolean;
  readonly usage: readonly FieldUsage[];
  /** `file:line` of every mapping rule that uses the field. */
  readonly sources: readonly string[];
}

export interface RequiredCrmObject {
  readonly object: string;
  readonly fields: readonly RequiredCrmField[];
}

const text = (length = 255): FieldSpec => ({ type: 'Text', length });
const longText: FieldSpec = { type: 'LongTextArea', length: 32768 };
const number = (scale: number): FieldSpec => ({ type: 'Number', precision: 18, scale });

/** The full spec for a declared `type:` (lengths and precisions setup needs). */
function declared(type: CrmFieldType, values: readonly string[] | undefined): FieldSpec {
  switch (type) {
    case 'Text': return text();
    case 'LongTextArea': return longText;
    case 'Number': return number(2);
    case 'Currency': return { type, precision: 18, scale: 2 };
    case 'Picklist': case 'MultiselectPicklist': return values === undefined ? { type } : { type, picklistValues: values };
    default: return { type };
  }
}

const idTargets = new Set(['partnerExternalId', 'parentExternalId']);

function inboundSpec(rule: InboundRule): FieldSpec {
  const mapKeys = rule.map === null ? undefined : Object.keys(rule.map);
  if (rule.type !== null) return declared(rule.type, mapKeys);
  const t = rule.transforms;
  if (t.includes('split')) return longText;
  const last = [...t].reverse().find((x) => ['number', 'integer', 'boolean', 'date', 'datetime'].includes(x));
  if (last === 'integer') return number(0);
  if (last === 'number') return number(2);
  if (last === 'boolean') return { type: 'Checkbox' };
  if (last === 'date') return { type: 'Date' };
  if (last === 'datetime') return { type: 'DateTime' };
  if (mapKeys !== undefined) return { type: 'Picklist', picklistValues: mapKeys };
  if (idTargets.has(rule.target)) return text(18);
  switch (rule.targetInfo.kind) {
    case 'integer': return number(0);
    case 'number': return number(2);
    case 'boolean': return { type: 'Checkbox' };
    default: return text();
  }
}

function outboundSpec(m: AnyMapping, rule: OutboundRule): FieldSpec {
  const values = rule.values === null ? undefined : unique(Object.values(rule.values));
  if (rule.type !== null) return declared(rule.type, values);
  if (rule.externalId) return { type: 'Text', length: 64, externalId: true, unique: true };
  if (m.entity === 'opportunity' && rule.key === 'stage') return { type: 'Picklist', picklistValues: unique(Object.values(m.stages)) };
  if (values !== undefined) return { type: 'Picklist', picklistValues: values };
  switch (outboundKeys(m.entity).get(rule.key)?.kind) {
    case 'datetime': return { type: 'DateTime' };
    case 'date': return { type: 'Date' };
    case 'currency': return { type: 'Currency', precision: 18, scale: 2 };
    case 'longtext': return longText;
    case 'id': return text(18);
    default: return idTargets.has(rule.key) ? text(18) : text();
  }
}

function conditionSpec(literalType: string | null): FieldSpec {
  switch (literalType) {
    case 'BOOLEAN': return { type: 'Checkbox' };
    case 'INTEGER': return number(0);
    case 'DECIMAL': return number(2);
    case 'DATE': return { type: 'Date' };
    case 'DATETIME': return { type: 'DateTime' };
    default: return text();
  }
}

interface Use { field: string; spec: FieldSpec; priority: number; usage: FieldUsage; source: string }

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export function isCustomField(crm: CrmKind, field: string): boolean {
  // HubSpot has no naming convention for custom properties; its connector checks existence instead.
  return crm === 'salesforce' ? /__c$/i.test(field) : true;
}

export function requiredCrmFields(mappings: LoadedMappings): RequiredCrmObject[] {
  const all: AnyMapping[] = [mappings.lead, mappings.partner, mappings.opportunity, ...(mappings.partnerUser === null ? [] : [mappings.partnerUser])];
  const byObject = new Map<string, Use[]>();
  const dialect = dialects[mappings.crm];
  const usesOf = (object: string): Use[] => {
    const uses = byObject.get(object) ?? [];
    byObject.set(object, uses);
    return uses;
  };
  for (const m of all) {
    const uses = usesOf(m.object);
    // Priority: a declared type beats inference; what we write beats what we read beats a condition's literal.
    if (m.entity !== 'opportunity') {
      for (const r of m.fields) {
        // A HubSpot `company.name` lives on the associated company, not on the contact.
        const at = dialect.resolve(m.object, r.from);
        usesOf(at.object).push({ field: at.field, spec: inboundSpec(r), priority: r.type === null ? 1 : 3, usage: 'read', source: r.source });
      }
    }
    if (m.entity !== 'partner-user') {
      for (const r of m.outbound) uses.push({ field: r.to, spec: outboundSpec(m, r), priority: r.type === null ? 2 : 3, usage: 'write', source: r.source });
    }
    if (m.entity === 'lead' && m.status !== null) {
      uses.push({ field: m.status.to, spec: { type: 'Picklist', picklistValues: unique(Object.values(m.status.values)) }, priority: 2, usage: 'write', source: m.status.source });
    }
    const conditions: Condition[] = m.entity === 'lead' ? [m.mql, ...(m.track === null ? [] : [m.track])] : m.entity === 'opportunity' || m.where === null ? [] : [m.where];
    for (const c of conditions) {
      for (const f of dialect.conditionFields(m.object, c)) uses.push({ field: f.field, spec: conditionSpec(f.literalType), priority: 0, usage: 'condition', source: `${m.file}:${c.line ?? ''}` });
    }
  }
  return [...byObject].map(([object, uses]) => ({ object, fields: merge(mappings.crm, uses) }));
}

function merge(crm: CrmKind, uses: readonly Use[]): RequiredCrmField[] {
  const groups = new Map<string, Use[]>();
  for (const u of uses) {
    const key = u.field.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  return [...groups.values()].map((g) => {
    const best = g.reduce((a, b) => (b.priority > a.priority ? b : a));
    const custom = isCustomField(crm, best.field);
    // Standard fields are never created; setup only adds the values leadrelay *writes* (Lead Status, stages),
    // never the values an inbound map merely reads (LeadSource stays as the org has it).
    const picklist = unique(g.flatMap((u) => (u.usage === 'write' || (custom && u.usage === 'read') ? (u.spec.picklistValues ?? []) : [])));
    const { picklistValues: _drop, ...rest } = best.spec;
    const spec: FieldSpec = picklist.length > 0 ? { ...rest, picklistValues: picklist } : rest;
    return {
      ...spec, field: best.field, custom,
      usage: unique(g.map((u) => u.usage)) as FieldUsage[], sources: unique(g.map((u) => u.source)),
    };
  });
}
