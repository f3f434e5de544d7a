// Records per object type, unique-value indexes and the search index. Property maps are copy-on-write: a write
// installs a new Map, so the search index can keep showing the previous version until the indexing lag has passed
// (HubSpot's search "lags behind writes by seconds": a record written now is not found, or found with its old
// values, until it is indexed). https://developers.hubspot.com/docs/guides/api/crm/search#limitations
import type { ObjectType } from '../types.ts';

export interface Rec {
  type: ObjectType;
  id: string;
  num: number;
  /** Wire values (strings) of every set property, system ones included (hs_object_id, createdate, ...). */
  props: ReadonlyMap<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** Set on a merge loser: the id of the record it was merged into. */
  mergedInto?: string;
}

/** What search sees of a record: its id and the property map as of the last indexing. */
export interface Indexed {
  id: string;
  num: number;
  props: ReadonlyMap<string, string>;
}

interface Pending {
  id: string;
  snap: Indexed | null;
  at: number;
}

export class SearchIndex {
  readonly visible = new Map<string, Indexed>();
  private pending: Pending[] = [];
  private head = 0;
  /** Bumped whenever the visible set changes; cached query results are keyed by it. */
  generation = 0;

  /** Publishes a record version (null = gone) to become visible at `at`. */
  publish(id: string, snap: Indexed | null, at: number, now: number): void {
    if (at <= now && this.head === this.pending.length) {
      this.apply({ id, snap, at });
      return;
    }
    this.pending.push({ id, snap, at });
  }

  private apply(p: Pending): void {
    if (p.snap) this.visible.set(p.id, p.snap);
    else this.visible.delete(p.id);
    this.generation++;
  }

  /** Applies every pending version whose time has come (in write order, so a later version always wins). */
  catchUp(now: number): void {
    while (this.head < this.pending.length) {
      const p = this.pending[this.head];
      if (!p || p.at > now) break;
      this.apply(p);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }
}

export class Table {
  readonly rows = new Map<string, Rec>();
  /** property name → value → record id, for hasUniqueValue properties (and contact emails, lower-cased). */
  private readonly unique = new Map<string, Map<string, string>>();
  readonly search = new SearchIndex();
  /** Ids in numeric order for keyset paging of the list endpoint; rebuilt when a record is added. */
  private sorted: string[] | undefined;

  constructor(readonly type: ObjectType) {}

  sortedIds(): string[] {
    if (!this.sorted) this.sorted = [...this.rows.values()].sort((a, b) => a.num - b.num).map((r) => r.id);
    return this.sorted;
  }

  byId(id: string): Rec | undefined {
    return this.rows.get(id);
  }

  /** Follows merges: the live record an id now stands for (HubSpot answers reads of a merged id with the winner). */
  resolve(id: string): Rec | undefined {
    let rec = this.rows.get(id);
    for (let hops = 0; rec?.mergedInto !== undefined && hops < 50; hops++) rec = this.rows.get(rec.mergedInto);
    return rec;
  }

  records(): IterableIterator<Rec> {
    return this.rows.values();
  }

  private uniqueKey(prop: string, value: string): string {
    return prop === 'email' ? value.toLowerCase() : value;
  }

  lookupUnique(prop: string, value: string): string | undefined {
    return this.unique.get(prop)?.get(this.uniqueKey(prop, value));
  }

  /** Installs a record version and keeps the unique indexes in step (archived records release their values). */
  put(rec: Rec, uniqueProps: readonly string[]): void {
    const prev = this.rows.get(rec.id);
    if (!prev) this.sorted = undefined;
    for (const p of uniqueProps) {
      let idx = this.unique.get(p);
      if (!idx) {
        idx = new Map();
        this.unique.set(p, idx);
      }
      const old = prev && !prev.archived ? prev.props.get(p) : undefined;
      if (old !== undefined && idx.get(this.uniqueKey(p, old)) === rec.id) idx.delete(this.uniqueKey(p, old));
      const cur = rec.archived ? undefined : rec.props.get(p);
      if (cur !== undefined && cur !== '') idx.set(this.uniqueKey(p, cur), rec.id);
    }
    this.rows.set(rec.id, rec);
  }

  /** Rebuilds one unique index (after a property becomes unique). */
  indexUnique(prop: string): void {
    const idx = new Map<string, string>();
    for (const r of this.rows.values()) {
      const v = r.props.get(prop);
      if (!r.archived && v !== undefined && v !== '') idx.set(this.uniqueKey(prop, v), r.id);
    }
    this.unique.set(prop, idx);
  }
}

export class Store {
  private readonly tables = new Map<ObjectType, Table>();
  /** One id sequence for all objects: ids are numeric strings and never collide across types. */
  private nextId = 100_001;

  table(type: ObjectType): Table {
    let t = this.tables.get(type);
    if (!t) {
      t = new Table(type);
      this.tables.set(type, t);
    }
    return t;
  }

  newId(): string {
    return String(this.nextId++);
  }

  /** Keeps the sequence ahead of explicitly seeded ids. */
  reserve(id: string): void {
    const n = Number(id);
    if (Number.isSafeInteger(n) && n >= this.nextId) this.nextId = n + 1;
  }
}
