// Metadata API shapes for `leadrelay setup`, pure. The SOAP Metadata API validates element order against the
// WSDL sequence (fullName first, then the type's own elements, alphabetical; an extending type's elements after its
// base's), and jsforce serialises keys in insertion order, so every object here is built in that order.
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customfield.htm
// https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/standardvaluesetnames.htm
import type { OpportunityMapping, RequiredCrmField } from '../../mapping/index.ts';

export type Md = Record<string, unknown>;

/** Standard picklist fields and the StandardValueSet behind them. */
const standardValueSets: Readonly<Record<string, string>> = {
  'lead.status': 'LeadStatus',
  'lead.leadsource': 'LeadSource',
  'lead.industry': 'Industry',
  'lead.rating': 'AccountRating',
  'opportunity.stagename': 'OpportunityStage',
  'opportunity.type': 'OpportunityType',
  'opportunity.leadsource': 'LeadSource',
  'account.type': 'AccountType',
  'account.industry': 'Industry',
  'account.rating': 'AccountRating',
  'contact.leadsource': 'LeadSource',
};

export function standardValueSetOf(object: string, field: string): string | undefined {
  return standardValueSets[`${object}.${field}`.toLowerCase()];
}

/** `LeadRelay_Partner_Status__c` → `LeadRelay Partner Status` (labels are at most 40 characters). */
export function labelOf(apiName: string): string {
  return apiName.replace(/__c$/i, '').replace(/_+/g, ' ').trim().slice(0, 40);
}

/** Keep keys in the given order, dropping undefined. */
function ordered(source: Md, keys: readonly string[]): Md {
  const out: Md = {};
  for (const k of keys) if (source[k] !== undefined && source[k] !== null) out[k] = source[k];
  return out;
}

const customValueKeys = ['fullName', 'color', 'default', 'description', 'isActive', 'label'] as const;
const standardValueKeys = [...customValueKeys, 'allowEmail', 'closed', 'converted', 'cssExposed', 'forecastCategory', 'groupingString', 'highPriority', 'probability', 'reverseRole', 'reviewed', 'won'] as const;

export const customValue = (value: string): Md => ({ fullName: value, default: false, label: value });

function valueSet(values: readonly Md[], restricted: boolean): Md {
  return { restricted, valueSetDefinition: { sorted: false, value: values.map((v) => ordered(v, customValueKeys)) } };
}

/** CustomField's own elements are alphabetical in the WSDL, after Metadata's fullName. */
function fieldOrder(md: Md): Md {
  return ordered(md, ['fullName', ...Object.keys(md).filter((k) => k !== 'fullName').sort()]);
}

/** CustomField metadata for a field the mapping needs (`fullName` = `Object.Field__c`). */
export function customFieldMetadata(object: string, f: RequiredCrmField, description: string): Md | { error: string } {
  const md = customFieldDraft(object, f, description);
  return 'error' in md ? md : fieldOrder(md);
}

function customFieldDraft(object: string, f: RequiredCrmField, description: string): Md | { error: string } {
  const base: Md = { fullName: `${object}.${f.field}`, description };
  const values = (f.picklistValues ?? []).map(customValue);
  switch (f.type) {
    case 'Text': return { ...base, externalId: f.externalId === true, label: labelOf(f.field), length: f.length ?? 255, required: false, type: 'Text', unique: f.unique === true };
    case 'LongTextArea': return { ...base, label: labelOf(f.field), length: Math.max(256, f.length ?? 32768), type: 'LongTextArea', visibleLines: 3 };
    case 'Number': case 'Currency': return { ...base, externalId: false, label: labelOf(f.field), precision: f.precision ?? 18, required: false, scale: f.scale ?? 2, type: f.type, unique: false };
    case 'Checkbox': return { ...base, defaultValue: 'false', label: labelOf(f.field), type: 'Checkbox' };
    case 'Date': case 'DateTime': case 'Email': case 'Phone': case 'Url': return { ...base, label: labelOf(f.field), required: false, type: f.type };
    case 'Picklist':
      if (values.length === 0) return { error: 'a picklist needs at least one value; declare them in the mapping (values or map)' };
      return { ...base, label: labelOf(f.field), required: false, type: 'Picklist', valueSet: valueSet(values, true) };
    case 'MultiselectPicklist':
      if (values.length === 0) return { error: 'a picklist needs at least one value; declare them in the mapping (values or map)' };
      return { ...base, label: labelOf(f.field), required: false, type: 'MultiselectPicklist', valueSet: valueSet(values, false), visibleLines: 4 };
    case 'Lookup':
      return { error: 'lookup fields need a target object and relationship name; create it in Setup → Object Manager' };
  }
}

/**
 * An existing custom picklist with values added. Only the properties a picklist field keeps are sent: an update
 * replaces the definition, and echoing everything jsforce's read fills in (defaults of unrelated properties) is
 * rejected by some orgs.
 */
export function withCustomValues(read: Md, add: readonly string[]): Md {
  const vs = (read['valueSet'] ?? {}) as Md;
  const def = (vs['valueSetDefinition'] ?? {}) as Md;
  const raw = def['value'];
  const current = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]) as Md[];
  const have = new Set(current.map((v) => String(v['fullName'])));
  const values = [...current, ...add.filter((v) => !have.has(v)).map(customValue)];
  const restricted = vs['restricted'] === true || vs['restricted'] === 'true';
  return {
    ...ordered(read, ['fullName', 'description', 'externalId', 'inlineHelpText', 'label', 'required', 'type']),
    valueSet: { ...(vs['controllingField'] ? { controllingField: vs['controllingField'] } : {}), ...valueSet(values, restricted) },
    ...ordered(read, ['visibleLines']),
  };
}

/** Attributes of a new standard value: conversion status (LeadStatus), closed/won/probability (OpportunityStage). */
export function standardValue(valueSetName: string, value: string, opp: OpportunityMapping): Md {
  const v: Md = { fullName: value, default: false, label: value };
  if (valueSetName === 'LeadStatus') v['converted'] = value === opp.convertedStatus;
  if (valueSetName === 'OpportunityStage') {
    const stage = Object.entries(opp.stages).find(([, sf]) => sf === value)?.[0];
    const won = stage === 'won';
    const closed = won || stage === 'lost';
    Object.assign(v, {
      closed,
      forecastCategory: won ? 'Closed' : closed ? 'Omitted' : 'Pipeline',
      probability: won ? 100 : closed ? 0 : stage === 'proposal' ? 75 : stage === 'meeting' ? 20 : 10,
      won,
    });
  }
  return ordered(v, standardValueKeys);
}

/** A StandardValueSet with values added. The set is replaced as a whole, so every existing value is sent back. */
export function withStandardValues(read: Md, name: string, add: readonly Md[]): Md {
  const raw = read['standardValue'];
  const current = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]) as Md[];
  const have = new Set(current.map((v) => String(v['fullName'])));
  return {
    fullName: name,
    sorted: read['sorted'] === true || read['sorted'] === 'true',
    standardValue: [...current.map((v) => ordered(v, standardValueKeys)), ...add.filter((v) => !have.has(String(v['fullName'])))],
  };
}
