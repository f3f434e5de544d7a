// Metadata API CustomField ⇄ FieldDef. Validates what the real deploy validates for the types leadrelay uses
// (lengths, precision/scale, checkbox default, picklist values, lookup target) with its error wording.
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customfield.htm
import type { ErrorItem } from '../http/errors.ts';
import type { SchemaRegistry, SObjectSchema } from '../schema/registry.ts';
import type { FieldDef, PicklistValueDef } from '../types.ts';
import { bool, list, num, obj, text } from './xml.ts';
import type { XmlValue } from './xml.ts';

const NAME_RE = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]__c$|^[A-Za-z]__c$/;

const err = (statusCode: string, message: string): ErrorItem => ({ statusCode, message, fields: [] });

export function splitFullName(fullName: string): { object: string; field: string } | undefined {
  const dot = fullName.indexOf('.');
  if (dot <= 0) return undefined;
  return { object: fullName.slice(0, dot), field: fullName.slice(dot + 1) };
}

function picklistFromMetadata(md: Record<string, unknown>): { values: PicklistValueDef[]; restricted: boolean } {
  const vs = obj(md.valueSet);
  const def = obj(vs.valueSetDefinition);
  const values = list(def.value).map((v) => {
    const o = obj(v);
    const value = text(o.fullName) ?? '';
    return { value, label: text(o.label) ?? value, defaultValue: bool(o.default) === true, active: bool(o.isActive) !== false };
  }).filter((v) => v.value !== '');
  return { values, restricted: bool(vs.restricted) === true };
}

/** Builds a FieldDef from CustomField metadata, or the deploy error the real API would report. */
export function fieldFromMetadata(schema: SchemaRegistry, sobject: SObjectSchema, name: string,
  md: Record<string, unknown>): FieldDef | ErrorItem {
  if (!NAME_RE.test(name)) {
    return err('FIELD_INTEGRITY_EXCEPTION', `Invalid custom field name ${name}: names must end with __c, begin with a letter and use only alphanumerics and single underscores`);
  }
  const label = text(md.label);
  if (!label) return err('REQUIRED_FIELD_MISSING', 'Required field is missing: label');
  const type = text(md.type);
  if (!type) return err('REQUIRED_FIELD_MISSING', 'Required field is missing: type');
  const base: FieldDef = { name, label, type: 'string', custom: true, nillable: bool(md.required) !== true };
  const description = text(md.description);
  if (description) base.description = description;
  const help = text(md.inlineHelpText);
  if (help) base.inlineHelpText = help;
  const ext = bool(md.externalId) === true;
  const unique = bool(md.unique) === true;
  const length = num(md.length);
  const precision = num(md.precision);
  const scale = num(md.scale) ?? 0;
  const mustSpecify = (what: string): ErrorItem => err('FIELD_INTEGRITY_EXCEPTION', `Must specify '${what}' for a CustomField of type ${type}`);
  const withKeys = (f: FieldDef): FieldDef => ({ ...f, ...(ext ? { externalId: true } : {}), ...(unique ? { unique: true } : {}) });
  switch (type) {
    case 'Text':
      if (length === undefined) return mustSpecify('length');
      if (length < 1 || length > 255) return err('FIELD_INTEGRITY_EXCEPTION', 'Length: value must be between 1 and 255');
      return withKeys({ ...base, type: 'string', length });
    case 'TextArea':
      return { ...base, type: 'textarea', length: 255 };
    case 'LongTextArea': case 'Html':
      if (length === undefined) return mustSpecify('length');
      if (num(md.visibleLines) === undefined) return mustSpecify('visibleLines');
      if (length < 256 || length > 131072) return err('FIELD_INTEGRITY_EXCEPTION', 'Length: value must be between 256 and 131,072');
      return { ...base, type: 'textarea', length, visibleLines: num(md.visibleLines) ?? 3 };
    case 'Number': case 'Currency': case 'Percent': {
      if (precision === undefined) return mustSpecify('precision');
      if (precision < 1 || precision > 18 || scale < 0 || scale > precision) {
        return err('FIELD_INTEGRITY_EXCEPTION', 'The sum of the length and decimal places must be an integer less than or equal to 18');
      }
      const t = type === 'Number' ? 'double' : type === 'Currency' ? 'currency' : 'percent';
      return withKeys({ ...base, type: t, precision, scale });
    }
    case 'Checkbox': {
      const d = text(md.defaultValue);
      if (d === undefined || !/^(true|false)$/i.test(d)) return mustSpecify('defaultValue');
      return { ...base, type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: d.toLowerCase() === 'true' };
    }
    case 'Date': return { ...base, type: 'date' };
    case 'DateTime': return { ...base, type: 'datetime' };
    case 'Email': return withKeys({ ...base, type: 'email', length: 80 });
    case 'Phone': return { ...base, type: 'phone', length: 40 };
    case 'Url': return { ...base, type: 'url', length: 255 };
    case 'Picklist': case 'MultiselectPicklist': {
      const { values, restricted } = picklistFromMetadata(md);
      if (values.length === 0) return err('FIELD_INTEGRITY_EXCEPTION', 'Picklist must have at least one value');
      const multi = type === 'MultiselectPicklist';
      if (multi && num(md.visibleLines) === undefined) return mustSpecify('visibleLines');
      return { ...base, type: multi ? 'multipicklist' : 'picklist', length: multi ? 4099 : 255, picklistValues: values,
        restrictedPicklist: restricted, ...(multi ? { visibleLines: num(md.visibleLines) ?? 4 } : {}) };
    }
    case 'Lookup': {
      const target = text(md.referenceTo);
      if (!target) return mustSpecify('referenceTo');
      const targetObj = schema.object(target);
      if (!targetObj) return err('FIELD_INTEGRITY_EXCEPTION', `referenceTo value of '${target}' does not resolve to a valid sObject type`);
      const rel = text(md.relationshipName);
      if (!rel) return mustSpecify('relationshipName');
      return { ...base, type: 'reference', length: 18, referenceTo: [targetObj.name], relationshipName: name.replace(/__c$/, '__r'),
        childRelationshipName: `${rel}__r` };
    }
    default:
      return err('FIELD_INTEGRITY_EXCEPTION', `emulator: CustomField type ${type} is not supported on ${sobject.name}`);
  }
}

const METADATA_TYPE: Record<FieldDef['type'], string> = {
  string: 'Text', textarea: 'TextArea', double: 'Number', currency: 'Currency', percent: 'Percent', int: 'Number',
  boolean: 'Checkbox', date: 'Date', datetime: 'DateTime', picklist: 'Picklist', multipicklist: 'MultiselectPicklist',
  reference: 'Lookup', email: 'Email', phone: 'Phone', url: 'Url', id: 'Text',
};

/** FieldDef → CustomField metadata (readMetadata), elements in the WSDL's alphabetical order. */
export function fieldToMetadata(schema: SchemaRegistry, sobject: SObjectSchema, f: FieldDef): Record<string, XmlValue> {
  const md: Record<string, XmlValue> = { '@xsi:type': 'CustomField', fullName: `${sobject.name}.${f.name}` };
  if (!f.custom) return md;
  const type = f.type === 'textarea' && (f.length ?? 0) > 255 ? 'LongTextArea' : METADATA_TYPE[f.type];
  if (f.type === 'boolean') md.defaultValue = String(f.defaultValue === true);
  if (f.type === 'reference') md.deleteConstraint = 'SetNull';
  if (f.description) md.description = f.description;
  md.externalId = f.externalId === true;
  if (f.inlineHelpText) md.inlineHelpText = f.inlineHelpText;
  md.label = f.label ?? f.name;
  if (['Text', 'LongTextArea'].includes(type)) md.length = f.length ?? 255;
  if (['double', 'currency', 'percent'].includes(f.type)) md.precision = f.precision ?? 18;
  if (f.type === 'reference') {
    md.referenceTo = f.referenceTo?.[0] ?? '';
    md.relationshipLabel = f.label ?? f.name;
    md.relationshipName = (f.childRelationshipName ?? '').replace(/__r$/, '');
  }
  md.required = f.nillable === false && f.type !== 'boolean';
  if (['double', 'currency', 'percent'].includes(f.type)) md.scale = f.scale ?? 0;
  md.trackFeedHistory = false;
  md.trackTrending = false;
  md.type = type;
  if (f.unique) md.unique = true;
  if (f.type === 'picklist' || f.type === 'multipicklist') {
    md.valueSet = {
      restricted: f.restrictedPicklist === true,
      valueSetDefinition: {
        sorted: false,
        value: schema.picklistValues(f).map((v) => ({ fullName: v.value, default: v.defaultValue === true, label: v.label ?? v.value })),
      },
    };
  }
  if (f.visibleLines !== undefined) md.visibleLines = f.visibleLines;
  return md;
}
