// describeGlobal and describeSObject in the real JSON shape (DescribeGlobalResult / DescribeSObjectResult).
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
import type { FieldDef, FieldType } from '../types.ts';
import type { SchemaRegistry, SObjectSchema } from './registry.ts';

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID', reference: 'tns:ID', string: 'xsd:string', email: 'xsd:string', phone: 'xsd:string', url: 'xsd:string',
  textarea: 'xsd:string', picklist: 'xsd:string', multipicklist: 'xsd:string', double: 'xsd:double',
  currency: 'xsd:double', percent: 'xsd:double', int: 'xsd:int', boolean: 'xsd:boolean', date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

function urls(base: string, name: string): Record<string, string> {
  const s = `${base}/sobjects/${name}`;
  return { compactLayouts: `${s}/describe/compactLayouts`, rowTemplate: `${s}/{ID}`, approvalLayouts: `${s}/describe/approvalLayouts`,
    uiDetailTemplate: '', uiEditTemplate: '', defaultValues: `${s}/defaultValues?recordTypeId&fields`,
    listviews: `${s}/listviews`, describe: `${s}/describe`, uiNewRecord: '', quickActions: `${s}/quickActions`,
    layouts: `${s}/describe/layouts`, sobject: s };
}

function globalEntry(s: SObjectSchema, base: string): Record<string, unknown> {
  return {
    activateable: false, associateEntityType: null, associateParentEntity: null, createable: true,
    custom: s.custom, customSetting: false, deepCloneable: false, deletable: true, deprecatedAndHidden: false,
    feedEnabled: true, hasSubtypes: false, isInterface: false, isSubtype: false, keyPrefix: s.keyPrefix, label: s.label,
    labelPlural: s.labelPlural, layoutable: true, mergeable: ['Lead', 'Account', 'Contact'].includes(s.name),
    mruEnabled: true, name: s.name, queryable: true, replicateable: true, retrieveable: true, searchable: true,
    triggerable: true, undeletable: true, updateable: true,
    urls: { sobject: `${base}/sobjects/${s.name}`, describe: `${base}/sobjects/${s.name}/describe`, rowTemplate: `${base}/sobjects/${s.name}/{ID}` },
  };
}

export function describeGlobal(schema: SchemaRegistry, base: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: schema.list().map((s) => globalEntry(s, base)) };
}

/** GET /sobjects/{T}: basic information plus recent items. */
export function basicInfo(s: SObjectSchema, base: string): Record<string, unknown> {
  return { objectDescribe: globalEntry(s, base), recentItems: [] };
}

const ADDRESS_PART = /^(.*)(Street|City|State|PostalCode|Country|Latitude|Longitude)$/;

/** Address components belong to <prefix>Address, First/LastName to the compound Name. */
function compoundOf(s: SObjectSchema, f: FieldDef): string | null {
  if (f.custom) return null;
  const m = ADDRESS_PART.exec(f.name);
  if (m) return `${m[1] ?? ''}Address`;
  if ((f.name === 'FirstName' || f.name === 'LastName') && s.field('Name')?.calculated) return 'Name';
  return null;
}

function describeField(schema: SchemaRegistry, s: SObjectSchema, f: FieldDef): Record<string, unknown> {
  const text = ['string', 'email', 'phone', 'url', 'textarea', 'picklist', 'multipicklist', 'id', 'reference'].includes(f.type);
  const length = text ? (f.length ?? (f.type === 'id' || f.type === 'reference' ? 18 : 255)) : 0;
  const longText = f.type === 'textarea' && length > 255;
  const picklist = f.type === 'picklist' || f.type === 'multipicklist';
  const writableRef = f.type === 'reference';
  return {
    aggregatable: !longText && f.type !== 'multipicklist', aiPredictionField: false, autoNumber: false,
    byteLength: length * 3, calculated: f.calculated === true, calculatedFormula: null, cascadeDelete: false,
    caseSensitive: false, compoundFieldName: compoundOf(s, f),
    controllerName: null, createable: f.createable !== false && f.calculated !== true, custom: f.custom === true,
    defaultValue: typeof f.defaultValue === 'boolean' ? f.defaultValue : (f.defaultValue ?? null), defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate === true || f.type === 'boolean', dependentPicklist: false, deprecatedAndHidden: false,
    digits: f.type === 'int' ? (f.precision ?? 9) : 0, displayLocationInDecimal: false, encrypted: false,
    externalId: f.externalId === true, extraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null,
    filterable: !longText, filteredLookupInfo: null, formulaTreatNullNumberAsZero: false,
    groupable: !longText && !['double', 'currency', 'percent', 'datetime', 'multipicklist'].includes(f.type),
    highScaleNumber: false, htmlFormatted: false, idLookup: f.type === 'id' || f.externalId === true || f.unique === true,
    inlineHelpText: f.inlineHelpText ?? null, label: f.label ?? f.name, length, mask: null, maskType: null, name: f.name,
    nameField: f.name === 'Name', namePointing: writableRef && (f.referenceTo?.length ?? 0) > 1,
    nillable: f.nillable !== false && f.type !== 'boolean', permissionable: f.nillable !== false && f.custom === true,
    picklistValues: picklist ? schema.picklistValues(f).map((v) => ({
      active: v.active !== false, defaultValue: v.defaultValue === true, label: v.label ?? v.value, validFor: null, value: v.value,
    })) : [],
    polymorphicForeignKey: false,
    precision: ['double', 'currency', 'percent'].includes(f.type) ? (f.precision ?? 18) : 0,
    queryByDistance: false, referenceTargetField: null, referenceTo: f.type === 'reference' ? (f.referenceTo ?? []) : [],
    relationshipName: f.type === 'reference' ? (f.relationshipName ?? null) : null, relationshipOrder: null,
    restrictedDelete: false, restrictedPicklist: picklist && f.restrictedPicklist === true,
    scale: ['double', 'currency', 'percent'].includes(f.type) ? (f.scale ?? 0) : 0, searchPrefilterable: writableRef,
    soapType: SOAP_TYPES[f.type], sortable: !longText && f.type !== 'multipicklist', type: f.type,
    unique: f.unique === true, updateable: f.updateable !== false && f.calculated !== true,
    writeRequiresMasterRead: false,
  };
}

export function describeSObject(schema: SchemaRegistry, s: SObjectSchema, base: string): Record<string, unknown> {
  const children = schema.childReferences(s.name).filter((c) => c.field.childRelationshipName || c.field.custom);
  return {
    ...globalEntry(s, base),
    actionOverrides: [], childRelationships: children.map((c) => ({
      cascadeDelete: false, childSObject: c.sobject.name, deprecatedAndHidden: false, field: c.field.name,
      junctionIdListNames: [], junctionReferenceTo: [], relationshipName: c.field.childRelationshipName ?? null,
      restrictedDelete: false,
    })),
    compactLayoutable: true, defaultImplementation: null, extendedBy: null, extendsInterfaces: null,
    fields: s.fields.map((f) => describeField(schema, s, f)), implementedBy: null, implementsInterfaces: null,
    listviewable: null, lookupLayoutable: null, namedLayoutInfos: [], networkScopeFieldName: null,
    recordTypeInfos: [], searchLayoutable: true, sobjectDescribeOptions: {}, supportedScopes: [
      { label: 'All', name: 'everything' }, { label: 'My', name: 'mine' },
    ],
    urls: urls(base, s.name),
  };
}
