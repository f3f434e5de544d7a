// The web client's behaviour beyond the authorisation matrix: sign-in (magic link, password), sessions,
// security headers, CSRF, rate limits, OpenAPI, the installable app, and each role's page doing its job.
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebFixture } from './fixture.ts';
import { webFixture } from './fixture.ts';

describe('web client', () => {
  let f: WebFixture;
  beforeAll(async () => { f = await webFixture(); });
  afterAll(async () => { await f.close(); });

  it('magic link: the same answer for known and unknown addresses; GET changes nothing; POST signs in once', async () => {
    const anon = await f.client(null);
    const known = await anon.post('/login', { email: 'PMA1@people.example' });
    const unknown = await anon.post('/login', { email: 'nobody@people.example' });
    expect(known.statusCode).toBe(200);
    expect(unknown.body.replace(/value="[^"]+"/g, '')).toBe(known.body.replace(/value="[^"]+"/g, ''));
    await f.notifier.runOnce();
    const mail = f.mails.find((m) => m.to === f.users.pmA1.email && m.subject === 'Your sign-in link')!;
    const path = /http:\/\/leadrelay\.test(\/auth\/[^\s"]+)/.exec(mail.text)![1]!;
    const token = path.split('/').pop()!;
    expect((await anon.get(path)).statusCode).toBe(200);
    expect((await anon.get(path)).statusCode).toBe(200);
    const signIn = await anon.post('/auth', { token });
    expect(signIn.statusCode).toBe(303);
    const cookie = signIn.cookies.find((c) => c.name === 'lr_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await anon.get('/picks')).statusCode).toBe(200);
    const replay = await (await f.client(null)).post('/auth', { token });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Sign-in links work once');
  });

  it('password sign-in (argon2) works when set, and refuses a wrong password the same way as an unknown user', async () => {
    await f.t.store.identity.setPassword(f.users.pmA2.id, await hash('correct horse battery'), f.t.clock.now());
    const c = await f.client(null);
    expect((await c.post('/login/password', { email: f.users.pmA2.email, password: 'wrong' })).statusCode).toBe(401);
    expect((await c.post('/login/password', { email: 'nobody@x.example', password: 'wrong' })).statusCode).toBe(401);
    const ok = await c.post('/login/password', { email: f.users.pmA2.email, password: 'correct horse battery' });
    expect(ok.statusCode).toBe(303);
    expect((await c.get('/leads')).statusCode).toBe(200);
  });

  it('sign-out ends the session in the database', async () => {
    const c = await f.client('pmB1');
    expect((await c.get('/picks')).statusCode).toBe(200);
    await c.post('/logout');
    const after = await c.get('/picks');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
  });

  it('sends strict security headers and no-store on pages', async () => {
    const res = await (await f.client('pmA1')).get('/picks');
    const csp = String(res.headers['content-security-policy']);
    for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"]) expect(csp).toContain(d);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toMatch(/<script>|style="/);
  });

  it('refuses a form without a valid CSRF token, and a cookie-authenticated API write without the header', async () => {
    const c = await f.client('pmA1');
    await c.get('/picks');
    for (const payload of ['', '_csrf=forged']) {
      const res = await c.raw('POST', `/leads/${f.leads.T1}/reserve`, payload, 'application/x-www-form-urlencoded');
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('This form has expired or came from elsewhere');
    }
    const api = await c.raw('POST', `/api/v1/leads/${f.leads.T1}/reserve`, '{}', 'application/json');
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({ error: { code: 'CSRF.INVALID' } });
    expect((await f.t.store.leads.get(f.leads.T1))?.status).toBe('offered');
  });

  it('limits sign-in attempts per address (429 with the error shape)', async () => {
    const g = await webFixture({ web: { rateLimit: { loginPerMinute: 2, actionsPerMinute: 60, readsPerMinute: 600 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await g.app.inject({ method: 'POST', url: '/login/password', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a@b.example&password=x' })).statusCode);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    } finally {
      await g.close();
    }
  });

  it('publishes OpenAPI for /api/v1 with the zod schemas as JSON Schema', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> }>();
    expect(Object.keys(doc.paths)).toContain('/api/v1/leads/{id}/feedback');
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    const body = doc.paths['/api/v1/leads/{id}/feedback']!['post']!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['status', 'amount', 'lostReason']));
  });

  it('API: validation errors and domain errors come back as { error: { code, message } }', async () => {
    const token = await f.token('pmA1');
    const bad = await f.app.inject({ method: 'POST', url: `/api/v1/leads/${f.leads.RA1r}/feedback`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ status: 'teleported' }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'REQUEST.INVALID' } });
    const won = await f.app.inject({ method: 'POST', url: `/api/v1/leads/${f.leads.RA1r}/feedback`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ status: 'won' }) });
    expect(won.json()).toMatchObject({ error: { code: 'FEEDBACK.INVALID', message: 'A won deal needs its amount.' } });
    const none = await f.app.inject({ method: 'GET', url: '/api/v1/leads', headers: { authorization: 'Bearer lr_nope_nope' } });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'AUTH.REQUIRED' } });
  });

  it('API tokens: shown once, stored hashed, revocable', async () => {
    const c = await f.client('dmB');
    const created = await c.post('/settings/tokens', { name: 'CRM sync' });
    const token = /class="token">([^<]+)</.exec(created.body)![1]!;
    const me = await f.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ user: { email: f.users.dmB.email } });
    expect((await c.get('/settings')).body).not.toContain(token);
    const [row] = await f.t.store.identity.listApiTokens(f.users.dmB.id);
    await c.post(`/settings/tokens/${row!.id}/revoke`);
    expect((await f.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });

  it('my leads list overdue ones first and take one-tap feedback', async () => {
    f.t.clock.advance(49 * 3_600_000);
    const c = await f.client('pmA1');
    try {
      const page = await c.get('/leads');
      expect(page.body).toContain('Feedback overdue');
      const picks = await c.get('/picks');
      expect(picks.body).toContain('Reserving is paused');
      const tap = await c.post(`/leads/${f.leads.RA1}/feedback`, { status: 'contacted' });
      expect(tap.statusCode).toBe(303);
      expect((await f.t.store.leads.get(f.leads.RA1))?.status).toBe('contacted');
    } finally {
      f.t.clock.advance(-49 * 3_600_000);
    }
  });

  it('team view: a partner manager gives a lead to a sales rep, who then sees it', async () => {
    const rep = await f.client('repA1');
    expect((await rep.get('/leads')).body).not.toContain(f.leads.RA1);
    const pm = await f.client('pmA1');
    expect((await pm.get('/team')).body).toContain('Person repA1');
    expect((await pm.post(`/leads/${f.leads.RA1}/rep`, { userId: f.users.repA1.id })).statusCode).toBe(303);
    expect((await rep.get('/leads')).body).toContain(f.leads.RA1);
  });

  it('channel manager: sees the escalation in the portfolio, the explanation, and assigns it', async () => {
    const cm = await f.client('cm');
    const overview = await cm.get('/overview');
    expect(overview.body).toContain(f.leads.E1);
    expect(overview.body).not.toContain(f.leads.E2);
    const why = await cm.get(`/leads/${f.leads.E1}/explain`);
    expect(why.statusCode).toBe(200);
    expect(why.body).toContain('Candidates:');
    expect((await cm.post(`/leads/${f.leads.E1}/assign`, { partnerId: f.partners.A2 })).statusCode).toBe(303);
    expect((await f.t.store.leads.get(f.leads.E1))?.partnerId).toBe(f.partners.A2);
  });

  it('agency: works the qualification queue and nothing else', async () => {
    const a = await f.client('agency');
    expect((await a.get('/queue')).body).toContain(f.leads.Q1);
    expect((await a.get('/picks')).statusCode).toBe(403);
    const r = await a.post(`/queue/${f.leads.Q1}`, { decision: 'rejected', reason: 'student project', 'set.company': 'ACME' });
    expect(r.statusCode).toBe(303);
    expect((await f.t.store.leads.get(f.leads.Q1))).toMatchObject({ status: 'rejected', data: { company: 'ACME' } });
  });

  it('admin: roles must fit the organisation; a deactivated user loses their sessions at once', async () => {
    const admin = await f.client('admin');
    const wrong = await admin.post('/admin/users', { email: 'x@people.example', orgId: f.partners.A1, roles: 'admin', active: 'on' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('do not fit a partner user');
    const victim = await f.client('pmA2');
    expect((await victim.get('/leads')).statusCode).toBe(200);
    expect((await admin.post('/admin/users', { email: f.users.pmA2.email, orgId: f.partners.A2, roles: 'partner_manager' })).statusCode).toBe(303);
    expect((await victim.get('/leads')).statusCode).toBe(303);
  });

  it('notification preferences are saved from the form and validated', async () => {
    const c = await f.client('pmB1');
    expect((await c.post('/settings/notifications', { offers: 'digest', digestTimes: '07:30, 16:00', timezone: 'Europe/Vienna', temperatures: ['hot', 'warm'], quietFrom: '20:00', quietTo: '07:00', reminders: 'on' })).statusCode).toBe(303);
    expect(await f.t.store.identity.preferences(f.users.pmB1.id)).toMatchObject({ offers: 'digest', digestTimes: ['07:30', '16:00'], timezone: 'Europe/Vienna', filters: { temperatures: ['hot', 'warm'] }, quietHours: { from: '20:00', to: '07:00' } });
    const bad = await c.post('/settings/notifications', { offers: 'instant', timezone: 'Mars/Base' });
    expect(bad.statusCode).toBe(400);
  });

  it('the installable app: manifest, service worker that never caches pages, icons as real PNGs', async () => {
    const m = (await f.app.inject({ method: 'GET', url: '/manifest.webmanifest' })).json<{ start_url: string; display: string; icons: Array<{ src: string; purpose?: string }> }>();
    expect(m).toMatchObject({ start_url: '/', display: 'standalone' });
    expect(m.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    const sw = (await f.app.inject({ method: 'GET', url: '/sw.js' })).body;
    expect(sw).toContain("'/offline'");
    expect(sw).not.toMatch(/\/api\/|\/leads/);
    const png = await f.app.inject({ method: 'GET', url: '/icons/icon-512.png' });
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(png.rawPayload.readUInt32BE(16)).toBe(512);
  });

  it('points: a partner sees its own name, other partners only as ranks', async () => {
    await f.t.store.points.add([
      { partnerId: f.partners.B1, leadId: null, rule: 'won', points: 10, at: f.t.clock.now(), key: 'p1' },
      { partnerId: f.partners.A1, leadId: null, rule: 'won', points: 5, at: f.t.clock.now(), key: 'p2' },
    ]);
    const page = (await (await f.client('pmA1')).get('/points')).body;
    expect(page).toContain('Name-A1 GmbH');
    expect(page).not.toContain('Name-B1 GmbH');
    expect(page).toContain('Partner ranked 1');
  });
});
