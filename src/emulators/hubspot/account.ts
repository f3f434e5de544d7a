// One emulated HubSpot account (portal): configuration, clock, schema, pipelines, records, associations, tokens,
// rate limits, call statistics and the write log. Every record write goes through commit(), which keeps the unique
// indexes and the (lagging) search index in step.
import { Tokens } from './auth.ts';
import { Clock } from './clock.ts';
import { Associations } from './data/associations.ts';
import { Store } from './data/store.ts';
import type { Rec, Table } from './data/store.ts';
import { Limits } from './limits.ts';
import { Pipelines } from './schema/pipelines.ts';
import { Schema } from './schema/registry.ts';
import { Stats } from './stats.ts';
import type { ObjectType, PropertyOption, WriteLogEntry } from './types.ts';

export interface AccountConfig {
  portalId: number;
  privateAppTokens: string[];
  clientId: string;
  clientSecret: string;
  refreshTokens: string[];
  accessTokenTtlMs: number;
  rotateRefreshTokens: boolean;
  burstLimit: number;
  burstIntervalMs: number;
  dailyLimit: number;
  searchPerSecond: number;
  searchLagMs: number;
  searchMaxResults: number;
}

export class Account {
  readonly clock: Clock;
  readonly schema: Schema;
  readonly pipelines: Pipelines;
  readonly store = new Store();
  readonly associations = new Associations();
  readonly tokens: Tokens;
  readonly limits: Limits;
  readonly stats = new Stats();
  readonly writeLog: WriteLogEntry[] = [];
  /** Told about every installed record version (webhooks.ts turns them into webhook events). */
  private readonly watchers: Array<(prev: Rec | undefined, rec: Rec) => void> = [];

  watch(fn: (prev: Rec | undefined, rec: Rec) => void): void {
    this.watchers.push(fn);
  }

  constructor(readonly config: AccountConfig, now: () => Date) {
    this.clock = new Clock(now);
    const ms = (): number => this.clock.now();
    this.schema = new Schema(ms, (type, name) => this.pipelineOptions(type, name));
    this.pipelines = new Pipelines(ms);
    this.tokens = new Tokens(config, this.clock);
    this.limits = new Limits(config, this.clock);
  }

  now(): number {
    return this.clock.now();
  }

  /** Deal `pipeline` options are the pipelines, `dealstage` options the stages of every pipeline. */
  private pipelineOptions(type: ObjectType, name: string): PropertyOption[] | undefined {
    if (type !== 'deals' || (name !== 'pipeline' && name !== 'dealstage')) return undefined;
    const pipelines = this.pipelines.list();
    if (name === 'pipeline') return pipelines.map((p) => ({ label: p.label, value: p.id, displayOrder: p.displayOrder, hidden: false }));
    return pipelines.flatMap((p) => p.stages.map((s) => ({ label: s.label, value: s.id, displayOrder: s.displayOrder, hidden: false })));
  }

  table(type: ObjectType): Table {
    return this.store.table(type);
  }

  /** Properties whose values must be unique (hasUniqueValue, plus contact email which HubSpot dedupes on). */
  uniqueProps(type: ObjectType): string[] {
    const names = this.schema.uniqueNames(type);
    return type === 'contacts' ? ['email', ...names.filter((n) => n !== 'email')] : names;
  }

  /**
   * Installs a record version. `indexed` true makes it searchable at once (seeding); otherwise it becomes visible
   * to search after the configured lag. Archived records leave the index (after the same lag).
   */
  commit(rec: Rec, opts: { indexed?: boolean } = {}): void {
    const table = this.table(rec.type);
    const prev = table.byId(rec.id);
    table.put(rec, this.uniqueProps(rec.type));
    for (const w of this.watchers) w(prev, rec);
    const now = this.now();
    const at = opts.indexed === true ? now : now + this.config.searchLagMs;
    table.search.publish(rec.id, rec.archived ? null : { id: rec.id, num: rec.num, props: rec.props }, at, now);
  }

  log(entry: Omit<WriteLogEntry, 'at'>): void {
    this.writeLog.push({ at: new Date(this.now()).toISOString(), ...entry });
  }
}
