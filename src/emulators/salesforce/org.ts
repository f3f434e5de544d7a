// The emulated org: schema, records, clock, users and the daily API allocation. Every request handler gets this
// one object; nothing is module-global, so several emulators can run in one process.
import { IdFactory, to18 } from './ids.ts';
import { Store } from './data/store.ts';
import { truncateToSecond } from './data/values.ts';
import { SchemaRegistry } from './schema/registry.ts';
import { defaultSchema, defaultValueSets } from './schema/default-schema.ts';
import type { SObjectDef } from './types.ts';

export interface OrgUser {
  id: string;
  username: string;
  password: string;
  securityToken?: string;
}

export interface OrgConfig {
  apiVersion: string;
  dailyApiLimit: number;
  clientId: string;
  clientSecret: string;
  jwtPublicKeyPem?: string;
  rotateRefreshTokens: boolean;
  users: Array<{ username: string; password: string; securityToken?: string }>;
  schema?: SObjectDef[];
}

export class Org {
  readonly schema: SchemaRegistry;
  readonly store: Store;
  readonly ids = new IdFactory();
  readonly orgId = to18('00D5g000004Hq7X');
  readonly users: OrgUser[];
  /** Base URL (loginUrl and instanceUrl), known once the server listens. */
  url = '';
  apiUsed = 0;
  apiLimit: number;
  private clockFn: () => Date;

  constructor(readonly config: OrgConfig, now: () => Date) {
    this.clockFn = now;
    this.apiLimit = config.dailyApiLimit;
    this.schema = new SchemaRegistry(config.schema ?? defaultSchema(), defaultValueSets());
    this.store = new Store(this.schema);
    this.users = config.users.map((u) => ({ ...u, id: this.ids.next('005') }));
  }

  setClock(now: () => Date): void {
    this.clockFn = now;
  }

  nowMs(): number {
    return this.clockFn().getTime();
  }

  /** Record timestamps have second precision, so many records share a SystemModstamp (as in a real org). */
  stampMs(): number {
    return truncateToSecond(this.nowMs());
  }

  userByName(username: string): OrgUser | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  userById(id: string): OrgUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** `/services/data/vXX.X` for the version a request used (records' attributes.url echo it). */
  dataPath(version: string): string {
    return `/services/data/v${version}`;
  }

  identityUrl(userId: string): string {
    return `${this.url}/id/${this.orgId}/${userId}`;
  }
}
