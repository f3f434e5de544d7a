// Check loaded mappings against the CRM's own description of its objects (Salesforce describe, HubSpot
// properties): fields that do not exist, values a picklist does not allow, writes to read-only fields, and
// transforms that cannot work on the field's type. Runs in `leadrelay validate` when a connection is available.
import type { CrmKind } from '../domain/lead.ts';
import { dialects } from './dialects.ts';
import type { MappingIssue } from './types.ts';
import type { AnyMapping, InboundRule, LoadedMappings, OutboundRule } from './types.ts';
import { isCustomField } from './required-fields.ts';
import { outboundKeys } from './targets.ts';

export interface DescribeField {
  readonly name: string;
  /** The CRM's type name: Salesforce string, textarea, picklist, double, boolean, date, datetime...; HubSpot string, number, enumeration, bool... */
  readonly type: string;
  readonly picklistValues: readonly string[];
  readonly updateable: boolean;
  readonly createable: boolean;
}
export type DescribeResult = Readonly<Record<string, { readonly fields: readonly DescribeField[] }>>;

const numeric = new Set(['double', 'int', 'integer', 'currency', 'percent', 'long', 'number']);
const booleans = new Set(['boolean', 'bool']);
const dates = new Set(['date', 'datetime']);
const picklists = new Set(['picklist', 'multipicklist', 'enumeration']);
const textual = new Set(['string', 'textarea', 'email', 'phone', 'url', 'id', 'reference', 'combobox', 'encryptedstring', 'picklist', 'multipicklist', 'enumeration']);

export function checkAgainstDescribe(mappings: LoadedMappings, describe: DescribeResult): MappingIssue[] {
  const all: AnyMapping[] = [mappings.lead, mappings.partner, mappings.opportunity, ...(mappings.partnerUser === null ? [] : [mappings.partnerUser])];
  return all.flatMap((m) => checkOne(m, describe, mappings.crm));
}

function fieldsOf(describe: DescribeResult, object: string): Map<string, DescribeField> | null {
  const key = Object.keys(describe).find((k) => k.toLowerCase() === object.toLowerCase());
  return key === undefined ? null : new Map((describe[key]?.fields ?? []).map((f) => [f.name.toLowerCase(), f]));
}

function checkOne(m: AnyMapping, describe: DescribeResult, crm: CrmKind): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const issue = (line: number | null, path: string, message: string, hint: string): void => {
    issues.push({ file: m.file, line, path, message, hint });
  };
  const fields = fieldsOf(describe, m.object);
  if (fields === null) {
    issue(m.objectLine, 'object', `object ${m.object} is not in the CRM`, 'check the API name, and that the integration user may read it');
    return issues;
  }
  const dialect = dialects[crm];
  const missingHint = (field: string): string => (isCustomField(crm, field)
    ? `run \`leadrelay setup ${crm}\` to create it`
    : 'check the API name, and the field-level security of the integration user');
  const find = (field: string, line: number | null, path: string): DescribeField | undefined => {
    const f = fields.get(field.toLowerCase());
    if (f === undefined) issue(line, path, `${m.object}.${field} does not exist`, missingHint(field));
    return f;
  };

  // A `from` on an associated record (HubSpot company.name) is looked up in that record's object.
  const findFrom = (from: string, line: number | null, path: string): DescribeField | undefined => {
    const at = dialect.resolve(m.object, from);
    if (at.object === m.object) return find(from, line, path);
    const f = fieldsOf(describe, at.object)?.get(at.field.toLowerCase());
    if (f === undefined) issue(line, path, `${at.object}.${at.field} does not exist`, missingHint(at.field));
    return f;
  };
  if (m.entity !== 'opportunity') for (const r of m.fields) checkInboundType(r, findFrom(r.from, r.line, `fields.${r.target}`), issue);
  if (m.entity !== 'partner-user') {
    for (const r of m.outbound) {
      const f = find(r.to, r.line, `outbound.fields.${r.key}`);
      if (f !== undefined) checkOutbound(m, r, f, issue);
    }
  }
  if (m.entity === 'lead' && m.status !== null) {
    const f = find(m.status.to, m.status.line, 'outbound.status');
    if (f !== undefined) {
      if (!f.updateable) issue(m.status.line, 'outbound.status', `${m.object}.${f.name} is read-only for the integration user`, 'grant edit access to the field');
      checkPicklist(f, Object.values(m.status.values), m.status.line, 'outbound.status.values', m.object, issue);
    }
  }
  // A condition naming a missing field fails the whole pull (INVALID_FIELD), so check those too.
  const conditions = m.entity === 'lead' ? [['mql', m.mql], ['track', m.track]] as const : m.entity === 'opportunity' ? [] : [['where', m.where]] as const;
  for (const [key, c] of conditions) {
    if (c === null) continue;
    for (const f of new Set(dialect.conditionFields(m.object, c).map((x) => x.field))) {
      // Relationship paths (Owner.Name) belong to another object; describe of this one cannot judge them.
      if (!f.includes('.') && !fields.has(f.toLowerCase())) issue(c.line, key, `${m.object}.${f} (used in ${key}) does not exist`, missingHint(f));
    }
  }
  return issues;
}

type Report = (line: number | null, path: string, message: string, hint: string) => void;

function checkInboundType(r: InboundRule, f: DescribeField | undefined, issue: Report): void {
  if (f === undefined) return;
  const type = f.type.toLowerCase();
  const path = `fields.${r.target}`;
  const says = `${f.name} is a ${f.type} field`;
  for (const t of r.transforms) {
    if ((t === 'number' || t === 'integer') && !numeric.has(type)) issue(r.line, path, `${says}: '${t}' will quarantine every record whose value is not a number`, `remove '${t}', or read a number field`);
    if ((t === 'date' || t === 'datetime') && !dates.has(type) && !textual.has(type)) issue(r.line, path, `${says}: '${t}' cannot read it`, `remove '${t}'`);
    if (t === 'split' && (numeric.has(type) || booleans.has(type) || dates.has(type))) issue(r.line, path, `${says}: 'split' makes no sense on it`, "remove 'split'");
  }
  const kind = r.targetInfo.kind;
  const converts = r.transforms.some((t) => t === 'number' || t === 'integer');
  if ((kind === 'number' || kind === 'integer') && !converts && r.map === null && !numeric.has(type)) {
    issue(r.line, path, `${says} but ${r.target} takes a number`, 'add transform: [number]');
  }
  if (kind === 'boolean' && !r.transforms.includes('boolean') && r.map === null && !booleans.has(type)) {
    issue(r.line, path, `${says} but ${r.target} takes true/false`, 'add transform: [boolean]');
  }
}

function checkOutbound(m: AnyMapping, r: OutboundRule, f: DescribeField, issue: Report): void {
  const path = `outbound.fields.${r.key}`;
  const type = f.type.toLowerCase();
  const creates = m.entity === 'opportunity' && m.mode === 'create';
  if (!f.updateable && !(creates && f.createable && r.externalId)) issue(r.line, path, `${m.object}.${f.name} is read-only for the integration user`, 'grant edit access to the field, or write to another field');
  if (creates && !f.createable) issue(r.line, path, `${m.object}.${f.name} cannot be set when creating a record`, 'grant create access to the field');
  const kind = outboundKeys(m.entity).get(r.key)?.kind;
  if (kind === 'currency' && !numeric.has(type)) issue(r.line, path, `${f.name} is a ${f.type} field but ${r.key} is a number`, 'write it to a number or currency field');
  if ((kind === 'date' || kind === 'datetime') && !dates.has(type) && !textual.has(type)) issue(r.line, path, `${f.name} is a ${f.type} field but ${r.key} is a ${kind}`, 'write it to a date/time or text field');
  if (!picklists.has(type)) return;
  const written = m.entity === 'opportunity' && r.key === 'stage'
    ? Object.values(m.stages)
    : r.values !== null ? Object.values(r.values) : [...(outboundKeys(m.entity).get(r.key)?.values ?? [])];
  const line = m.entity === 'opportunity' && r.key === 'stage' ? m.stagesLine : r.line;
  checkPicklist(f, written, line, m.entity === 'opportunity' && r.key === 'stage' ? 'stages' : `${path}.values`, m.object, issue);
}

function checkPicklist(f: DescribeField, written: readonly string[], line: number | null, path: string, object: string, issue: Report): void {
  const allowed = new Set(f.picklistValues);
  for (const v of new Set(written)) {
    if (!allowed.has(v)) issue(line, path, `'${v}' is not a value of the ${object}.${f.name} picklist`, 'add the value to the picklist (leadrelay setup adds missing values), or change the mapping');
  }
}
