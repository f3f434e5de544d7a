// `leadrelay copy-store`: move a SQLite store into PostgreSQL, for teams that outgrow the default.
//
// - The source is read inside one read transaction (a WAL snapshot): rows written meanwhile by a daemon are
//   not half-copied, they are simply not copied. Stop the daemon and web servers first.
// - The target is migrated to the latest version, then filled inside ONE transaction: a failure anywhere
//   leaves it migrated but empty. A target that already holds rows is refused; `force` empties it first (same transaction).
// - Tables come from the source database itself (not a list in code), so tables added by later migrations are
//   copied too; both sides must be at the same migration version. They are filled in foreign-key order read
//   from PostgreSQL's catalog. A self-reference (partners.parent_id) may even form a cycle in CRM data, so
//   such columns are written after the whole table is in.
// - Ids are copied as they are; identity sequences are then moved past the largest id, so new rows never
//   collide with copied ones.
// - Row counts are compared per table before COMMIT; any difference aborts the copy.
import { existsSync } from 'node:fs';
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Engine } from './engine.ts';
import { migrateToLatest, migrationsFor } from './migrations/index.ts';
import { describePostgres, explainConnectError, isPostgresUrl, openPostgresEngine } from './postgres.ts';
import { checkSqliteFile, openSqliteEngine, sqliteFileOf } from './sqlite.ts';

export interface CopyStoreOptions {
  /** `sqlite:<path>` (relative to baseDir). */
  readonly from: string;
  /** `postgres://…` or `postgresql://…`. */
  readonly to: string;
  readonly baseDir?: string;
  /** Empty a non-empty target first (inside the copy's transaction). */
  readonly force?: boolean;
  /** Rows per INSERT (capped by PostgreSQL's 65535 parameters per statement). Default 1000. */
  readonly batchSize?: number;
  /** Progress lines (one per table copied). */
  readonly progress?: (line: string) => void;
}

export interface TableCopy { readonly table: string; readonly source: number; readonly target: number }
export interface CopyStoreResult { readonly tables: readonly TableCopy[]; readonly target: string }

// Untyped access: the tables are discovered at run time (later migrations add some).
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
type Row = Record<string, unknown>;

const SKIP = /^(kysely_|sqlite_)/;
const ident = (name: string): RawBuilder<unknown> => sql.id(name);

export async function copyStore(opts: CopyStoreOptions): Promise<CopyStoreResult> {
  if (isPostgresUrl(opts.from) || !opts.from.startsWith('sqlite:')) {
    throw new Error('copy-store --from must be a SQLite store (sqlite:<path>); to copy between PostgreSQL databases use pg_dump | pg_restore.');
  }
  if (!isPostgresUrl(opts.to)) throw new Error('copy-store --to must be a PostgreSQL url (postgres://user@host:5432/database).');
  const file = sqliteFileOf(opts.from, opts.baseDir);
  if (file === ':memory:') throw new Error('copy-store --from sqlite::memory: has nothing to copy: name the SQLite file.');
  if (!existsSync(file)) throw new Error(`copy-store: no SQLite database at ${file}.`);
  const problems = checkSqliteFile(file);
  if (problems.length > 0) throw new Error(`copy-store: ${file}: ${problems.join('; ')}`);
  const batchSize = opts.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`copy-store: batch size must be a positive integer (got ${batchSize}).`);

  const source = openSqliteEngine(file);
  const target = openPostgresEngine({ url: opts.to, poolSize: 2 });
  const where = describePostgres(opts.to);
  try {
    await requireLatest(source, `the source ${file}`, 'leadrelay migrate', 'with store.url pointing at it');
    try {
      await migrateToLatest(target.db, 'postgres');
    } catch (e) {
      throw explainConnectError(e, opts.to);
    }
    const tables = await sourceTables(source.db as unknown as AnyDb);
    const plan = await targetPlan(target.db as unknown as AnyDb, tables, where);
    // The source snapshot: a deferred read transaction on SQLite's one connection, held for the whole copy.
    return await source.db.connection().execute(async (src) => {
      await sql`begin`.execute(src);
      try {
        const tablesCopied = await (target.db as unknown as AnyDb).transaction().execute(async (trx) => {
          await requireEmpty(trx, plan.order, where, opts.force === true);
          const out: TableCopy[] = [];
          for (const table of plan.order) {
            const n = await copyTable(src as unknown as AnyDb, trx, table, plan, batchSize);
            const copied = await countRows(trx, table);
            if (copied !== n) throw new Error(`copy-store: table ${table}: ${n} rows read from the source but ${copied} in the target; nothing was committed.`);
            out.push({ table, source: n, target: copied });
            opts.progress?.(`${table}: ${n}`);
          }
          await resetIdentities(trx, plan.identities);
          return out;
        });
        return { tables: tablesCopied, target: where };
      } finally {
        await sql`rollback`.execute(src).catch(() => undefined);
      }
    });
  } finally {
    await source.db.destroy();
    await target.db.destroy();
  }
}

async function requireLatest(engine: Engine, what: string, fix: string, how: string): Promise<void> {
  const applied = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(engine.db)).rows.map((r) => r.name);
  const known = Object.keys(migrationsFor(engine.dialect)).sort();
  const unknown = applied.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`copy-store: ${what} has migrations this leadrelay does not know (${unknown.join(', ')}): use the leadrelay version that wrote it.`);
  const missing = known.filter((n) => !applied.includes(n));
  if (missing.length > 0) throw new Error(`copy-store: ${what} is not at the latest schema (missing ${missing.join(', ')}): run \`${fix}\` ${how} first.`);
}

interface SourceTable { readonly name: string; readonly columns: readonly string[] }

async function sourceTables(db: AnyDb): Promise<SourceTable[]> {
  const tables = await db.introspection.getTables();
  return tables.filter((t) => !t.isView && !SKIP.test(t.name)).map((t) => ({ name: t.name, columns: t.columns.map((c) => c.name) }));
}

interface Plan {
  /** Tables in foreign-key order (a table after every table it references). */
  readonly order: readonly string[];
  readonly columns: ReadonlyMap<string, readonly string[]>;
  /** Per table: columns referencing the same table, written after all its rows are in. */
  readonly selfRefs: ReadonlyMap<string, readonly string[]>;
  readonly primaryKeys: ReadonlyMap<string, readonly string[]>;
  readonly identities: ReadonlyArray<{ table: string; column: string }>;
}

/** Check that the target has the source's tables and columns, and order them by the target's foreign keys. */
async function targetPlan(db: AnyDb, tables: readonly SourceTable[], where: string): Promise<Plan> {
  const cols = (await sql<{ table_name: string; column_name: string; is_identity: string }>`
    select table_name, column_name, is_identity from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db)).rows;
  const fks = (await sql<{ child: string; parent: string; columns: string[] }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
           array(select a.attname::text from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k) as columns
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db)).rows;
  const pks = (await sql<{ table_name: string; columns: string[] }>`
    select c.conrelid::regclass::text as table_name,
           array(select a.attname::text from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k) as columns
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'p' and n.nspname = current_schema()`.execute(db)).rows;

  const targetCols = new Map<string, string[]>();
  for (const c of cols) targetCols.set(c.table_name, [...(targetCols.get(c.table_name) ?? []), c.column_name]);
  const columns = new Map<string, readonly string[]>();
  for (const t of tables) {
    const have = targetCols.get(t.name);
    if (have === undefined) throw new Error(`copy-store: the target ${where} has no table ${t.name}, which the source has.`);
    const missing = t.columns.filter((c) => !have.includes(c));
    const extra = have.filter((c) => !t.columns.includes(c));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(`copy-store: table ${t.name} differs between source and target (only in the source: ${missing.join(', ') || 'none'}; only in the target: ${extra.join(', ') || 'none'}).`);
    }
    columns.set(t.name, t.columns);
  }

  const names = tables.map((t) => t.name).sort();
  const parents = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
  const selfRefs = new Map<string, string[]>();
  for (const fk of fks) {
    const child = unquote(fk.child);
    const parent = unquote(fk.parent);
    if (!parents.has(child)) continue;
    if (child === parent) selfRefs.set(child, [...(selfRefs.get(child) ?? []), ...fk.columns]);
    else parents.get(child)?.add(parent);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: readonly string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') throw new Error(`copy-store: foreign keys form a cycle (${[...path, n].join(' -> ')}); copy order cannot be decided.`);
    state.set(n, 'visiting');
    for (const p of [...(parents.get(n) ?? [])].sort()) if (parents.has(p)) visit(p, [...path, n]);
    state.set(n, 'done');
    order.push(n);
  };
  for (const n of names) visit(n, []);

  const primaryKeys = new Map(pks.map((p) => [unquote(p.table_name), p.columns]));
  for (const [t] of selfRefs) {
    if ((primaryKeys.get(t) ?? []).length === 0) throw new Error(`copy-store: table ${t} references itself but has no primary key to fill that reference by.`);
  }
  const identities = cols.filter((c) => c.is_identity === 'YES' && columns.has(c.table_name)).map((c) => ({ table: c.table_name, column: c.column_name }));
  return { order, columns, selfRefs, primaryKeys, identities };
}

/** regclass::text quotes names that need it and may qualify them with a schema outside the search_path. */
const unquote = (name: string): string => (name.split('.').pop() ?? name).replace(/^"|"$/g, '');

async function countRows(db: AnyDb, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${ident(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

async function requireEmpty(trx: AnyDb, order: readonly string[], where: string, force: boolean): Promise<void> {
  const filled: string[] = [];
  for (const t of order) {
    const n = await countRows(trx, t);
    if (n > 0) filled.push(`${t} (${n})`);
  }
  if (filled.length === 0) return;
  if (!force) {
    throw new Error(`copy-store: the target ${where} is not empty: ${filled.join(', ')}. Use a new database, or pass --force to delete those rows first (in the same transaction).`);
  }
  // Children before parents, so no foreign key blocks a delete.
  for (const t of [...order].reverse()) await sql`delete from ${ident(t)}`.execute(trx);
}

async function copyTable(src: AnyDb, trx: AnyDb, table: string, plan: Plan, batchSize: number): Promise<number> {
  const columns = plan.columns.get(table) ?? [];
  const late = plan.selfRefs.get(table) ?? [];
  const pk = plan.primaryKeys.get(table) ?? [];
  const perInsert = Math.max(1, Math.min(batchSize, Math.floor(60_000 / Math.max(1, columns.length))));
  let copied = 0;
  // Keyset paging on SQLite's rowid: stable and linear, whatever the table's own key is.
  let after = Number.MIN_SAFE_INTEGER;
  const deferred: Row[] = [];
  for (;;) {
    const page = (await sql<Row & { __rowid: number }>`select rowid as __rowid, * from ${ident(table)} where rowid > ${after} order by rowid limit ${perInsert}`
      .execute(src)).rows;
    if (page.length === 0) break;
    after = page[page.length - 1]!.__rowid;
    const rows = page.map((r) => {
      const row: Row = {};
      for (const c of columns) row[c] = late.includes(c) ? null : r[c];
      if (late.some((c) => r[c] !== null && r[c] !== undefined)) deferred.push(Object.fromEntries([...pk, ...late].map((c) => [c, r[c]])));
      return row;
    });
    try {
      await trx.insertInto(table).values(rows).execute();
    } catch (e) {
      const first = pk.map((c) => `${c}=${String(page[0]?.[c])}`).join(', ');
      throw new Error(`copy-store: inserting into ${table} failed (batch starting at ${first || `rowid ${page[0]?.__rowid}`}): ${(e as Error).message}`, { cause: e });
    }
    copied += page.length;
  }
  // Self-references last, one UPDATE per row: the rows they point to are all present now.
  for (const r of deferred) {
    let q = trx.updateTable(table).set(Object.fromEntries(late.map((c) => [c, r[c]])));
    for (const c of pk) q = q.where(c, '=', r[c]);
    await q.execute();
  }
  return copied;
}

/** Move each identity sequence past the largest copied id (an empty table starts again at 1). */
async function resetIdentities(trx: AnyDb, identities: Plan['identities']): Promise<void> {
  for (const { table, column } of identities) {
    await sql`select setval(pg_get_serial_sequence(${sql.lit(`"${table}"`)}, ${sql.lit(column)}), coalesce((select max(${ident(column)}) from ${ident(table)}), 0) + 1, false)`.execute(trx);
  }
}
