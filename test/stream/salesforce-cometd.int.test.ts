// The emulator's CometD endpoint speaks Bayeux as Salesforce does: raw HTTP messages, no client library, so the
// protocol itself is pinned (handshake → subscribe with ext.replay → long-poll connect → events, errors).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, DEFAULT_USER, startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { SalesforceEmulator } from '../../src/emulators/salesforce/index.ts';

type Msg = Record<string, unknown>;
let emu: SalesforceEmulator;
let token: string;

async function login(): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'password', client_id: DEFAULT_CLIENT.clientId, client_secret: DEFAULT_CLIENT.clientSecret, username: DEFAULT_USER.username, password: DEFAULT_USER.password });
  const r = await fetch(`${emu.url}/services/oauth2/token`, { method: 'POST', body });
  return ((await r.json()) as { access_token: string }).access_token;
}

async function bayeux(messages: Msg[], auth = token): Promise<Msg[]> {
  const r = await fetch(`${emu.url}/cometd/60.0`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `OAuth ${auth}` }, body: JSON.stringify(messages) });
  expect(r.status).toBe(200);
  return (await r.json()) as Msg[];
}

async function handshake(): Promise<string> {
  const [h] = await bayeux([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }]);
  expect(h).toMatchObject({ channel: '/meta/handshake', successful: true, supportedConnectionTypes: ['long-polling'], ext: { replay: true } });
  return String(h?.clientId);
}

const subscribe = (clientId: string, replay: number | undefined, channel = '/data/LeadChangeEvent') =>
  bayeux([{ channel: '/meta/subscribe', clientId, subscription: channel, id: '2', ...(replay === undefined ? {} : { ext: { replay: { [channel]: replay } } }) }]);
const connect = (clientId: string) => bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3' }]);
const events = (msgs: Msg[]) => msgs.filter((m) => m.channel === '/data/LeadChangeEvent').map((m) => m.data as { payload: { ChangeEventHeader: Msg } & Msg; event: { replayId: number } });

beforeEach(async () => {
  emu = await startSalesforceEmulator({ streaming: { connectTimeoutMs: 1_000 } });
  token = await login();
});
afterEach(async () => { await emu.close(); });

describe('CometD endpoint', () => {
  it('handshakes, answers the first connect with advice, then holds a connect until a Lead change arrives', async () => {
    const id = await handshake();
    expect((await subscribe(id, -1))[0]).toMatchObject({ successful: true, subscription: '/data/LeadChangeEvent' });
    const [first] = await connect(id);
    expect(first).toMatchObject({ channel: '/meta/connect', successful: true, advice: { reconnect: 'retry', interval: 0 } });
    const held = connect(id);
    const [leadId] = emu.seed('Lead', [{ LastName: 'Stream', Company: 'Acme', Status: 'Open - Not Contacted' }]);
    const got = await held;
    const [e] = events(got);
    expect(e?.payload.ChangeEventHeader).toMatchObject({ entityName: 'Lead', recordIds: [leadId], changeType: 'CREATE', sequenceNumber: 1 });
    expect(e?.payload).toMatchObject({ LastName: 'Stream', Company: 'Acme' });
    expect(got.at(-1)).toMatchObject({ channel: '/meta/connect', successful: true });

    const next = connect(id);
    emu.update('Lead', leadId ?? '', { Status: 'Marketing Qualified' });
    const [u] = events(await next);
    expect(u?.payload.ChangeEventHeader).toMatchObject({ changeType: 'UPDATE', recordIds: [leadId] });
    expect(u?.payload.ChangeEventHeader.changedFields).toContain('Status');
    expect(u?.payload).toMatchObject({ Status: 'Marketing Qualified' });
    expect(u?.event.replayId).toBeGreaterThan(e?.event.replayId ?? Infinity);

    const del = connect(id);
    emu.remove('Lead', leadId ?? '');
    expect(events(await del)[0]?.payload.ChangeEventHeader).toMatchObject({ changeType: 'DELETE', recordIds: [leadId] });
  });

  it('replays retained events after an explicit replay id (-2: all retained) and refuses ids out of retention', async () => {
    const ids = emu.seed('Lead', [1, 2, 3].map((i) => ({ LastName: `R${i}`, Company: 'Acme' })));
    const all = emu.streaming.events().map((e) => e.replayId);
    expect(all).toHaveLength(3);

    let c = await handshake();
    await subscribe(c, all[0]);
    expect(events(await connect(c)).map((e) => e.payload.ChangeEventHeader.recordIds)).toEqual([[ids[1]], [ids[2]]]);

    c = await handshake();
    await subscribe(c, -2);
    expect(events(await connect(c))).toHaveLength(3);

    emu.streaming.retain(1);
    c = await handshake();
    const [refused] = await subscribe(c, all[0]);
    expect(refused).toMatchObject({ successful: false, error: `400::The replayId {${all[0]}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.` });
  });

  it('sends gap events (ids, no fields) and an overflow event (no ids) when switched on', async () => {
    const c = await handshake();
    await subscribe(c, -1);
    await connect(c);
    emu.streaming.gapEvents(true);
    const [id] = emu.seed('Lead', [{ LastName: 'Gap', Company: 'Acme' }]);
    emu.streaming.overflow();
    const got = events(await connect(c));
    expect(got[0]?.payload.ChangeEventHeader).toMatchObject({ changeType: 'GAP_CREATE', recordIds: [id] });
    expect(got[0]?.payload).not.toHaveProperty('LastName');
    expect(got[1]?.payload.ChangeEventHeader).toMatchObject({ changeType: 'GAP_OVERFLOW', recordIds: [], entityName: 'Lead' });
  });

  it('refuses an invalid session with the reason in ext.sfdc and no reconnect; unknown clients must re-handshake', async () => {
    const [denied] = await bayeux([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }], 'not-a-token');
    expect(denied).toMatchObject({ successful: false, error: '403::Handshake denied', advice: { reconnect: 'none' }, ext: { sfdc: { failureReason: '401::Authentication invalid' } } });

    const c = await handshake();
    emu.expireSessions();
    const [expired] = await connect(c);
    expect(expired).toMatchObject({ successful: false, error: '403::Unknown client', advice: { reconnect: 'none' }, ext: { sfdc: { failureReason: '401::Authentication invalid' } } });

    token = await login();
    const c2 = await handshake();
    emu.streaming.dropClients();
    expect((await connect(c2))[0]).toMatchObject({ successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake' } });
  });

  it('refuses channels that do not exist', async () => {
    const c = await handshake();
    const [r] = await subscribe(c, -1, '/event/Nope__e');
    expect(r).toMatchObject({ successful: false, error: '400::The channel you requested to subscribe to does not exist {/event/Nope__e}' });
  });
});
