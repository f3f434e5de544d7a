// The test back door: seed records (explicit createdate / hs_lastmodifieddate allowed, many records may share one
// stamp), edit them as a HubSpot user would (subject to the search lag) and archive or merge them. No write log, no
// rate limits, no call accounting.
import type { Account } from '../account.ts';
import type { HubSpotError } from '../http/errors.ts';
import type { ObjectType, SeedValue } from '../types.ts';
import { mergeInto } from './merge.ts';
import { nextVersion, prepare, uniqueConflict } from './writes.ts';
import { toEpochMs } from './values.ts';
import type { Rec } from './store.ts';

/** Readable problems of a rejected back-door write (the property issues, not the JSON of the API message). */
function problems(e: HubSpotError): string {
  return (e.errors ?? []).map((d) => d.message).join('; ') || e.message;
}

const STAMPS = new Set(['createdate', 'hs_lastmodifieddate', 'lastmodifieddate', 'hs_object_id']);

function stampOf(name: string, raw: SeedValue | undefined): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const ms = toEpochMs(raw);
  if (ms === undefined) throw new Error(`hubspot emulator: ${name} must be epoch ms, ISO-8601 or a Date, got ${String(raw)}`);
  return ms;
}

function split(record: Record<string, SeedValue>): { props: Record<string, SeedValue>; created?: number; modified?: number; id?: string } {
  const props: Record<string, SeedValue> = {};
  for (const [k, v] of Object.entries(record)) if (!STAMPS.has(k)) props[k] = v;
  const created = stampOf('createdate', record.createdate);
  const modified = stampOf('hs_lastmodifieddate', record.hs_lastmodifieddate) ?? stampOf('lastmodifieddate', record.lastmodifieddate);
  const rawId = record.hs_object_id;
  const id = rawId === undefined || rawId === null ? undefined : String(rawId);
  return { props, ...(created !== undefined ? { created } : {}), ...(modified !== undefined ? { modified } : {}), ...(id !== undefined ? { id } : {}) };
}

function live(acct: Account, type: ObjectType, id: string): Rec {
  const rec = acct.table(type).byId(id);
  if (!rec || rec.archived) throw new Error(`hubspot emulator: no live ${type} record with id ${id}`);
  return rec;
}

export function seedRecords(acct: Account, type: ObjectType, records: Array<Record<string, SeedValue>>, indexed: boolean): string[] {
  const ids: string[] = [];
  for (const record of records) {
    const { props, created, modified, id } = split(record);
    const p = prepare(acct, type, props, undefined, true);
    if ('error' in p) throw new Error(`hubspot emulator: seed ${type}: ${problems(p.error)}`);
    const conflict = uniqueConflict(acct, type, p.changes, undefined);
    if (conflict) throw new Error(`hubspot emulator: seed ${type}: ${conflict.message}`);
    if (id !== undefined) {
      if (!/^\d+$/.test(id)) throw new Error(`hubspot emulator: hs_object_id must be numeric, got ${id}`);
      if (acct.table(type).byId(id)) throw new Error(`hubspot emulator: ${type} ${id} already exists`);
      acct.store.reserve(id);
    }
    const createdAt = created ?? modified ?? acct.now();
    const rec = nextVersion(acct, type, undefined, p.changes, { createdAt, updatedAt: modified ?? createdAt, ...(id !== undefined ? { id } : {}) });
    acct.commit(rec, { indexed });
    ids.push(rec.id);
  }
  return ids;
}

export function editByUser(acct: Account, type: ObjectType, id: string, record: Record<string, SeedValue>): void {
  const prev = live(acct, type, id);
  const { props, modified } = split(record);
  const p = prepare(acct, type, props, prev, true);
  if ('error' in p) throw new Error(`hubspot emulator: update ${type} ${id}: ${problems(p.error)}`);
  const conflict = uniqueConflict(acct, type, p.changes, id);
  if (conflict) throw new Error(`hubspot emulator: update ${type} ${id}: ${conflict.message}`);
  acct.commit(nextVersion(acct, type, prev, p.changes, modified !== undefined ? { updatedAt: modified } : {}));
}

export function archiveByUser(acct: Account, type: ObjectType, id: string, mergedInto?: string): void {
  const prev = live(acct, type, id);
  if (mergedInto !== undefined) {
    if (mergedInto === id) throw new Error('hubspot emulator: a record cannot be merged into itself');
    mergeInto(acct, type, live(acct, type, mergedInto), prev);
    acct.writeLog.pop(); // a user merge, not a client write
    return;
  }
  acct.commit({ ...prev, archived: true, archivedAt: acct.now() });
}
