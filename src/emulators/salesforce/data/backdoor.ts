// Writes that bypass the API: test seeding and "a user edited this in the UI". They check field names and value
// types (so typos fail loudly) but not required fields, picklists or validation rules, they never count as API
// calls, and they stay out of the write log (which records what the client wrote).
import { normalizeId } from '../ids.ts';
import type { Org } from '../org.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import type { FieldDef } from '../types.ts';
import type { Dml } from './dml.ts';
import { derive } from './dml.ts';
import { DELETED_AT, uniqueKey } from './store.ts';
import { bindLoose } from './values.ts';
import type { Row, Value } from './values.ts';

export function objectOrThrow(org: Org, name: string): SObjectSchema {
  const s = org.schema.object(name);
  if (!s) throw new Error(`salesforce emulator: unknown sObject '${name}'`);
  return s;
}

function fieldOrThrow(s: SObjectSchema, name: string): FieldDef {
  const f = s.field(name);
  if (!f) {
    throw new Error(`salesforce emulator: no field ${s.name}.${name}; custom fields must be created first (Metadata API or addField)`);
  }
  return f;
}

function bindValue(f: FieldDef, raw: unknown, s: SObjectSchema): Value {
  let v: Value;
  try {
    v = bindLoose(f, raw);
  } catch (e) {
    throw new Error(`salesforce emulator: bad value for ${s.name}.${f.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if ((f.type === 'reference' || f.type === 'id') && typeof v === 'string') {
    const id = normalizeId(v);
    if (!id) throw new Error(`salesforce emulator: ${s.name}.${f.name} is not an id: ${v}`);
    return id;
  }
  return v;
}

function assertUnique(org: Org, s: SObjectSchema, id: string, row: Row): void {
  if (row.IsDeleted === true) return;
  const table = org.store.table(s);
  for (const f of s.uniqueFields().filter((u) => u.unique === true)) {
    const holder = table.lookupAll(f.name, row[f.name]).find((other) => other !== id);
    if (holder !== undefined) {
      throw new Error(`salesforce emulator: duplicate value for ${s.name}.${f.name} (${String(uniqueKey(row[f.name]))}) already on ${holder}`);
    }
  }
}

export function seedRecords(org: Org, dml: Dml, sobject: string, records: Array<Record<string, unknown>>): string[] {
  const s = objectOrThrow(org, sobject);
  const table = org.store.table(s);
  const owner = org.users[0]?.id ?? '';
  return records.map((rec) => {
    const row = dml.defaults(s, owner, org.stampMs());
    const changed = new Map<string, Value>();
    for (const [key, raw] of Object.entries(rec)) {
      if (key === 'attributes') continue;
      const f = fieldOrThrow(s, key);
      const v = bindValue(f, raw, s);
      if (f.name === 'Id') {
        if (typeof v !== 'string' || v.slice(0, 3) !== s.keyPrefix || table.rows.has(v)) {
          throw new Error(`salesforce emulator: cannot seed ${s.name} with Id ${String(raw)}`);
        }
      }
      row[f.name] = v;
      changed.set(f.name, v);
    }
    derive(org, s, row, changed, true);
    if (row.IsDeleted === true) row[DELETED_AT] = Number(row.SystemModstamp);
    const id = String(row.Id);
    assertUnique(org, s, id, row);
    org.store.put(table, id, row);
    return id;
  });
}

function existingRow(org: Org, s: SObjectSchema, rawId: string): { id: string; row: Row } {
  const id = normalizeId(rawId);
  const row = id ? org.store.table(s).rows.get(id) : undefined;
  if (!id || !row) throw new Error(`salesforce emulator: no ${s.name} with Id ${rawId}`);
  return { id, row };
}

export function userEdit(org: Org, sobject: string, rawId: string, fields: Record<string, unknown>): void {
  const s = objectOrThrow(org, sobject);
  const { id, row: prev } = existingRow(org, s, rawId);
  const now = org.stampMs();
  const row: Row = { ...prev, LastModifiedDate: now, SystemModstamp: now };
  const changed = new Map<string, Value>();
  for (const [key, raw] of Object.entries(fields)) {
    const f = fieldOrThrow(s, key);
    if (f.name === 'Id') continue;
    const v = bindValue(f, raw, s);
    row[f.name] = v;
    changed.set(f.name, v);
  }
  derive(org, s, row, changed, false);
  if (row.IsDeleted === true && prev.IsDeleted !== true) row[DELETED_AT] = Number(row.SystemModstamp);
  assertUnique(org, s, id, row);
  org.store.put(org.store.table(s), id, row);
}

export function userDelete(org: Org, sobject: string, rawId: string, mergedInto: string | undefined): void {
  const s = objectOrThrow(org, sobject);
  const { id, row } = existingRow(org, s, rawId);
  const now = org.stampMs();
  const master = mergedInto === undefined ? null : normalizeId(mergedInto) ?? null;
  if (mergedInto !== undefined && !master) throw new Error(`salesforce emulator: mergedInto is not an id: ${mergedInto}`);
  const next: Row = { ...row, IsDeleted: true, LastModifiedDate: now, SystemModstamp: now, [DELETED_AT]: now };
  if (master && s.field('MasterRecordId')) next.MasterRecordId = master;
  org.store.put(org.store.table(s), id, next);
}
