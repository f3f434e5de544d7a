// Per-field semantic checks applied after JSON binding, with the status codes and message formats of the real
// API (the "<Field Label>: ..." prefix is how Salesforce words field errors):
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#statuscode
import { normalizeId } from '../ids.ts';
import type { ErrorItem } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { FieldDef } from '../types.ts';
import type { Value } from './values.ts';

export type Checked = { ok: true; value: Value } | { ok: false; error: ErrorItem };

const fail = (statusCode: string, message: string, fields: string[]): Checked =>
  ({ ok: false, error: { statusCode, message, fields } });

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function label(f: FieldDef): string {
  return f.label ?? f.name;
}

function checkPicklist(org: Org, f: FieldDef, value: string): Checked {
  const values = org.schema.picklistValues(f);
  if (f.type === 'multipicklist') {
    const parts = [...new Set(value.split(';').map((p) => p.trim()).filter((p) => p !== ''))];
    if (f.restrictedPicklist) {
      const bad = parts.find((p) => !values.some((v) => v.value === p && v.active !== false));
      if (bad !== undefined) {
        return fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${label(f)}: bad value for restricted picklist field: ${bad}`, [f.name]);
      }
    }
    // Selected values come back in the picklist's defined order.
    const order = (p: string): number => {
      const i = values.findIndex((v) => v.value === p);
      return i === -1 ? Number.MAX_SAFE_INTEGER : i;
    };
    parts.sort((a, b) => order(a) - order(b));
    return { ok: true, value: parts.length === 0 ? null : parts.join(';') };
  }
  if (f.restrictedPicklist && !values.some((v) => v.value === value && v.active !== false)) {
    return fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${label(f)}: bad value for restricted picklist field: ${value}`, [f.name]);
  }
  return { ok: true, value };
}

function checkNumber(f: FieldDef, value: number): Checked {
  if (!Number.isFinite(value)) return fail('NUMBER_OUTSIDE_VALID_RANGE', `${label(f)}: value outside of valid range on numeric field: ${value}`, [f.name]);
  if (f.type === 'int' && !Number.isInteger(value)) {
    return fail('INVALID_TYPE_ON_FIELD_IN_RECORD', `${label(f)}: value not of required type: ${value}`, [f.name]);
  }
  const precision = f.precision ?? 18;
  const scale = f.scale ?? 0;
  const rounded = scale >= 0 ? Number(value.toFixed(Math.min(scale, 20))) : value;
  if (Math.abs(Math.trunc(rounded)) >= 10 ** Math.max(precision - scale, 0) && precision > 0) {
    return fail('NUMBER_OUTSIDE_VALID_RANGE', `${label(f)}: value outside of valid range on numeric field: ${value}`, [f.name]);
  }
  return { ok: true, value: rounded };
}

function checkReference(org: Org, f: FieldDef, value: string): Checked {
  const id = normalizeId(value);
  if (!id) return fail('MALFORMED_ID', `${label(f)}: id value of incorrect type: ${value}`, [f.name]);
  const target = org.schema.objectByKeyPrefix(id.slice(0, 3));
  if (!target || !(f.referenceTo ?? []).includes(target.name)) {
    return fail('FIELD_INTEGRITY_EXCEPTION', `${label(f)}: id value of incorrect type: ${value}`, [f.name]);
  }
  const row = org.store.get(id);
  if (!row) return fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name]);
  if (row.IsDeleted === true) return fail('ENTITY_IS_DELETED', 'entity is deleted', [f.name]);
  return { ok: true, value: id };
}

/** Validates and normalises one bound value (never null here: null handling is the required-field check). */
export function checkValue(org: Org, f: FieldDef, value: Value): Checked {
  if (value === null) return { ok: true, value };
  switch (f.type) {
    case 'double': case 'currency': case 'percent': case 'int':
      return typeof value === 'number' ? checkNumber(f, value) : { ok: true, value };
    case 'reference':
      return checkReference(org, f, String(value));
    case 'boolean': case 'date': case 'datetime': case 'id':
      return { ok: true, value };
    default:
      break;
  }
  const s = String(value);
  const max = f.length ?? 255;
  if ([...s].length > max) {
    return fail('STRING_TOO_LONG', `${label(f)}: data value too large: ${s.length > 60 ? `${s.slice(0, 60)}...` : s} (max length=${max})`, [f.name]);
  }
  if (f.type === 'email' && !EMAIL_RE.test(s)) {
    return fail('INVALID_EMAIL_ADDRESS', `${label(f)}: invalid email address: ${s}`, [f.name]);
  }
  if (f.type === 'picklist' || f.type === 'multipicklist') return checkPicklist(org, f, s);
  return { ok: true, value: s };
}

export const missingRequired = (fields: string[]): ErrorItem =>
  ({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${fields.join(', ')}]`, fields });

export const notWritable = (fields: string[]): ErrorItem => ({
  statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
  message: `Unable to create/update fields: ${fields.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
  fields,
});

export const noSuchField = (sobject: string, name: string): ErrorItem =>
  ({ statusCode: 'INVALID_FIELD', message: `No such column '${name}' on sobject of type ${sobject}`, fields: [] });
