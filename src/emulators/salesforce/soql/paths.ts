// Field paths in SOQL (Name, Account.Name, Owner.Email, Partner__r.Tier__c) resolved against the schema, plus
// the error format the query endpoint uses: the query, a caret under the offending token, its row and column.
import { ApiError } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import type { FieldDef } from '../types.ts';
import type { Row, Value } from '../data/values.ts';

export interface ResolvedPath {
  /** Reference fields walked through, each with the object it points at. */
  hops: Array<{ ref: FieldDef; target: SObjectSchema }>;
  field: FieldDef;
  /** Canonical spelling for output keys (Account.Name). */
  names: string[];
}

/** Builds a SOQL error whose message points at `token` in `soql`, like the real query endpoint does. */
export function soqlError(soql: string, token: string, errorCode: string, message: string): ApiError {
  const lower = soql.toLowerCase();
  const re = new RegExp(`(^|[^A-Za-z0-9_.])${token.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const m = re.exec(lower);
  const at = m ? m.index + (m[1] ?? '').length : 0;
  const before = soql.slice(0, at).split('\n');
  const row = before.length;
  const col = (before[before.length - 1] ?? '').length + 1;
  const line = soql.split('\n')[row - 1] ?? soql;
  return new ApiError(400, errorCode, `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${message}`);
}

export function noSuchColumn(soql: string, token: string, sobject: string): ApiError {
  return soqlError(soql, token, 'INVALID_FIELD', `No such column '${token.split('.').pop() ?? token}' on entity '${sobject}'. ` +
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
    'Please reference your WSDL or the describe call for the appropriate names.');
}

export function resolveObject(org: Org, soql: string, name: string): SObjectSchema {
  const s = org.schema.object(name);
  if (!s) {
    throw soqlError(soql, name, 'INVALID_TYPE', `sObject type '${name}' is not supported. If you are attempting to use a ` +
      "custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe " +
      'call for the appropriate names.');
  }
  return s;
}

/** Resolves `Account.Owner.Email` from `from`. Accepts an optional leading object name (Lead.Email on Lead). */
export function resolvePath(org: Org, soql: string, from: SObjectSchema, path: string): ResolvedPath {
  let parts = path.split('.');
  if (parts.length > 1 && parts[0]?.toLowerCase() === from.name.toLowerCase() && !from.relationship(parts[0])) {
    parts = parts.slice(1);
  }
  const hops: ResolvedPath['hops'] = [];
  const names: string[] = [];
  let current = from;
  for (let i = 0; i < parts.length - 1; i++) {
    const rel = parts[i] ?? '';
    const ref = current.relationship(rel);
    const targetName = ref?.referenceTo?.[0];
    const target = targetName ? org.schema.object(targetName) : undefined;
    if (!ref || !target) {
      throw soqlError(soql, path, 'INVALID_FIELD', `Didn't understand relationship '${rel}' in field path. If you are ` +
        "attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. " +
        'Please reference your WSDL or the describe call for the appropriate names.');
    }
    hops.push({ ref, target });
    names.push(ref.relationshipName ?? rel);
    current = target;
  }
  const last = parts[parts.length - 1] ?? '';
  const field = current.field(last);
  if (!field) throw noSuchColumn(soql, path, current.name);
  names.push(field.name);
  return { hops, field, names };
}

/** A getter for the path's value on a row (null when any hop is empty or dangling). */
export function pathGetter(org: Org, p: ResolvedPath): (row: Row) => Value {
  const fieldName = p.field.name;
  if (p.hops.length === 0) return (row) => row[fieldName] ?? null;
  return (row) => {
    let cur: Row | undefined = row;
    for (const h of p.hops) {
      const id: Value | undefined = cur[h.ref.name];
      if (typeof id !== 'string') return null;
      cur = org.store.get(id);
      if (!cur) return null;
    }
    return cur[fieldName] ?? null;
  };
}
