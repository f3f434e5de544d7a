// The Streaming API's CometD (Bayeux 1.0) endpoint, `/cometd/<apiVersion>`, long-polling only, as the org serves it
// to jsforce's faye client: handshake, subscribe (with the replay extension), connect held until events arrive or
// the advice timeout passes, disconnect. Change Data Capture events for Lead are published on
// `/data/LeadChangeEvent` (and `/data/ChangeEvents`) whenever a Lead row commits: REST writes and test seeding alike.
// https://developer.salesforce.com/docs/atlas.en-us.api_streaming.meta/api_streaming/using_streaming_api_client_connection.htm
// https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm
// https://docs.cometd.org/current/reference/#_bayeux
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sessions } from './api/sessions.ts';
import type { RowChange } from './data/store.ts';
import { rowToWire } from './data/values.ts';
import type { Req, Res } from './http/http.ts';
import { json } from './http/http.ts';
import type { Org } from './org.ts';

/** What a test can do to the stream (the emulator's `streaming` control). */
export interface StreamingControl {
  /** While on, Lead changes are published as GAP_CREATE / GAP_UPDATE / ... events (header only, no fields). */
  gapEvents(on: boolean): void;
  /** Publish one GAP_OVERFLOW event for Lead (header only, no record ids), as for a transaction over 100,000 changes. */
  overflow(): void;
  /** Keep only the newest `n` events: older replay ids become invalid (the 72-hour retention passing). */
  retain(n: number): void;
  /** Forget every client (a server restart): their next connect gets `403::Unknown client` with re-handshake advice. */
  dropClients(): void;
  /** Events still retained, oldest first. */
  events(): ReadonlyArray<{ replayId: number; channel: string; data: unknown }>;
  /** Clients currently known and their subscriptions. */
  clients(): ReadonlyArray<{ clientId: string; channels: string[] }>;
}

interface Retained { replayId: number; channels: readonly string[]; data: unknown }
interface Client { id: string; token: string; subs: Map<string, number>; wake: (() => void) | null; connected: boolean }
type Msg = Record<string, unknown>;
/** A Bayeux string field (anything else reads as empty). */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

const changeChannels: Record<string, string> = { Lead: '/data/LeadChangeEvent' };
const allChanges = '/data/ChangeEvents';
const overflowMarker = 'GAP_OVERFLOW';

export interface CometdOptions {
  /** How long a connect is held open when nothing happens (Salesforce: 110 s). */
  readonly connectTimeoutMs?: number;
  /** Events kept for replay (Salesforce keeps 72 hours; the emulator counts events). */
  readonly retention?: number;
}

export class Cometd implements StreamingControl {
  private readonly clientsById = new Map<string, Client>();
  private readonly log: Retained[] = [];
  private nextReplayId = 1;
  private commitNumber = 10_737_000_000;
  private gap = false;
  private retention: number;
  private readonly connectTimeoutMs: number;

  constructor(private readonly org: Org, private readonly sessions: Sessions, opts: CometdOptions = {}) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 110_000;
    this.retention = opts.retention ?? 100_000;
    org.store.watch((changes) => this.onCommit(changes));
  }

  gapEvents(on: boolean): void { this.gap = on; }

  overflow(): void {
    this.publish('Lead', [], overflowMarker, [], {}, randomUUID(), 1);
  }

  retain(n: number): void {
    this.retention = Math.max(0, n);
    this.trim();
  }

  dropClients(): void {
    for (const c of this.clientsById.values()) c.wake?.();
    this.clientsById.clear();
  }

  events(): ReadonlyArray<{ replayId: number; channel: string; data: unknown }> {
    return this.log.map((e) => ({ replayId: e.replayId, channel: e.channels[0] ?? '', data: e.data }));
  }

  clients(): ReadonlyArray<{ clientId: string; channels: string[] }> {
    return [...this.clientsById.values()].map((c) => ({ clientId: c.id, channels: [...c.subs.keys()] }));
  }

  /** One committed transaction: one change event per Lead row, sharing the transaction key, numbered in order. */
  private onCommit(changes: readonly RowChange[]): void {
    const txKey = randomUUID();
    let seq = 0;
    for (const c of changes) {
      if (changeChannels[c.sobject] === undefined) continue;
      const s = this.org.schema.object(c.sobject);
      if (!s) continue;
      const type = changeTypeOf(c);
      const now = rowToWire(s.fields, c.row);
      const before = c.prev === undefined ? undefined : rowToWire(s.fields, c.prev);
      const changed = Object.keys(now).filter((k) => k !== 'Id' && k !== 'SystemModstamp' && (before === undefined ? now[k] !== null && now[k] !== false : JSON.stringify(before[k]) !== JSON.stringify(now[k])));
      seq += 1;
      if (this.gap) {
        this.publish(c.sobject, [c.id], `GAP_${type}`, [], {}, txKey, seq);
        continue;
      }
      // CREATE carries every non-null field; UPDATE only the changed ones (and nulledFields); DELETE none.
      const body: Record<string, unknown> = {};
      if (type === 'CREATE' || type === 'UPDATE' || type === 'UNDELETE') for (const k of changed) if (now[k] !== null) body[k] = now[k];
      const nulled = type === 'UPDATE' ? changed.filter((k) => now[k] === null) : [];
      this.publish(c.sobject, [c.id], type, type === 'UPDATE' ? changed : [], body, txKey, seq, nulled);
    }
  }

  private publish(entity: string, ids: string[], changeType: string, changedFields: string[], body: Record<string, unknown>, txKey: string, seq: number, nulled: string[] = []): void {
    const replayId = this.nextReplayId++;
    this.commitNumber += 1;
    const header = {
      entityName: entity, recordIds: ids, changeType, changeOrigin: 'com/salesforce/api/rest/60.0', transactionKey: txKey,
      sequenceNumber: seq, commitTimestamp: this.org.nowMs(), commitNumber: this.commitNumber, commitUser: this.org.users[0]?.id ?? '',
      nulledFields: nulled, diffFields: [], changedFields,
    };
    const data = { schema: 'IeRuaY6cbI_HsV8Rv1Mc5g', payload: { ChangeEventHeader: header, ...body }, event: { replayId } };
    const channel = changeChannels[entity] ?? `/data/${entity}ChangeEvent`;
    this.log.push({ replayId, channels: [channel, allChanges], data });
    this.trim();
    for (const c of this.clientsById.values()) c.wake?.();
  }

  private trim(): void {
    if (this.log.length > this.retention) this.log.splice(0, this.log.length - this.retention);
  }

  /** Lowest replay id a subscriber may still ask for (the one before the oldest retained event). */
  private floor(): number {
    return (this.log[0]?.replayId ?? this.nextReplayId) - 1;
  }

  async handle(req: Req): Promise<Res> {
    if (req.method !== 'POST') return json(400, [{ error: '400::Invalid request', successful: false }]);
    let msgs: Msg[];
    try {
      const parsed = JSON.parse(req.body) as unknown;
      const list = Array.isArray(parsed) ? parsed : [parsed];
      msgs = list.filter((m): m is Msg => typeof m === 'object' && m !== null);
    } catch {
      return json(400, [{ error: '400::Invalid JSON', successful: false }]);
    }
    const token = /^(?:OAuth|Bearer)\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]?.trim();
    const authed = this.sessions.check(token) !== undefined;
    const out: Msg[] = [];
    for (const m of msgs) out.push(...(await this.one(m, token ?? '', authed)));
    return json(200, out);
  }

  private async one(m: Msg, token: string, authed: boolean): Promise<Msg[]> {
    const channel = str(m.channel);
    const base: Msg = { channel, ...(m.id !== undefined ? { id: m.id } : {}) };
    // An expired or revoked session: Salesforce answers 403 with the real reason in ext.sfdc and no reconnect,
    // which jsforce's AuthFailure extension reports (the client must re-authenticate and start over).
    const authFailure = (error: string): Msg[] => [{ ...base, successful: false, error, advice: { reconnect: 'none' }, ext: { sfdc: { failureReason: '401::Authentication invalid' } } }];
    if (channel === '/meta/handshake') {
      if (!authed) return authFailure('403::Handshake denied');
      const id = randomBytes(12).toString('base64url');
      this.clientsById.set(id, { id, token, subs: new Map(), wake: null, connected: false });
      return [{ ...base, version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'], clientId: id, successful: true, ext: { replay: true, 'payload.format': true } }];
    }
    const client = this.clientsById.get(str(m.clientId));
    if (!client) {
      // Unknown (timed out, server restarted): the client should handshake again and re-subscribe.
      return [{ ...base, successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake', interval: 0 } }];
    }
    if (!authed || client.token !== token) {
      this.clientsById.delete(client.id);
      return authFailure('403::Unknown client');
    }
    if (channel === '/meta/subscribe') return [this.subscribe(client, m, base)];
    if (channel === '/meta/unsubscribe') {
      client.subs.delete(str(m.subscription));
      return [{ ...base, clientId: client.id, subscription: m.subscription, successful: true }];
    }
    if (channel === '/meta/disconnect') {
      this.clientsById.delete(client.id);
      client.wake?.();
      return [{ ...base, clientId: client.id, successful: true }];
    }
    if (channel === '/meta/connect') return this.connect(client, m, base);
    return [{ ...base, successful: false, error: `400::Unsupported channel ${channel}` }];
  }

  private subscribe(client: Client, m: Msg, base: Msg): Msg {
    const sub = str(m.subscription);
    const fail = (error: string): Msg => ({ ...base, clientId: client.id, subscription: sub, successful: false, error });
    if (sub !== allChanges && !Object.values(changeChannels).includes(sub)) {
      return fail(`400::The channel you requested to subscribe to does not exist {${sub}}`);
    }
    const ext = m.ext as { replay?: Record<string, unknown> } | undefined;
    const asked = ext?.replay?.[sub];
    let from: number;
    if (asked === undefined || asked === null || Number(asked) === -1) {
      from = this.nextReplayId - 1;
    } else if (Number(asked) === -2) {
      from = this.floor();
    } else {
      const n = Number(asked);
      // An id outside the retention window (or never issued) is refused: the subscriber must pick -1 or -2.
      if (!Number.isInteger(n) || n < this.floor() || n >= this.nextReplayId) {
        return fail(`400::The replayId {${str(asked)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`);
      }
      from = n;
    }
    client.subs.set(sub, from);
    client.wake?.();
    return { ...base, clientId: client.id, subscription: sub, successful: true };
  }

  private pending(client: Client): Msg[] {
    const out: Msg[] = [];
    for (const [sub, after] of client.subs) {
      let last = after;
      for (const e of this.log) {
        if (e.replayId <= after || !e.channels.includes(sub)) continue;
        out.push({ channel: sub, data: e.data });
        last = e.replayId;
      }
      client.subs.set(sub, last);
    }
    return out;
  }

  private async connect(client: Client, _m: Msg, base: Msg): Promise<Msg[]> {
    const reply = (): Msg => ({ ...base, clientId: client.id, successful: true, advice: { reconnect: 'retry', interval: 0, timeout: this.connectTimeoutMs } });
    // The first connect after a handshake answers at once with the advice (as Salesforce does); later ones are
    // held until an event (or a new subscription) arrives, or the advice timeout passes.
    const first = !client.connected;
    client.connected = true;
    let events = this.pending(client);
    if (events.length === 0 && !first) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.connectTimeoutMs);
        function done(): void { clearTimeout(timer); resolve(); }
        client.wake = done;
      });
      client.wake = null;
      if (!this.clientsById.has(client.id)) return [{ ...base, successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake', interval: 0 } }];
      events = this.pending(client);
    }
    return [...events, reply()];
  }
}

function changeTypeOf(c: RowChange): 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' {
  if (c.prev === undefined) return 'CREATE';
  if (c.row.IsDeleted === true && c.prev.IsDeleted !== true) return 'DELETE';
  if (c.row.IsDeleted !== true && c.prev.IsDeleted === true) return 'UNDELETE';
  return 'UPDATE';
}
