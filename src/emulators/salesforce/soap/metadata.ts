// Metadata API (CRUD-based calls) at /services/Soap/m/{version}: create/read/update/upsert/deleteMetadata for
// CustomField and StandardValueSet. Changes apply at once: a created field is in describe and writable on return.
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_crud_based_calls_intro.htm
import type { ErrorItem } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { FieldDef, PicklistValueDef } from '../types.ts';
import { fieldFromMetadata, fieldToMetadata, splitFullName } from './custom-field.ts';
import { bool, list, num, obj, SoapFault, text, toXml } from './xml.ts';
import type { XmlValue } from './xml.ts';

/** Components per create/update/upsert/delete call (readMetadata also takes at most 10 names). */
const MAX_COMPONENTS = 10;

type Outcome = { ok: true; created: boolean } | { ok: false; error: ErrorItem };

const missing = (type: string, fullName: string): Outcome =>
  ({ ok: false, error: { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `In field: fullName - no ${type} named ${fullName} found`, fields: [] } });

function saveCustomField(org: Org, fullName: string, md: Record<string, unknown>, mode: 'create' | 'update' | 'upsert'): Outcome {
  const parts = splitFullName(fullName);
  const sobject = parts ? org.schema.object(parts.object) : undefined;
  if (!parts || !sobject) return missing('CustomObject', parts?.object ?? fullName);
  const existing = sobject.field(parts.field);
  if (existing && mode === 'create') {
    return { ok: false, error: { statusCode: 'DUPLICATE_DEVELOPER_NAME', message: `There is already a field named ${parts.field.replace(/__c$/, '')} on ${sobject.name}.`, fields: [] } };
  }
  if (!existing && mode === 'update') return missing('CustomField', fullName);
  if (existing && !existing.custom) {
    return { ok: false, error: { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Cannot modify standard field ${fullName}`, fields: [] } };
  }
  const def = fieldFromMetadata(org.schema, sobject, existing?.name ?? parts.field, md);
  if ('statusCode' in def) return { ok: false, error: def };
  if (existing && existing.type !== def.type) {
    return { ok: false, error: { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Cannot change type of ${fullName} from ${existing.type} to ${def.type}`, fields: [] } };
  }
  org.schema.putField(sobject, def);
  const table = org.store.table(sobject);
  if (!existing && def.type === 'boolean') {
    // A new checkbox reads as its default on existing rows.
    for (const [id, row] of table.rows) table.rows.set(id, { ...row, [def.name]: def.defaultValue === true });
  }
  table.rebuildIndexes();
  return { ok: true, created: !existing };
}

function standardValues(md: Record<string, unknown>): PicklistValueDef[] {
  return list(md.standardValue).map((raw) => {
    const v = obj(raw);
    const value = text(v.fullName) ?? '';
    const out: PicklistValueDef = { value, label: text(v.label) ?? value, defaultValue: bool(v.default) === true };
    const converted = bool(v.converted);
    if (converted !== undefined) out.converted = converted;
    const closed = bool(v.closed);
    if (closed !== undefined) out.closed = closed;
    const won = bool(v.won);
    if (won !== undefined) out.won = won;
    const probability = num(v.probability);
    if (probability !== undefined) out.probability = probability;
    const forecast = text(v.forecastCategory);
    if (forecast !== undefined) out.forecastCategory = forecast;
    return out;
  }).filter((v) => v.value !== '');
}

function saveValueSet(org: Org, fullName: string, md: Record<string, unknown>, mode: 'create' | 'update' | 'upsert'): Outcome {
  const current = org.schema.valueSet(fullName);
  if (!current) return missing('StandardValueSet', fullName);
  if (mode === 'create') {
    return { ok: false, error: { statusCode: 'DUPLICATE_DEVELOPER_NAME', message: `There is already a StandardValueSet named ${fullName}.`, fields: [] } };
  }
  const values = standardValues(md);
  if (values.length === 0) return { ok: false, error: { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'A picklist must have at least one value', fields: [] } };
  const canonical = org.schema.valueSetNames().find((n) => n.toLowerCase() === fullName.toLowerCase()) ?? fullName;
  org.schema.setValueSet(canonical, values);
  return { ok: true, created: false };
}

function valueSetToMetadata(org: Org, name: string): Record<string, XmlValue> | undefined {
  const values = org.schema.valueSet(name);
  const canonical = org.schema.valueSetNames().find((n) => n.toLowerCase() === name.toLowerCase());
  if (!values || !canonical) return undefined;
  return {
    '@xsi:type': 'StandardValueSet', fullName: canonical, sorted: false,
    standardValue: values.map((v) => {
      const out: Record<string, XmlValue> = { fullName: v.value, default: v.defaultValue === true, label: v.label ?? v.value };
      if (v.closed !== undefined) out.closed = v.closed;
      if (v.converted !== undefined) out.converted = v.converted;
      if (v.forecastCategory !== undefined) out.forecastCategory = v.forecastCategory;
      if (v.probability !== undefined) out.probability = v.probability;
      if (v.won !== undefined) out.won = v.won;
      return out;
    }),
  };
}

function typeOf(md: Record<string, unknown>): string {
  const t = md['@_type'];
  return typeof t === 'string' ? t.replace(/^.*:/, '') : '';
}

function result(fullName: string, o: Outcome, withCreated: boolean): Record<string, XmlValue> {
  const r: Record<string, XmlValue> = {};
  if (withCreated) r.created = o.ok ? o.created : false;
  if (!o.ok) r.errors = { message: o.error.message, statusCode: o.error.statusCode };
  r.fullName = fullName;
  r.success = o.ok;
  return r;
}

function checkCount(n: number): void {
  if (n > MAX_COMPONENTS) {
    throw new SoapFault('sf:LIMIT_EXCEEDED', 'LIMIT_EXCEEDED', `Exceeded the limit of ${MAX_COMPONENTS} components per call`);
  }
}

/** Handles one Metadata API operation; returns the <opResponse> body XML. */
export function metadataCall(org: Org, op: string, args: Record<string, unknown>): string {
  const respond = (results: Array<Record<string, XmlValue>>): string =>
    `<${op}Response>${results.map((r) => toXml('result', r)).join('')}</${op}Response>`;
  switch (op) {
    case 'createMetadata': case 'updateMetadata': case 'upsertMetadata': {
      const mode = op === 'createMetadata' ? 'create' : op === 'updateMetadata' ? 'update' : 'upsert';
      const items = list(args.metadata).map(obj);
      checkCount(items.length);
      return respond(items.map((md) => {
        const fullName = text(md.fullName) ?? '';
        const type = typeOf(md);
        let o: Outcome;
        if (type === 'CustomField') o = saveCustomField(org, fullName, md, mode);
        else if (type === 'StandardValueSet') o = saveValueSet(org, fullName, md, mode);
        else o = { ok: false, error: { statusCode: 'INVALID_TYPE', message: `emulator: metadata type '${type}' is not supported`, fields: [] } };
        return result(fullName, o, mode === 'upsert');
      }));
    }
    case 'readMetadata': {
      const type = text(args.type) ?? '';
      const names = list(args.fullNames).map((n) => text(n) ?? '');
      checkCount(names.length);
      const records = names.map((name): XmlValue => {
        if (type === 'StandardValueSet') return valueSetToMetadata(org, name) ?? null;
        if (type !== 'CustomField') return null;
        const parts = splitFullName(name);
        const sobject = parts ? org.schema.object(parts.object) : undefined;
        const f: FieldDef | undefined = parts && sobject ? sobject.field(parts.field) : undefined;
        return sobject && f ? fieldToMetadata(org.schema, sobject, f) : null;
      });
      // A missing component comes back as <records xsi:nil="true"/> (jsforce then yields an empty object).
      return `<readMetadataResponse>${toXml('result', { records })}</readMetadataResponse>`;
    }
    case 'deleteMetadata': {
      const type = text(args.type) ?? '';
      const names = list(args.fullNames).map((n) => text(n) ?? '');
      checkCount(names.length);
      return respond(names.map((name) => {
        const parts = splitFullName(name);
        const sobject = parts ? org.schema.object(parts.object) : undefined;
        const f = parts && sobject ? sobject.field(parts.field) : undefined;
        if (type !== 'CustomField' || !sobject || !f || !f.custom) return result(name, missing(type, name), false);
        org.schema.removeField(sobject, f.name);
        org.store.table(sobject).rebuildIndexes();
        return result(name, { ok: true, created: false }, false);
      }));
    }
    default:
      throw new SoapFault('soapenv:Client', 'INVALID_OPERATION', `No operation available for request {http://soap.sforce.com/2006/04/metadata}${op}`);
  }
}
