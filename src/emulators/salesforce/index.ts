// A protocol-faithful local Salesforce: REST (query, sObjects, collections, composite, limits), OAuth, the
// Metadata API and convertLead over SOAP, served on a real socket so jsforce talks to it as to an org. Tests and
// `npm start` use it; README.md in this folder documents the control surface, fault rules and limits.
import { Dml } from './data/dml.ts';
import { objectOrThrow, seedRecords, userDelete, userEdit } from './data/backdoor.ts';
import { rowToWire } from './data/values.ts';
import { OAuth } from './api/oauth.ts';
import { Sessions } from './api/sessions.ts';
import { Cometd } from './cometd.ts';
import { control } from './control.ts';
import { Faults } from './faults.ts';
import { Dispatcher } from './http/dispatch.ts';
import { close, listen } from './http/server.ts';
import { normalizeId } from './ids.ts';
import { Org } from './org.ts';
import type { OrgConfig } from './org.ts';
import { QueryEngine } from './soql/execute.ts';
import { Stats } from './stats.ts';
import type { CallStats, FieldDef, SalesforceEmulator, SalesforceEmulatorOptions, ValidationRule, WriteLogEntry } from './types.ts';
import type { Server } from 'node:http';

export type {
  CallKind, CallStats, FaultAction, FaultControl, FaultInfo, FaultKind, FaultMatch, FaultRule, FaultStatusResponse,
  FieldDef, FieldType, PicklistValueDef, RecordErrorSpec, SalesforceEmulator, SalesforceEmulatorOptions, SObjectDef,
  ValidationRule, WriteLogEntry, WriteOp,
} from './types.ts';
export { defaultSchema, defaultValueSets } from './schema/default-schema.ts';
export { normalizeId, to18 } from './ids.ts';

export const DEFAULT_USER = { username: 'integration@leadrelay.test', password: 'pass' } as const;
export const DEFAULT_CLIENT = { clientId: 'leadrelay-client', clientSecret: 'leadrelay-secret' } as const;

class Emulator implements SalesforceEmulator {
  url = '';
  server: Server | undefined;

  constructor(
    private readonly org: Org,
    private readonly dml: Dml,
    private readonly sessions: Sessions,
    private readonly stats: Stats,
    readonly faults: Faults,
    readonly streaming: Cometd,
  ) {}

  async close(): Promise<void> {
    this.streaming.dropClients();
    if (this.server) await close(this.server);
    this.server = undefined;
  }

  seed(sobject: string, records: Array<Record<string, unknown>>): string[] {
    return seedRecords(this.org, this.dml, sobject, records);
  }

  update(sobject: string, id: string, fields: Record<string, unknown>): void {
    userEdit(this.org, sobject, id, fields);
  }

  remove(sobject: string, id: string, opts: { mergedInto?: string } = {}): void {
    userDelete(this.org, sobject, id, opts.mergedInto);
  }

  get(sobject: string, id: string): Record<string, unknown> | undefined {
    const s = objectOrThrow(this.org, sobject);
    const norm = normalizeId(id);
    const row = norm ? this.org.store.table(s).rows.get(norm) : undefined;
    return row ? rowToWire(s.fields, row) : undefined;
  }

  all(sobject: string, opts: { includeDeleted?: boolean } = {}): Array<Record<string, unknown>> {
    const s = objectOrThrow(this.org, sobject);
    const out: Array<Record<string, unknown>> = [];
    for (const row of this.org.store.table(s).rows.values()) {
      if (row.IsDeleted === true && opts.includeDeleted !== true) continue;
      out.push(rowToWire(s.fields, row));
    }
    return out;
  }

  addField(sobject: string, field: FieldDef): void {
    const s = objectOrThrow(this.org, sobject);
    if (s.field(field.name)) throw new Error(`salesforce emulator: ${s.name}.${field.name} already exists`);
    const def: FieldDef = { ...field, custom: field.custom ?? field.name.endsWith('__c') };
    if (def.type === 'reference' && def.relationshipName === undefined && def.name.endsWith('__c')) {
      def.relationshipName = def.name.replace(/__c$/, '__r');
    }
    this.org.schema.putField(s, def);
    const table = this.org.store.table(s);
    if (def.type === 'boolean') {
      for (const [id, row] of table.rows) table.rows.set(id, { ...row, [def.name]: def.defaultValue === true });
    }
    table.rebuildIndexes();
  }

  addValidationRule(sobject: string, rule: ValidationRule): void {
    objectOrThrow(this.org, sobject).rules.push(rule);
  }

  calls(): CallStats {
    return this.stats.snapshot();
  }

  resetCalls(): void {
    this.stats.reset();
  }

  writeLog(): WriteLogEntry[] {
    return this.org.store.writeLog.map((e) => ({ ...e, fields: { ...e.fields } }));
  }

  expireSessions(): void {
    this.sessions.expireAll();
  }

  setApiUsage(used: number, limit?: number): void {
    this.org.apiUsed = used;
    if (limit !== undefined) this.org.apiLimit = limit;
  }

  setClock(now: () => Date): void {
    this.org.setClock(now);
  }
}

function seedUsers(org: Org): void {
  const s = org.schema.object('User');
  if (!s) return;
  const now = org.stampMs();
  const table = org.store.table(s);
  for (const u of org.users) {
    const local = u.username.split('@')[0] ?? u.username;
    org.store.put(table, u.id, {
      Id: u.id, IsDeleted: false, CreatedDate: now, CreatedById: u.id, LastModifiedDate: now, LastModifiedById: u.id,
      SystemModstamp: now, Username: u.username, Email: u.username, FirstName: null, LastName: local, Name: local,
      IsActive: true,
    });
  }
}

export async function startSalesforceEmulator(opts: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const config: OrgConfig = {
    apiVersion: opts.apiVersion ?? '60.0',
    dailyApiLimit: opts.dailyApiLimit ?? 15000,
    clientId: opts.clientId ?? DEFAULT_CLIENT.clientId,
    clientSecret: opts.clientSecret ?? DEFAULT_CLIENT.clientSecret,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    users: opts.users ?? [{ ...DEFAULT_USER }],
    ...(opts.jwtPublicKeyPem !== undefined ? { jwtPublicKeyPem: opts.jwtPublicKeyPem } : {}),
  };
  const org = new Org(config, opts.now ?? (() => new Date()));
  seedUsers(org);
  const dml = new Dml(org);
  const queries = new QueryEngine(org);
  const faults = new Faults();
  const sessions = new Sessions(org.orgId);
  const stats = new Stats();
  const cometd = new Cometd(org, sessions, opts.streaming ?? {});
  const emu = new Emulator(org, dml, sessions, stats, faults, cometd);
  const dispatcher = new Dispatcher({ org, dml, queries, faults, sessions, stats, oauth: new OAuth(org, sessions), startedAt: org.nowMs(), cometd });
  const { server, url } = await listen({ dispatcher, control: (r) => control(emu, r) }, opts.port ?? 0, opts.host ?? '127.0.0.1');
  org.url = url;
  emu.url = url;
  emu.server = server;
  return emu;
}
