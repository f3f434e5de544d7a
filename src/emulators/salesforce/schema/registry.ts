// The org's live schema: standard objects, custom fields added at run time (Metadata API or addField), standard
// value sets and validation rules. Object and field names are case-insensitive everywhere in the API, so lookups
// go through lower-cased maps and answers use the canonical spelling.
import type { FieldDef, PicklistValueDef, SObjectDef, ValidationRule } from '../types.ts';

export class SObjectSchema {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly custom: boolean;
  readonly rules: ValidationRule[] = [];
  private ordered: FieldDef[];
  private readonly byLower = new Map<string, FieldDef>();
  private readonly byRelationship = new Map<string, FieldDef>();

  constructor(def: SObjectDef) {
    this.name = def.name;
    this.label = def.label;
    this.labelPlural = def.labelPlural;
    this.keyPrefix = def.keyPrefix;
    this.custom = def.custom ?? false;
    this.ordered = [];
    for (const f of def.fields) this.put(f);
  }

  get fields(): readonly FieldDef[] {
    return this.ordered;
  }

  field(name: string): FieldDef | undefined {
    return this.byLower.get(name.toLowerCase());
  }

  /** A reference field by its relationship name (Account, Owner, Partner__r). */
  relationship(name: string): FieldDef | undefined {
    return this.byRelationship.get(name.toLowerCase());
  }

  /** Adds or replaces a field (replacement keeps the field's position). */
  put(def: FieldDef): void {
    const key = def.name.toLowerCase();
    const existing = this.byLower.get(key);
    if (existing) {
      this.ordered = this.ordered.map((f) => (f === existing ? def : f));
      if (existing.relationshipName) this.byRelationship.delete(existing.relationshipName.toLowerCase());
    } else {
      this.ordered.push(def);
    }
    this.byLower.set(key, def);
    if (def.type === 'reference' && def.relationshipName) this.byRelationship.set(def.relationshipName.toLowerCase(), def);
  }

  remove(name: string): FieldDef | undefined {
    const existing = this.byLower.get(name.toLowerCase());
    if (!existing) return undefined;
    this.ordered = this.ordered.filter((f) => f !== existing);
    this.byLower.delete(name.toLowerCase());
    if (existing.relationshipName) this.byRelationship.delete(existing.relationshipName.toLowerCase());
    return existing;
  }

  /** Fields that hold a unique index (external ids and unique fields). */
  uniqueFields(): FieldDef[] {
    return this.ordered.filter((f) => f.externalId === true || f.unique === true);
  }
}

export class SchemaRegistry {
  private readonly objects = new Map<string, SObjectSchema>();
  private readonly byPrefix = new Map<string, SObjectSchema>();
  private readonly valueSets = new Map<string, PicklistValueDef[]>();
  /** Bumped on every schema change so callers can cache derived data. */
  revision = 0;

  constructor(defs: SObjectDef[], valueSets: Record<string, PicklistValueDef[]>) {
    for (const d of defs) this.addObject(d);
    for (const [name, values] of Object.entries(valueSets)) this.valueSets.set(name, values);
  }

  addObject(def: SObjectDef): SObjectSchema {
    const s = new SObjectSchema(def);
    this.objects.set(def.name.toLowerCase(), s);
    this.byPrefix.set(def.keyPrefix, s);
    this.revision++;
    return s;
  }

  object(name: string): SObjectSchema | undefined {
    return this.objects.get(name.toLowerCase());
  }

  objectByKeyPrefix(prefix: string): SObjectSchema | undefined {
    return this.byPrefix.get(prefix);
  }

  list(): SObjectSchema[] {
    return [...this.objects.values()];
  }

  putField(sobject: SObjectSchema, def: FieldDef): void {
    sobject.put(def);
    this.revision++;
  }

  removeField(sobject: SObjectSchema, name: string): FieldDef | undefined {
    const removed = sobject.remove(name);
    if (removed) this.revision++;
    return removed;
  }

  valueSetNames(): string[] {
    return [...this.valueSets.keys()];
  }

  valueSet(name: string): PicklistValueDef[] | undefined {
    for (const [k, v] of this.valueSets) if (k.toLowerCase() === name.toLowerCase()) return v;
    return undefined;
  }

  setValueSet(name: string, values: PicklistValueDef[]): void {
    this.valueSets.set(name, values);
    this.revision++;
  }

  /** The picklist values of a field: its standard value set, or its own list. */
  picklistValues(field: FieldDef): PicklistValueDef[] {
    if (field.valueSetName) return this.valueSet(field.valueSetName) ?? [];
    return field.picklistValues ?? [];
  }

  /** Fields in other objects that reference `target` (describe childRelationships). */
  childReferences(target: string): Array<{ sobject: SObjectSchema; field: FieldDef }> {
    const out: Array<{ sobject: SObjectSchema; field: FieldDef }> = [];
    for (const s of this.objects.values()) {
      for (const f of s.fields) {
        if (f.type === 'reference' && f.referenceTo?.includes(target)) out.push({ sobject: s, field: f });
      }
    }
    return out;
  }
}
