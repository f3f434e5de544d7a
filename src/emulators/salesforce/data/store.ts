// In-memory record storage: one table per sObject (insertion-ordered Map by Id), unique indexes for external-id
// and unique fields, and an undo journal so allOrNone requests can roll back. Rows are immutable: every write
// stores a new object, so undo only needs the previous reference.
import type { WriteLogEntry } from '../types.ts';
import type { SchemaRegistry, SObjectSchema } from '../schema/registry.ts';
import type { Row, Value } from './values.ts';

/** Internal, non-field key on a row: when it was deleted (epoch ms). Field names never start with '_'. */
export const DELETED_AT = '_deletedAt';

export class Table {
  readonly rows = new Map<string, Row>();
  /**
   * field name → normalised value → record ids (live rows only), for External ID and Unique fields. An External ID
   * field is not unique unless it is also marked Unique, so a value can map to several records.
   */
  readonly keyed = new Map<string, Map<string, Set<string>>>();

  constructor(readonly schema: SObjectSchema) {
    this.rebuildIndexes();
  }

  rebuildIndexes(): void {
    this.keyed.clear();
    for (const f of this.schema.uniqueFields()) this.keyed.set(f.name, new Map());
    for (const [id, row] of this.rows) this.index(id, row, true);
  }

  index(id: string, row: Row, add: boolean): void {
    if (row.IsDeleted === true) return;
    for (const [field, idx] of this.keyed) {
      const key = uniqueKey(row[field]);
      if (key === undefined) continue;
      let ids = idx.get(key);
      if (add) {
        if (!ids) idx.set(key, (ids = new Set()));
        ids.add(id);
      } else if (ids) {
        ids.delete(id);
        if (ids.size === 0) idx.delete(key);
      }
    }
  }

  /** Live records holding `value` in an External ID / Unique field, in insertion order. */
  lookupAll(field: string, value: Value | undefined): string[] {
    const key = uniqueKey(value);
    const ids = key === undefined ? undefined : this.keyed.get(field)?.get(key);
    return ids ? [...ids] : [];
  }

  /** The first live record holding `value` in an External ID / Unique field, if any. */
  lookupUnique(field: string, value: Value | undefined): string | undefined {
    return this.lookupAll(field, value)[0];
  }
}

/** Text external ids are case-insensitive unless marked case-sensitive, which the emulator does not model. */
export function uniqueKey(v: Value | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v.toLowerCase() : String(v);
}

/** A (possibly nested) transaction: rolling it back undoes exactly the writes made since it began. */
export interface Savepoint {
  readonly undoMark: number;
  readonly logMark: number;
  readonly changeMark: number;
  readonly outer: boolean;
  done: boolean;
}

/** One committed row write, as change-event publishers (cometd.ts) see it: the previous and the new version. */
export interface RowChange {
  readonly sobject: string;
  readonly id: string;
  readonly prev: Row | undefined;
  readonly row: Row;
}

export class Store {
  /** Told about each committed transaction's row writes, in order (rolled-back writes are never reported). */
  private readonly watchers: Array<(changes: readonly RowChange[]) => void> = [];
  private pendingChanges: RowChange[] = [];
  private readonly tables = new Map<string, Table>();
  private readonly byPrefix = new Map<string, Table>();
  readonly writeLog: WriteLogEntry[] = [];
  private undo: Array<() => void> = [];
  private pendingLog: WriteLogEntry[] = [];
  private depth = 0;

  constructor(private readonly schema: SchemaRegistry) {}

  table(sobject: SObjectSchema): Table {
    let t = this.tables.get(sobject.name);
    if (!t) {
      t = new Table(sobject);
      this.tables.set(sobject.name, t);
      this.byPrefix.set(sobject.keyPrefix, t);
    }
    return t;
  }

  /** The table owning an id, found by key prefix. */
  tableForId(id: string): Table | undefined {
    const t = this.byPrefix.get(id.slice(0, 3));
    if (t) return t;
    const s = this.schema.objectByKeyPrefix(id.slice(0, 3));
    return s ? this.table(s) : undefined;
  }

  get(id: string): Row | undefined {
    return this.tableForId(id)?.rows.get(id);
  }

  /**
   * Opens a transaction (nested ones are savepoints). Handlers run synchronously between begin and
   * commit/rollback, so concurrent HTTP requests never interleave inside one.
   */
  begin(): Savepoint {
    const sp = { undoMark: this.undo.length, logMark: this.pendingLog.length, changeMark: this.pendingChanges.length, outer: this.depth === 0, done: false };
    this.depth++;
    return sp;
  }

  commit(sp: Savepoint): void {
    if (sp.done) return;
    sp.done = true;
    this.depth--;
    if (sp.outer) {
      this.writeLog.push(...this.pendingLog);
      this.pendingLog = [];
      this.undo = [];
      const changes = this.pendingChanges;
      this.pendingChanges = [];
      this.emit(changes);
    }
  }

  /** Subscribe to committed row writes (one call per transaction; a write outside a transaction is its own). */
  watch(fn: (changes: readonly RowChange[]) => void): void {
    this.watchers.push(fn);
  }

  private emit(changes: readonly RowChange[]): void {
    if (changes.length === 0) return;
    for (const w of this.watchers) w(changes);
  }

  rollback(sp: Savepoint): void {
    if (sp.done) return;
    sp.done = true;
    this.depth--;
    for (let i = this.undo.length - 1; i >= sp.undoMark; i--) this.undo[i]?.();
    this.undo.length = sp.undoMark;
    this.pendingLog.length = sp.logMark;
    this.pendingChanges.length = sp.changeMark;
  }

  log(entry: WriteLogEntry): void {
    if (this.depth > 0) this.pendingLog.push(entry);
    else this.writeLog.push(entry);
  }

  /** Stores `row` under `id`, replacing any previous version, keeping indexes and the undo journal in step. */
  put(table: Table, id: string, row: Row): void {
    const prev = table.rows.get(id);
    if (prev) table.index(id, prev, false);
    table.rows.set(id, row);
    table.index(id, row, true);
    const change: RowChange = { sobject: table.schema.name, id, prev, row };
    if (this.depth > 0) this.pendingChanges.push(change);
    else this.emit([change]);
    if (this.depth > 0) {
      this.undo.push(() => {
        table.index(id, row, false);
        if (prev) {
          table.rows.set(id, prev);
          table.index(id, prev, true);
        } else {
          table.rows.delete(id);
        }
      });
    }
  }
}
