// Record writes with Salesforce's save order: bind JSON → field checks → required fields → validation rules →
// unique indexes, then store, bump the audit fields (second precision) and append to the write log.
// Order of execution: https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_triggers_order_of_execution.htm
import { normalizeId } from '../ids.ts';
import type { ErrorItem } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import type { FieldDef, WriteOp } from '../types.ts';
import { DELETED_AT } from './store.ts';
import { checkValue, missingRequired, noSuchField, notWritable } from './validate.ts';
import { bindJson, rowToWire, scalarText, toWire } from './values.ts';
import type { Row, Value } from './values.ts';

export type SaveResult =
  | { success: true; id: string; created: boolean }
  | { success: false; errors: ErrorItem[]; missing?: 'malformed' | 'missing' | 'deleted' | 'wrongType'; multiple?: string[] };

export type SaveFailure = Extract<SaveResult, { success: false }>;

export interface WriteOpts {
  userId: string;
  /** An injected per-record failure (fault rule recordError). */
  injected?: ErrorItem | undefined;
}

interface Bound {
  values: Map<string, Value>;
  unknown: string[];
}

const failed = (...errors: ErrorItem[]): SaveResult => ({ success: false, errors });

/** Binds a JSON record to fields (case-insensitive names). Throws JsonParserError for unbindable values. */
export function bindBody(sobject: SObjectSchema, body: Record<string, unknown>, skip: string[] = []): Bound {
  const values = new Map<string, Value>();
  const unknown: string[] = [];
  const skipped = new Set(['attributes', ...skip.map((s) => s.toLowerCase())]);
  for (const [key, raw] of Object.entries(body)) {
    if (skipped.has(key.toLowerCase())) continue;
    const f = sobject.field(key);
    if (!f) {
      unknown.push(key);
      continue;
    }
    values.set(f.name, bindJson(f, raw));
  }
  return { values, unknown };
}

export class Dml {
  constructor(private readonly org: Org) {}

  /** Resolves a client id to a live or deleted row of `sobject`. */
  locate(sobject: SObjectSchema, rawId: string): { id: string; row: Row } | SaveFailure {
    const id = normalizeId(rawId);
    if (!id) return { success: false, errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${rawId}`, fields: [] }], missing: 'malformed' };
    if (id.slice(0, 3) !== sobject.keyPrefix) {
      return { success: false, missing: 'wrongType',
        errors: [{ statusCode: 'MALFORMED_ID', message: `${sobject.label} ID: id value of incorrect type: ${rawId}`, fields: ['Id'] }] };
    }
    const row = this.org.store.table(sobject).rows.get(id);
    if (!row) return { success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }], missing: 'missing' };
    if (row.IsDeleted === true) return { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }], missing: 'deleted' };
    return { id, row };
  }

  create(sobject: SObjectSchema, body: Record<string, unknown>, opts: WriteOpts, op: WriteOp = 'create'): SaveResult {
    const b = bindBody(sobject, body);
    if (b.unknown[0] !== undefined) return failed(noSuchField(sobject.name, b.unknown[0]));
    const readOnly = [...b.values.keys()].filter((n) => sobject.field(n)?.createable === false);
    if (readOnly.length > 0) return failed(notWritable(readOnly));
    const now = this.org.stampMs();
    const row: Row = this.defaults(sobject, opts.userId, now);
    return this.save(sobject, undefined, row, b.values, opts, op);
  }

  update(sobject: SObjectSchema, rawId: string, body: Record<string, unknown>, opts: WriteOpts, op: WriteOp = 'update'): SaveResult {
    const found = this.locate(sobject, rawId);
    if ('success' in found) return found;
    if (sobject.name === 'Lead' && found.row.IsConverted === true) {
      // https://help.salesforce.com/s/articleView?id=000384333 — converted leads are read-only.
      return failed({ statusCode: 'CANNOT_UPDATE_CONVERTED_LEAD', message: 'cannot reference converted lead', fields: [] });
    }
    const b = bindBody(sobject, body, ['Id']);
    if (b.unknown[0] !== undefined) return failed(noSuchField(sobject.name, b.unknown[0]));
    const readOnly = [...b.values.keys()].filter((n) => sobject.field(n)?.updateable === false);
    if (readOnly.length > 0) return failed(notWritable(readOnly));
    const now = this.org.stampMs();
    const row: Row = { ...found.row, LastModifiedDate: now, SystemModstamp: now, LastModifiedById: opts.userId };
    return this.save(sobject, found.id, row, b.values, opts, op);
  }

  /** Upsert on an external id (or Id) field: update the single live match, else insert. */
  upsert(sobject: SObjectSchema, extField: FieldDef, extValue: unknown, body: Record<string, unknown>, opts: WriteOpts): SaveResult {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) if (k.toLowerCase() !== extField.name.toLowerCase()) rest[k] = v;
    if (extField.name === 'Id') {
      if (extValue === null || extValue === undefined || extValue === '') return this.create(sobject, rest, opts, 'upsert');
      return this.withCreated(this.update(sobject, scalarText(extValue), rest, opts, 'upsert'), false);
    }
    const checked = checkValue(this.org, extField, bindJson(extField, extValue));
    if (!checked.ok) return failed(checked.error);
    if (checked.value === null) {
      return failed({ statusCode: 'MISSING_ARGUMENT', message: `${extField.name} not specified`, fields: [] });
    }
    const matches = this.org.store.table(sobject).lookupAll(extField.name, checked.value);
    if (matches.length > 1) {
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm (300 Multiple Choices)
      return { success: false, multiple: matches, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID',
        message: `${extField.label ?? extField.name}: more than one record found for external id field: [${matches.join(', ')}]`, fields: [] }] };
    }
    const existing = matches[0];
    if (existing) return this.withCreated(this.update(sobject, existing, rest, opts, 'upsert'), false);
    return this.withCreated(this.create(sobject, { ...rest, [extField.name]: extValue }, opts, 'upsert'), true);
  }

  remove(sobject: SObjectSchema, rawId: string, opts: WriteOpts): SaveResult {
    const found = this.locate(sobject, rawId);
    if ('success' in found) return found;
    if (opts.injected) return failed(opts.injected);
    const now = this.org.stampMs();
    const row: Row = { ...found.row, IsDeleted: true, SystemModstamp: now, LastModifiedDate: now,
      LastModifiedById: opts.userId, [DELETED_AT]: now };
    this.org.store.put(this.org.store.table(sobject), found.id, row);
    this.org.store.log({ at: new Date(now).toISOString(), op: 'delete', sobject: sobject.name, id: found.id, fields: {} });
    return { success: true, id: found.id, created: false };
  }

  private withCreated(r: SaveResult, created: boolean): SaveResult {
    return r.success ? { ...r, created } : r;
  }

  /** A new row with system fields, checkbox defaults and picklist defaults. */
  defaults(sobject: SObjectSchema, userId: string, now: number): Row {
    const row: Row = {};
    for (const f of sobject.fields) {
      if (f.type === 'boolean') row[f.name] = typeof f.defaultValue === 'boolean' ? f.defaultValue : false;
      else if (f.defaultValue !== undefined) row[f.name] = f.defaultValue;
      else if (f.type === 'picklist') {
        const d = this.org.schema.picklistValues(f).find((v) => v.defaultValue === true && v.active !== false);
        row[f.name] = d ? d.value : null;
      } else row[f.name] = null;
    }
    Object.assign(row, {
      Id: this.org.ids.next(sobject.keyPrefix), IsDeleted: false, CreatedDate: now, LastModifiedDate: now,
      SystemModstamp: now, CreatedById: userId, LastModifiedById: userId,
    });
    if (sobject.field('OwnerId')) row.OwnerId = userId;
    return row;
  }

  private save(sobject: SObjectSchema, existingId: string | undefined, row: Row, values: Map<string, Value>,
    opts: WriteOpts, op: WriteOp): SaveResult {
    const errors: ErrorItem[] = [];
    const logged: Record<string, unknown> = {};
    for (const [name, value] of values) {
      const f = sobject.field(name);
      if (!f) continue;
      const c = checkValue(this.org, f, value);
      if (!c.ok) errors.push(c.error);
      else {
        row[name] = c.value;
        logged[name] = toWire(f.type, c.value);
      }
    }
    if (errors.length > 0) return failed(...errors);
    derive(this.org, sobject, row, values, existingId === undefined);
    // After defaults, any non-nillable field left empty is missing (e.g. Lead.Status explicitly set to null).
    const missing = sobject.fields.filter((f) => f.nillable === false && f.type !== 'boolean' && f.calculated !== true
      && (row[f.name] === null || row[f.name] === undefined));
    if (missing.length > 0) return failed(missingRequired(missing.map((f) => f.name)));
    const id = String(row.Id);
    const wire = rowToWire(sobject.fields, row);
    for (const rule of sobject.rules) {
      if (rule.when(wire)) return failed({ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: rule.message, fields: rule.fields ?? [] });
    }
    const table = this.org.store.table(sobject);
    for (const f of sobject.uniqueFields().filter((u) => u.unique === true)) {
      const holder = table.lookupAll(f.name, row[f.name]).find((other) => other !== id);
      if (holder !== undefined) {
        return failed({ statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: ${f.name} duplicates value on record with id: ${holder}`, fields: [] });
      }
    }
    if (opts.injected) return failed(opts.injected);
    this.org.store.put(table, id, row);
    this.org.store.log({ at: new Date(Number(row.SystemModstamp)).toISOString(), op, sobject: sobject.name, id, fields: logged,
      ...(op === 'upsert' ? { created: existingId === undefined } : {}) });
    return { success: true, id, created: existingId === undefined };
  }
}

/** Fields Salesforce maintains itself: compound Name, and Opportunity's stage-driven IsClosed/IsWon/Probability. */
export function derive(org: Org, sobject: SObjectSchema, row: Row, changed: ReadonlyMap<string, Value>, isCreate: boolean): void {
  const name = sobject.field('Name');
  if (name?.calculated && sobject.field('LastName')) {
    row.Name = [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ') || null;
  }
  if (sobject.name === 'Opportunity' && (isCreate || changed.has('StageName'))) {
    const stageField = sobject.field('StageName');
    const stage = stageField ? org.schema.picklistValues(stageField).find((v) => v.value === row.StageName) : undefined;
    if (stage) {
      row.IsClosed = stage.closed === true;
      row.IsWon = stage.won === true;
      if (!changed.has('Probability') && stage.probability !== undefined) row.Probability = stage.probability;
    }
  }
}
