// The live property schema per object type: definitions, groups and their wire format
// (`/crm/v3/properties/{type}`). Writes to records are validated against it (see data/values.ts).
// https://developers.hubspot.com/docs/guides/api/crm/properties
import type { ObjectType, PropertyDef, PropertyGroupDef, PropertyOption } from '../types.ts';
import { defaultGroups, defaultProperties } from './default-properties.ts';
import { OBJECT_TYPES } from './object-types.ts';

/** Type ↔ fieldType pairs HubSpot accepts. https://developers.hubspot.com/docs/guides/api/crm/properties#property-type-and-fieldtype-values */
export const FIELD_TYPES: Record<PropertyDef['type'], ReadonlyArray<PropertyDef['fieldType']>> = {
  string: ['text', 'textarea', 'html', 'phonenumber', 'file'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  bool: ['booleancheckbox', 'calculation_equation'],
  phone_number: ['phonenumber'],
};

interface Stored {
  def: PropertyDef;
  createdAt: number;
  updatedAt: number;
}

interface StoredGroup {
  def: PropertyGroupDef;
}

export class Schema {
  private readonly props = new Map<ObjectType, Map<string, Stored>>();
  private readonly groups = new Map<ObjectType, Map<string, StoredGroup>>();

  /**
   * `dynamicOptions` supplies options kept elsewhere (deal `pipeline` / `dealstage` list the pipelines API's ids),
   * so the property API shows them like HubSpot does.
   */
  constructor(private readonly now: () => number, private readonly dynamicOptions: (type: ObjectType, name: string) => PropertyOption[] | undefined = () => undefined) {
    const t0 = now();
    for (const type of OBJECT_TYPES) {
      this.props.set(type, new Map(defaultProperties(type).map((d) => [d.name, { def: d, createdAt: t0, updatedAt: t0 }])));
      this.groups.set(type, new Map(defaultGroups(type).map((g) => [g.name, { def: g }])));
    }
  }

  private table(type: ObjectType): Map<string, Stored> {
    const t = this.props.get(type);
    if (!t) throw new Error(`hubspot emulator: no schema for ${type}`);
    return t;
  }

  private groupTable(type: ObjectType): Map<string, StoredGroup> {
    const g = this.groups.get(type);
    if (!g) throw new Error(`hubspot emulator: no groups for ${type}`);
    return g;
  }

  get(type: ObjectType, name: string): PropertyDef | undefined {
    return this.table(type).get(name)?.def;
  }

  list(type: ObjectType): PropertyDef[] {
    return [...this.table(type).values()].map((s) => s.def);
  }

  uniqueNames(type: ObjectType): string[] {
    return this.list(type).filter((d) => d.hasUniqueValue === true).map((d) => d.name);
  }

  /** Adds a property (used by the back door and by POST /crm/v3/properties/{type} after validation). */
  add(type: ObjectType, def: PropertyDef): PropertyDef {
    const t = this.table(type);
    if (t.has(def.name)) throw new Error(`hubspot emulator: property ${type}.${def.name} already exists`);
    const allowed = FIELD_TYPES[def.type];
    if (!allowed.includes(def.fieldType)) {
      throw new Error(`hubspot emulator: fieldType '${def.fieldType}' does not fit type '${def.type}'`);
    }
    const stored: PropertyDef = {
      groupName: this.groupTable(type).keys().next().value ?? 'contactinformation',
      displayOrder: -1,
      hubspotDefined: false,
      ...structuredClone(def),
    };
    if (stored.type === 'bool' && !stored.options) stored.options = [{ label: 'Yes', value: 'true', displayOrder: 0, hidden: false }, { label: 'No', value: 'false', displayOrder: 1, hidden: false }];
    const ts = this.now();
    t.set(def.name, { def: stored, createdAt: ts, updatedAt: ts });
    return stored;
  }

  update(type: ObjectType, name: string, patch: Partial<PropertyDef>): PropertyDef {
    const s = this.table(type).get(name);
    if (!s) throw new Error(`hubspot emulator: no property ${type}.${name}`);
    s.def = { ...s.def, ...structuredClone(patch), name: s.def.name };
    s.updatedAt = this.now();
    return s.def;
  }

  remove(type: ObjectType, name: string): void {
    this.table(type).delete(name);
  }

  group(type: ObjectType, name: string): PropertyGroupDef | undefined {
    return this.groupTable(type).get(name)?.def;
  }

  groupList(type: ObjectType): PropertyGroupDef[] {
    return [...this.groupTable(type).values()].map((g) => g.def);
  }

  putGroup(type: ObjectType, def: PropertyGroupDef): PropertyGroupDef {
    const g = { displayOrder: -1, ...def };
    this.groupTable(type).set(def.name, { def: g });
    return g;
  }

  removeGroup(type: ObjectType, name: string): void {
    this.groupTable(type).delete(name);
  }

  /** The Property JSON of /crm/v3/properties. */
  toWire(type: ObjectType, name: string): Record<string, unknown> | undefined {
    const s = this.table(type).get(name);
    if (!s) return undefined;
    const d = s.def;
    const readOnly = d.readOnlyValue === true;
    return {
      updatedAt: new Date(s.updatedAt).toISOString(),
      createdAt: new Date(s.createdAt).toISOString(),
      name: d.name,
      label: d.label ?? d.name,
      type: d.type,
      fieldType: d.fieldType,
      description: d.description ?? '',
      groupName: d.groupName ?? '',
      options: (this.dynamicOptions(type, d.name) ?? d.options ?? []).map((o, i) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false, ...(o.description !== undefined ? { description: o.description } : {}) })),
      displayOrder: d.displayOrder ?? -1,
      calculated: d.calculated ?? false,
      externalOptions: d.externalOptions ?? false,
      hasUniqueValue: d.hasUniqueValue ?? false,
      hidden: d.hidden ?? false,
      hubspotDefined: d.hubspotDefined ?? false,
      modificationMetadata: { archivable: !(d.hubspotDefined ?? false), readOnlyDefinition: d.readOnlyDefinition ?? false, readOnlyValue: readOnly },
      formField: d.formField ?? !readOnly,
      dataSensitivity: 'non_sensitive',
    };
  }

  groupToWire(def: PropertyGroupDef): Record<string, unknown> {
    return { name: def.name, label: def.label, displayOrder: def.displayOrder ?? -1, archived: false };
  }
}
