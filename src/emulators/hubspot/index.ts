// A protocol-faithful local HubSpot (CRM v3 objects, batch, search, properties, pipelines, associations v4, merge,
// OAuth), served on a real socket so @hubspot/api-client talks to it as to api.hubapi.com. Tests and
// `leadrelay demo --crm hubspot` use it; README.md in this folder documents the control surface, fault rules and limits.
import { Account } from './account.ts';
import type { AccountConfig } from './account.ts';
import { control } from './control.ts';
import { Faults } from './faults.ts';
import { Dispatcher } from './http/dispatch.ts';
import { close, listen } from './http/server.ts';
import { archiveByUser, editByUser, seedRecords } from './data/backdoor.ts';
import { objectTypeOrThrow } from './schema/object-types.ts';
import { recordToWire } from './data/wire.ts';
import type {
  CallStats, HubSpotEmulator, HubSpotEmulatorOptions, HubSpotRecord, PipelineDef, PropertyDef,
  RateLimitSnapshot, SeedValue, WriteLogEntry,
} from './types.ts';
import type { Server } from 'node:http';
import { Webhooks } from './webhooks.ts';

export type {
  CallKind, CallStats, FaultAction, FaultControl, FaultInfo, FaultKind, FaultMatch, FaultRule, FaultStatusResponse,
  FieldType, HubSpotEmulator, HubSpotEmulatorOptions, HubSpotRecord, ObjectType, PipelineDef, PipelineStageDef,
  ObjectTypeName, PropertyDef, PropertyGroupDef, PropertyOption, PropertyType, RateLimitSnapshot, RecordErrorSpec, SeedValue,
  ThrottleSpec, WriteLogEntry, WriteOp,
} from './types.ts';
export { defaultProperties } from './schema/default-properties.ts';
export { defaultPipelines } from './schema/pipelines.ts';
export { ASSOCIATION_TYPES } from './data/associations.ts';

export const DEFAULT_PRIVATE_APP_TOKEN = 'pat-na1-leadrelay-emulator';
export const DEFAULT_OAUTH_CLIENT = { clientId: 'leadrelay-hubspot-client', clientSecret: 'leadrelay-hubspot-secret' } as const;
export const DEFAULT_REFRESH_TOKEN = 'leadrelay-refresh-token';

class Emulator implements HubSpotEmulator {
  url = '';
  server: Server | undefined;

  readonly webhooks: Webhooks;

  constructor(private readonly acct: Account, readonly faults: Faults) {
    this.webhooks = new Webhooks(acct);
  }

  get portalId(): number {
    return this.acct.config.portalId;
  }

  get token(): string {
    return this.acct.config.privateAppTokens[0] ?? DEFAULT_PRIVATE_APP_TOKEN;
  }

  async close(): Promise<void> {
    this.webhooks.disable();
    if (this.server) await close(this.server);
    this.server = undefined;
  }

  seed(type: string, records: Array<Record<string, SeedValue>>, opts: { indexed?: boolean } = {}): string[] {
    return seedRecords(this.acct, objectTypeOrThrow(type), records, opts.indexed ?? true);
  }

  update(type: string, id: string, properties: Record<string, SeedValue>): void {
    editByUser(this.acct, objectTypeOrThrow(type), id, properties);
  }

  remove(type: string, id: string, opts: { mergedInto?: string } = {}): void {
    archiveByUser(this.acct, objectTypeOrThrow(type), id, opts.mergedInto);
  }

  get(type: string, id: string): HubSpotRecord | undefined {
    const rec = this.acct.store.table(objectTypeOrThrow(type)).byId(id);
    return rec ? recordToWire(rec, { all: true }) : undefined;
  }

  all(type: string, opts: { includeArchived?: boolean } = {}): HubSpotRecord[] {
    const out: HubSpotRecord[] = [];
    for (const rec of this.acct.store.table(objectTypeOrThrow(type)).records()) {
      if (rec.archived && opts.includeArchived !== true) continue;
      out.push(recordToWire(rec, { all: true }));
    }
    return out;
  }

  associate(fromType: string, fromId: string, toType: string, toId: string): void {
    const from = objectTypeOrThrow(fromType);
    const to = objectTypeOrThrow(toType);
    for (const [t, id] of [[from, fromId], [to, toId]] as const) {
      if (!this.acct.store.table(t).byId(id)) throw new Error(`hubspot emulator: no ${t} with id ${id}`);
    }
    this.acct.associations.addDefault(from, fromId, to, toId);
  }

  associations(fromType: string, fromId: string, toType: string): string[] {
    return this.acct.associations.list(objectTypeOrThrow(fromType), fromId, objectTypeOrThrow(toType)).map((a) => a.toId);
  }

  addProperty(type: string, def: PropertyDef): void {
    const t = objectTypeOrThrow(type);
    this.acct.schema.add(t, def);
    if (def.hasUniqueValue === true) this.acct.table(t).indexUnique(def.name);
  }

  property(type: string, name: string): PropertyDef | undefined {
    const p = this.acct.schema.get(objectTypeOrThrow(type), name);
    return p ? structuredClone(p) : undefined;
  }

  pipelines(): PipelineDef[] {
    return structuredClone(this.acct.pipelines.list());
  }

  calls(): CallStats {
    return this.acct.stats.snapshot();
  }

  resetCalls(): void {
    this.acct.stats.reset();
  }

  writeLog(): WriteLogEntry[] {
    return this.acct.writeLog.map((e) => ({ ...e, properties: { ...e.properties } }));
  }

  expireTokens(): void {
    this.acct.tokens.expireAll();
  }

  issueTokens(): { access_token: string; refresh_token: string; expires_in: number } {
    return this.acct.tokens.install();
  }

  authorizationCode(redirectUri?: string): string {
    return this.acct.tokens.newCode(redirectUri);
  }

  setDailyUsage(used: number, limit?: number): void {
    this.acct.limits.setDaily(used, limit);
  }

  limits(): RateLimitSnapshot {
    return this.acct.limits.snapshot();
  }

  setClock(now: () => Date): void {
    this.acct.clock.set(now);
  }

  advance(ms: number): void {
    this.acct.clock.advance(ms);
  }

  now(): number {
    return this.acct.clock.now();
  }
}

export async function startHubSpotEmulator(opts: HubSpotEmulatorOptions = {}): Promise<HubSpotEmulator> {
  const config: AccountConfig = {
    portalId: opts.portalId ?? 62515,
    privateAppTokens: opts.privateAppTokens ?? [DEFAULT_PRIVATE_APP_TOKEN],
    clientId: opts.clientId ?? DEFAULT_OAUTH_CLIENT.clientId,
    clientSecret: opts.clientSecret ?? DEFAULT_OAUTH_CLIENT.clientSecret,
    refreshTokens: opts.refreshTokens ?? [DEFAULT_REFRESH_TOKEN],
    accessTokenTtlMs: opts.accessTokenTtlMs ?? 30 * 60_000,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    burstLimit: opts.burstLimit ?? 100,
    burstIntervalMs: opts.burstIntervalMs ?? 10_000,
    dailyLimit: opts.dailyLimit ?? 250_000,
    searchPerSecond: opts.searchPerSecond ?? 5,
    searchLagMs: opts.searchLagMs ?? 2_000,
    searchMaxResults: opts.searchMaxResults ?? 10_000,
  };
  const acct = new Account(config, opts.now ?? (() => new Date()));
  const faults = new Faults();
  const emu = new Emulator(acct, faults);
  const dispatcher = new Dispatcher(acct, faults);
  const { server, url } = await listen({ dispatcher, control: (r) => control(emu, r) }, opts.port ?? 0, opts.host ?? '127.0.0.1');
  emu.url = url;
  emu.server = server;
  return emu;
}
