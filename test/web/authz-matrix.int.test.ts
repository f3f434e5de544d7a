// The authorisation matrix (issue 5 acceptance): every registered route — taken from the app's own route table,
// so a new route without a line here fails this test — is requested as every role, as users of another
// organisation and anonymously. It proves that
// - no response carries contact data of a lead the caller does not hold (teasers never do), another partner's
//   lead ids, partner names outside the caller's slice, or people of other organisations;
// - lead pages and API answers show exactly the leads of the caller's slice;
// - every change outside the caller's slice is refused and leaves the database byte-for-byte as it was (on
//   PostgreSQL, LEADRELAY_TEST_STORE=postgres: row for row).
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signActionLink } from '../../src/notify/links.ts';
import type { ActorName, LeadKey, PartnerKey, WebFixture } from './fixture.ts';
import { actorNames, leadKeys, markersOf, partnerKeys, partnerName, SECRET, webFixture } from './fixture.ts';

type Actor = ActorName | null;
const actors: readonly Actor[] = [...actorNames, null];

// ---------------------------------------------------------------- what each actor may see
const full: Record<ActorName, readonly LeadKey[]> = {
  admin: ['RA1', 'RA1r', 'RA2', 'RB1', 'Q1', 'E1', 'E2'], cm: ['RA1', 'RA1r', 'RA2', 'E1'], dmA: ['RA1', 'RA1r', 'RA2'],
  pmA1: ['RA1', 'RA1r'], repA1: ['RA1r'], pmA2: ['RA2'], agency: ['Q1'], dmB: ['RB1'], pmB1: ['RB1'],
};
const teaser: Record<ActorName, readonly LeadKey[]> = {
  admin: [], cm: [], dmA: ['T2'], pmA1: ['T1', 'E1'], repA1: ['T1', 'E1'], pmA2: [], agency: [], dmB: [], pmB1: ['T1', 'E2'],
};
const slicePartners: Record<ActorName, readonly PartnerKey[]> = {
  admin: partnerKeys, cm: ['DA', 'A1', 'A2'], dmA: ['DA', 'A1', 'A2'], pmA1: ['A1'], repA1: ['A1'], pmA2: ['A2'], agency: [], dmB: ['DB', 'B1'], pmB1: ['B1'],
};
const people: Record<ActorName, readonly ActorName[]> = {
  admin: actorNames, cm: ['admin', 'cm'], dmA: ['dmA'], pmA1: ['pmA1', 'repA1'], repA1: ['repA1'], pmA2: ['pmA2'], agency: ['agency'], dmB: ['dmB'], pmB1: ['pmB1'],
};
const pickers: readonly ActorName[] = ['dmA', 'pmA1', 'repA1', 'pmA2', 'dmB', 'pmB1'];
const has = (a: Actor, list: readonly ActorName[]): boolean => a !== null && list.includes(a);

// ---------------------------------------------------------------- probes, one per route
interface Target { readonly url: string; readonly lead?: LeadKey; readonly body?: Record<string, unknown>; readonly tag?: string }
interface Probe {
  /** public: no sign-in needed; read: GET; write: changes state; self: changes only the caller's own settings. */
  readonly kind: 'public' | 'read' | 'write' | 'self';
  readonly targets: (f: WebFixture) => Target[];
  /** Reads: the status each actor must get. Writes: whether this actor may change this target. */
  readonly expect?: (a: Actor, t: Target) => number | readonly number[];
  readonly allowed?: (a: Actor, t: Target) => boolean;
}

const eachLead = (f: WebFixture, path: (id: string) => string, body?: Record<string, unknown>): Target[] =>
  leadKeys.map((k) => ({ url: path(f.leads[k]), lead: k, ...(body === undefined ? {} : { body }) }));
const anon = (api: boolean) => (api ? 401 : 303);
const gate = (list: readonly ActorName[], api = false) => (a: Actor): number => (a === null ? anon(api) : list.includes(a) ? 200 : 403);
const leadStatus = (api: boolean) => (a: Actor, t: Target): number => (a === null ? anon(api) : [...full[a], ...teaser[a]].includes(t.lead!) ? 200 : 404);
const openOffer: Partial<Record<ActorName, readonly LeadKey[]>> = { pmA1: ['T1'], repA1: ['T1'], pmB1: ['T1'], dmA: ['T2'] };
const holds: Partial<Record<ActorName, readonly LeadKey[]>> = { pmA1: ['RA1', 'RA1r'], repA1: ['RA1r'], pmA2: ['RA2'], pmB1: ['RB1'] };
const on = (map: Partial<Record<ActorName, readonly LeadKey[]>>) => (a: Actor, t: Target): boolean => a !== null && (map[a] ?? []).includes(t.lead!);
const planEditors: Partial<Record<ActorName, readonly LeadKey[]>> = { ...holds, cm: ['RA1', 'RA1r', 'RA2'], admin: ['RA1', 'RA1r', 'RA2', 'RB1'] };
/** Report slices: managers and admins; a sales rep and an agency have none. */
const reportViewers: readonly ActorName[] = ['admin', 'cm', 'dmA', 'pmA1', 'pmA2', 'dmB', 'pmB1'];
/** Every number, this month, and one asked for another organisation's partner (B1): it must show nothing of B1. */
const drillTargets = (path: string) => (f: WebFixture): Target[] => [
  ...['reserved', 'won', 'lost', 'open', 'overdue'].map((m) => ({ url: `${path}?metric=${m}&period=2026-11` })),
  { url: `${path}?metric=reserved&period=2026-11&partner=${f.partners.B1}` },
];
const allStatic = (url: string): Probe => ({ kind: 'public', targets: () => [{ url }], expect: () => 200 });

function probes(f: WebFixture): Record<string, Probe> {
  const feedback = { status: 'contacted' };
  const plan = { plan: { opportunity: { description: 'matrix' } } };
  const linkFor = (who: ActorName, k: LeadKey) => signActionLink(SECRET, { userId: f.users[who].id, leadId: f.leads[k], action: 'feedback:contacted', expiresAt: new Date(f.t.clock.now().getTime() + 86_400_000) });
  const links: Target[] = [{ url: `/a/${linkFor('pmA1', 'RA1')}`, tag: 'pmA1' }, { url: `/a/${linkFor('pmB1', 'RB1')}`, tag: 'pmB1' }];
  return {
    'GET /manifest.webmanifest': allStatic('/manifest.webmanifest'), 'GET /sw.js': allStatic('/sw.js'), 'GET /static/app.css': allStatic('/static/app.css'),
    'GET /static/app.js': allStatic('/static/app.js'), 'GET /offline': allStatic('/offline'), 'GET /icons/icon.svg': allStatic('/icons/icon.svg'),
    'GET /icons/:name': allStatic('/icons/icon-192.png'), 'GET /apple-touch-icon.png': allStatic('/apple-touch-icon.png'), 'GET /favicon.ico': allStatic('/favicon.ico'),
    'GET /healthz': allStatic('/healthz'), 'GET /api/v1/openapi.json': allStatic('/api/v1/openapi.json'),
    'GET /': { kind: 'public', targets: () => [{ url: '/' }], expect: () => 303 },
    'GET /login': { kind: 'public', targets: () => [{ url: '/login' }], expect: (a) => (a === null ? 200 : 303) },
    'POST /login': { kind: 'public', targets: () => [{ url: '/login', body: { email: 'pma1@people.example' } }] },
    'POST /login/password': { kind: 'public', targets: () => [{ url: '/login/password', body: { email: 'pma1@people.example', password: 'wrong-password-123' } }] },
    'GET /auth/:token': { kind: 'public', targets: () => [{ url: '/auth/not-a-real-token-000000' }], expect: () => 200 },
    'POST /auth': { kind: 'public', targets: () => [{ url: '/auth', body: { token: 'not-a-real-token-000000' } }] },
    'POST /logout': { kind: 'self', targets: () => [{ url: '/logout' }] },
    'GET /picks': { kind: 'read', targets: () => [{ url: '/picks' }], expect: gate(pickers) },
    'GET /leads': { kind: 'read', targets: () => [{ url: '/leads' }, { url: '/leads?all=1' }], expect: (a) => (a !== null && pickers.includes(a) ? 200 : 303) },
    'GET /leads/:id': { kind: 'read', targets: (x) => eachLead(x, (id) => `/leads/${id}`), expect: leadStatus(false) },
    'GET /leads/:id/explain': {
      kind: 'read', targets: (x) => eachLead(x, (id) => `/leads/${id}/explain`),
      expect: (a, t) => (a === null ? 303 : !has(a, ['admin', 'cm']) ? 403 : full[a].includes(t.lead!) ? 200 : 404),
    },
    'GET /team': { kind: 'read', targets: () => [{ url: '/team' }], expect: gate(['pmA1', 'pmA2', 'pmB1']) },
    'GET /points': { kind: 'read', targets: () => [{ url: '/points' }], expect: gate(actorNames.filter((a) => a !== 'agency')) },
    'GET /overview': { kind: 'read', targets: () => [{ url: '/overview' }], expect: gate(['admin', 'cm', 'dmA', 'dmB']) },
    'GET /queue': { kind: 'read', targets: () => [{ url: '/queue' }], expect: gate(['admin', 'agency']) },
    'GET /admin': { kind: 'read', targets: () => [{ url: '/admin' }], expect: gate(['admin']) },
    'GET /settings': { kind: 'read', targets: () => [{ url: '/settings' }], expect: gate(actorNames) },
    'POST /leads/:id/reserve': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/reserve`), allowed: on(openOffer) },
    'POST /leads/:id/decline': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/decline`, { reason: 'Other' }), allowed: on(openOffer) },
    'POST /leads/:id/feedback': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/feedback`, feedback), allowed: on(holds) },
    'POST /leads/:id/plan': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/plan`, { description: 'matrix' }), allowed: on(planEditors) },
    'POST /leads/:id/rep': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/rep`, { userId: x.users.repA1.id }), allowed: on({ pmA1: ['RA1', 'RA1r'] }) },
    'POST /leads/:id/assign': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/assign`, { partnerId: x.partners.A1 }), allowed: on({ admin: ['E1', 'E2'], cm: ['E1'] }) },
    'POST /leads/:id/pass': { kind: 'write', targets: (x) => eachLead(x, (id) => `/leads/${id}/pass`, { partnerId: x.partners.A1 }), allowed: on({ dmA: ['T2'] }) },
    'POST /queue/:id': { kind: 'write', targets: (x) => eachLead(x, (id) => `/queue/${id}`, { decision: 'qualified' }), allowed: on({ admin: ['Q1'], agency: ['Q1'] }) },
    'POST /admin/users': { kind: 'write', targets: () => [{ url: '/admin/users', body: { email: 'new.person@people.example', orgId: 'manufacturer', roles: 'channel_manager', active: 'on' } }], allowed: (a) => a === 'admin' },
    'POST /settings/notifications': { kind: 'self', targets: () => [{ url: '/settings/notifications', body: { offers: 'digest', digestTimes: '09:00' } }] },
    'POST /settings/tokens': { kind: 'self', targets: () => [{ url: '/settings/tokens', body: { name: 'matrix' } }] },
    'POST /settings/tokens/:id/revoke': { kind: 'write', targets: () => [{ url: '/settings/tokens/tok-pmB1/revoke' }], allowed: (a) => a === 'pmB1' },
    'POST /settings/password': { kind: 'self', targets: () => [{ url: '/settings/password', body: { password: 'a-long-password-123' } }] },
    'GET /a/:token': { kind: 'public', targets: () => links, expect: (a, t) => (a === null || a === t.tag ? 200 : 403) },
    'POST /a/:token': { kind: 'write', targets: () => links, allowed: (a, t) => a === null || a === t.tag },
    'GET /api/v1/me': { kind: 'read', targets: () => [{ url: '/api/v1/me' }], expect: gate(actorNames, true) },
    'GET /api/v1/offers': { kind: 'read', targets: () => [{ url: '/api/v1/offers' }], expect: gate(actorNames, true) },
    'GET /api/v1/leads': { kind: 'read', targets: () => [{ url: '/api/v1/leads' }, { url: '/api/v1/leads?scope=slice' }, { url: '/api/v1/leads?closed=1' }], expect: gate(actorNames, true) },
    'GET /api/v1/leads/:id': { kind: 'read', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}`), expect: leadStatus(true) },
    'POST /api/v1/leads/:id/reserve': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/reserve`), allowed: on(openOffer) },
    'POST /api/v1/leads/:id/decline': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/decline`, { reason: 'Other' }), allowed: on(openOffer) },
    'POST /api/v1/leads/:id/feedback': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/feedback`, feedback), allowed: on(holds) },
    'PUT /api/v1/leads/:id/plan': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/plan`, plan), allowed: on(planEditors) },
    'POST /api/v1/leads/:id/rep': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/rep`, { userId: x.users.repA1.id }), allowed: on({ pmA1: ['RA1', 'RA1r'] }) },
    'POST /api/v1/leads/:id/assign': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/assign`, { partnerId: x.partners.A1 }), allowed: on({ admin: ['E1', 'E2'], cm: ['E1'] }) },
    'POST /api/v1/leads/:id/pass': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/leads/${id}/pass`, { partnerId: x.partners.A1 }), allowed: on({ dmA: ['T2'] }) },
    'GET /api/v1/queue': { kind: 'read', targets: () => [{ url: '/api/v1/queue' }], expect: gate(['admin', 'agency'], true) },
    'POST /api/v1/queue/:id': { kind: 'write', targets: (x) => eachLead(x, (id) => `/api/v1/queue/${id}`, { decision: 'qualified' }), allowed: on({ admin: ['Q1'], agency: ['Q1'] }) },
    'GET /api/v1/partners': { kind: 'read', targets: () => [{ url: '/api/v1/partners' }], expect: gate(['admin', 'cm', 'dmA', 'dmB'], true) },
    'GET /api/v1/escalations': { kind: 'read', targets: () => [{ url: '/api/v1/escalations' }], expect: gate(['admin', 'cm'], true) },
    'GET /api/v1/users': { kind: 'read', targets: () => [{ url: '/api/v1/users' }], expect: gate(['admin'], true) },
    'POST /api/v1/users': { kind: 'write', targets: () => [{ url: '/api/v1/users', body: { email: 'new.person@people.example', orgId: 'manufacturer', roles: ['channel_manager'] } }], allowed: (a) => a === 'admin' },
    'GET /api/v1/me/notifications': { kind: 'read', targets: () => [{ url: '/api/v1/me/notifications' }], expect: gate(actorNames, true) },
    'PUT /api/v1/me/notifications': { kind: 'self', targets: () => [{ url: '/api/v1/me/notifications', body: { offers: 'off' } }] },
    'GET /api/v1/points': { kind: 'read', targets: () => [{ url: '/api/v1/points' }], expect: gate(actorNames.filter((a) => a !== 'agency'), true) },
    'GET /reports': { kind: 'read', targets: () => [{ url: '/reports' }, { url: '/reports?period=2026-11' }], expect: gate(reportViewers) },
    'GET /reports/leads': { kind: 'read', targets: drillTargets('/reports/leads'), expect: gate(reportViewers) },
    'GET /api/v1/reports': { kind: 'read', targets: () => [{ url: '/api/v1/reports' }, { url: '/api/v1/reports?period=2026-W45' }], expect: gate(reportViewers, true) },
    'GET /api/v1/reports/leads': { kind: 'read', targets: drillTargets('/api/v1/reports/leads'), expect: gate(reportViewers, true) },
  };
}

// ---------------------------------------------------------------- what must never appear
function forbiddenFor(f: WebFixture, a: Actor): string[] {
  const out: string[] = [];
  const fullOf = a === null ? [] : full[a];
  const known = a === null ? [] : [...full[a], ...teaser[a]];
  for (const k of leadKeys) {
    if (!fullOf.includes(k)) out.push(...markersOf(k));
    if (!known.includes(k)) out.push(f.leads[k]);
  }
  for (const p of partnerKeys) if (a === null || !slicePartners[a].includes(p)) out.push(partnerName(p));
  for (const u of actorNames) if (a === null || !people[a].includes(u)) out.push(f.users[u].email);
  return out;
}

/** A digest of every table's rows (sessions, kv and migrations left out), read through a connection of its own. */
interface Digester { digest(): Promise<string>; close(): Promise<void> }

// Bookkeeping every request may touch (sessions, settings, rate-limit counters) is not a change of the data.
const skipped = ['web_sessions', 'kv', 'rate_limits', 'kysely_migration', 'kysely_migration_lock'];

function digestOf(tables: ReadonlyArray<{ name: string; rows: Array<Record<string, unknown>> }>, sorted = false): string {
  const h = createHash('sha256');
  for (const { name, rows } of tables) {
    const clean = name === 'api_tokens' ? rows.map(({ last_used_at: _l, ...r }) => r) : rows;
    const lines = clean.map((r) => JSON.stringify(r));
    h.update(`${name}:${JSON.stringify(sorted ? lines.sort() : lines)}\n`);
  }
  return h.digest('hex');
}

async function digester(f: WebFixture): Promise<Digester> {
  if (f.storeUrl.startsWith('sqlite:')) {
    const db = new Database(f.dbFile, { readonly: true, fileMustExist: true });
    const list = `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not in (${skipped.map((n) => `'${n}'`).join(', ')}) order by name`;
    return {
      digest: async () => digestOf((db.prepare(list).all() as Array<{ name: string }>).map(({ name }) => ({
        name, rows: db.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>,
      }))),
      close: async () => { db.close(); },
    };
  }
  // PostgreSQL: every table in one round trip. A heap's row order moves when a row is rewritten with the same
  // values, so rows are compared sorted. The migrations fix the table list, so it is read once.
  const c = new pg.Client({ connectionString: f.storeUrl });
  await c.connect();
  const names = (await c.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and not (table_name = any($1)) order by table_name collate "C"`, [skipped])).rows.map((r) => r.name);
  const all = `select ${names.map((n) => `(select coalesce(json_agg(r), '[]'::json) from "${n}" r) as "${n}"`).join(', ')}`;
  return {
    async digest() {
      const row = (await c.query<Record<string, Array<Record<string, unknown>>>>(all)).rows[0]!;
      return digestOf(names.map((name) => ({ name, rows: row[name]! })), true);
    },
    close: () => c.end(),
  };
}

describe('authorisation matrix: every route × every role × another organisation', () => {
  let f: WebFixture;
  let table: Record<string, Probe>;
  let db: Digester;
  const tokens = new Map<ActorName, string>();

  const request = async (a: Actor, method: string, t: Target): Promise<LightMyRequestResponse> => {
    const api = t.url.startsWith('/api/');
    if (api) {
      const headers: Record<string, string> = a === null ? {} : { authorization: `Bearer ${tokens.get(a)!}` };
      return f.app.inject({ method: method as 'GET', url: t.url, headers: { ...headers, ...(t.body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(t.body === undefined ? {} : { payload: JSON.stringify(t.body) }) });
    }
    const c = await f.client(a);
    return method === 'GET' ? c.get(t.url) : c.post(t.url, (t.body ?? {}) as Record<string, string>);
  };

  beforeAll(async () => {
    f = await webFixture();
    db = await digester(f);
    table = probes(f);
    for (const a of actorNames) tokens.set(a, await f.token(a));
    await f.t.store.identity.createApiToken({ id: 'tok-pmB1', userId: f.users.pmB1.id, name: 'pmB1 integration', createdAt: f.t.clock.now(), hash: 'not-a-real-hash' });
  });
  afterAll(async () => {
    await db.close();
    await f.close();
  });

  it('has a probe for every registered route (a new route must be added here)', () => {
    const registered = f.app.routeTable.map((r) => `${r.method} ${r.url}`);
    expect(registered.filter((r) => table[r] === undefined)).toEqual([]);
    expect(Object.keys(table).filter((k) => !registered.includes(k))).toEqual([]);
  });

  it('reads: every role gets exactly its slice, and nothing outside it appears in any response', async () => {
    const problems: string[] = [];
    for (const route of f.app.routeTable) {
      const p = table[`${route.method} ${route.url}`]!;
      if (route.method !== 'GET') continue;
      for (const a of actors) {
        const forbidden = forbiddenFor(f, a);
        for (const t of p.targets(f)) {
          const res = await request(a, 'GET', t);
          const want = p.expect?.(a, t);
          if (want !== undefined && ![want].flat().includes(res.statusCode)) problems.push(`${a ?? 'anonymous'} GET ${t.url} (${t.lead ?? ''}): ${res.statusCode}, want ${String(want)}`);
          // The signed link is its recipient's credential: opened without a session it shows what it will record.
          if (a === null && route.url === '/a/:token') continue;
          for (const s of forbidden) if (res.body.includes(s)) problems.push(`${a ?? 'anonymous'} GET ${t.url} (${t.lead ?? ''}) shows ${s}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes: every change outside the caller\'s slice is refused and changes nothing', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of f.app.routeTable) {
      const p = table[`${route.method} ${route.url}`]!;
      if (route.method === 'GET' || p.kind === 'public') continue;
      for (const a of actors) {
        if (p.kind === 'self' && a !== null) continue;
        for (const t of p.targets(f)) {
          if (p.allowed?.(a, t) === true) continue;
          const before = await db.digest();
          const res = await request(a, route.method, t);
          checked++;
          const api = t.url.startsWith('/api/');
          // Pages answer a refusal with a page (or a redirect to sign in); what counts there is the unchanged database.
          const refused = api ? [400, 401, 403, 404, 409, 410, 423].includes(res.statusCode) : res.statusCode < 500;
          if (!refused) problems.push(`${a ?? 'anonymous'} ${route.method} ${t.url} (${t.lead ?? ''}): status ${res.statusCode}`);
          if ((await db.digest()) !== before) problems.push(`${a ?? 'anonymous'} ${route.method} ${t.url} (${t.lead ?? ''}) changed the database (status ${res.statusCode})`);
          for (const s of forbiddenFor(f, a)) if (res.body.includes(s)) problems.push(`${a ?? 'anonymous'} ${route.method} ${t.url} shows ${s}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('the allowed changes go through (each as its rightful actor)', async () => {
    const c = await f.client('pmA1');
    expect((await c.post(`/leads/${f.leads.RA1}/feedback`, { status: 'meeting' })).statusCode).toBe(303);
    expect((await f.t.store.leads.get(f.leads.RA1))?.status).toBe('meeting');
    const api = await f.app.inject({ method: 'POST', url: `/api/v1/leads/${f.leads.T2}/pass`, headers: { authorization: `Bearer ${tokens.get('dmA')!}`, 'content-type': 'application/json' }, payload: JSON.stringify({ partnerId: f.partners.A1 }) });
    expect(api.statusCode, api.body).toBe(200);
    expect((await f.t.store.leads.get(f.leads.T2))?.partnerId).toBe(f.partners.A1);
  });
});
