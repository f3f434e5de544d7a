// A seeded organisation tree for web tests: two distributors with resellers, the manufacturer's admin and a
// channel manager, an agency, and leads in every state a page shows, each carrying unique marker strings in its
// contact fields so a test can see exactly which lead data reached a response.
//
//   manufacturer: admin, cm (channel manager, portfolio: distributor A and below)
//   DA (distributor A) ── A1 (reseller), A2 (reseller)        dmA, pmA1, repA1, pmA2
//   DB (distributor B) ── B1 (reseller)                       dmB, pmB1  ("another organisation")
//   agency:callco                                             agency
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { configSchema } from '../../src/config/schema.ts';
import type { Lead, LeadData, LeadStatus } from '../../src/domain/lead.ts';
import { leadDataSchema } from '../../src/domain/lead.ts';
import type { PartnerData, User, UserRole } from '../../src/domain/partner.ts';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import type { MailMessage, MailTransport } from '../../src/notify/transport.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import { createNotifier } from '../../src/notify/notifier.ts';
import { reserve } from '../../src/services/reserve.ts';
import { contentHash } from '../../src/services/context.ts';
import { buildWebApp } from '../../src/web/app.ts';
import { newApiToken, randomToken, sha256 } from '../../src/web/auth/tokens.ts';
import type { WebConfig } from '../../src/web/config-schema.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { seededRandom } from '../../src/services/context.ts';
import { openStoreAt, testStoreUrl } from '../support/stores.ts';
import type { TestContext } from '../support/context.ts';
import { defaultSettings, testClock } from '../support/context.ts';

export const SECRET = 'test-secret-test-secret-test-secret-0123456789';

export const actorNames = ['admin', 'cm', 'dmA', 'pmA1', 'repA1', 'pmA2', 'agency', 'dmB', 'pmB1'] as const;
export type ActorName = (typeof actorNames)[number];
export const leadKeys = ['T1', 'T2', 'RA1', 'RA1r', 'RA2', 'RB1', 'Q1', 'E1', 'E2'] as const;
export type LeadKey = (typeof leadKeys)[number];
export const partnerKeys = ['DA', 'A1', 'A2', 'DB', 'B1'] as const;
export type PartnerKey = (typeof partnerKeys)[number];

/** Contact markers of a lead: none of them may appear where the lead is only a teaser or not visible. */
export const markersOf = (k: LeadKey): string[] => [`SECRET-${k}-X`, `${k.toLowerCase()}-x@secret.example`, `Company-${k}-X`, `Secret Street ${k}-X`];
export const partnerName = (k: PartnerKey): string => `Name-${k} GmbH`;

export interface CapturedMail extends MailMessage { readonly at: number }

export interface WebFixture {
  readonly t: TestContext;
  /** The SQLite file (tests read it directly to prove nothing changed). */
  readonly dbFile: string;
  /** The store's url: `sqlite:<dbFile>`, or a PostgreSQL schema with LEADRELAY_TEST_STORE=postgres. */
  readonly storeUrl: string;
  readonly app: FastifyInstance;
  readonly notifier: Notifier;
  readonly mails: CapturedMail[];
  readonly partners: Record<PartnerKey, string>;
  readonly leads: Record<LeadKey, string>;
  readonly users: Record<ActorName, User>;
  readonly web: WebConfig & { secret: string };
  /** A signed-in browser-like client (session cookie + CSRF token). */
  client(actor: ActorName | null): Promise<Client>;
  /** An API token for the actor. */
  token(actor: ActorName): Promise<string>;
  close(): Promise<void>;
}

export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  /** A form post carrying the CSRF token. */
  post(url: string, form?: Record<string, string | string[]>): Promise<LightMyRequestResponse>;
  /** JSON to the API with this session (CSRF header included). */
  json(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  /** A request with this session's cookies and nothing added (no CSRF token). */
  raw(method: string, url: string, payload: string, contentType: string): Promise<LightMyRequestResponse>;
}

const HOUR = 3_600_000;

function leadData(k: LeadKey, over: Partial<LeadData> = {}): LeadData {
  return leadDataSchema.parse({
    firstName: `First-${k}`, lastName: `SECRET-${k}-X`, email: `${k.toLowerCase()}-x@secret.example`, phone: `+49 30 5550${leadKeys.indexOf(k)}`,
    street: `Secret Street ${k}-X`, company: `Company-${k}-X`, city: 'Berlin', postalCode: '10115', region: 'Berlin', country: 'DE',
    productInterest: ['heatpump'], source: 'Web', remarks: `Remarks of ${k}`, budget: 42_000, ...over,
  });
}

export async function webFixture(o: { web?: Partial<WebConfig>; transport?: MailTransport | null } = {}): Promise<WebFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-web-'));
  const dbFile = join(dir, 'web.db');
  const where = await testStoreUrl(`sqlite:${dbFile}`);
  const store = await openStoreAt(where);
  const clock = testClock();
  const ctx: ServiceContext = { store, clock, ids: { next: () => randomUUID() }, random: seededRandom(7), logger: nullLogger, settings: defaultSettings() };
  const t: TestContext = { ctx, clock, store, close: async () => { await store.close(); await where.drop(); rmSync(dir, { recursive: true, force: true }); } };
  const now = clock.now();
  const partnerInput = (k: PartnerKey, data: Partial<PartnerData>) => {
    const d = partnerDataSchema.parse({ name: partnerName(k), country: 'DE', products: ['heatpump'], email: `office-${k.toLowerCase()}@partner.example`, ...data });
    return { crm: 'local' as const, externalId: `X-${k}`, data: d, contentHash: contentHash(d) };
  };
  await store.partners.upsertMany([
    partnerInput('DA', { kind: 'distributor' }), partnerInput('A1', { parentExternalId: 'X-DA' }), partnerInput('A2', { parentExternalId: 'X-DA' }),
    partnerInput('DB', { kind: 'distributor', country: 'AT' }), partnerInput('B1', { parentExternalId: 'X-DB', country: 'AT' }),
  ], now, () => randomUUID());
  const partners = {} as Record<PartnerKey, string>;
  for (const k of partnerKeys) partners[k] = (await store.partners.getByExternalId(`X-${k}`))!.id;

  const org = (a: ActorName): string => ({ admin: 'manufacturer', cm: 'manufacturer', dmA: partners.DA, pmA1: partners.A1, repA1: partners.A1, pmA2: partners.A2, agency: 'agency:callco', dmB: partners.DB, pmB1: partners.B1 })[a];
  const roles: Record<ActorName, UserRole[]> = {
    admin: ['admin'], cm: ['channel_manager'], dmA: ['distributor_manager'], pmA1: ['partner_manager'], repA1: ['sales_rep'], pmA2: ['partner_manager'],
    agency: ['agency_qualifier'], dmB: ['distributor_manager'], pmB1: ['partner_manager'],
  };
  const users = {} as Record<ActorName, User>;
  for (const a of actorNames) {
    users[a] = { id: `u-${a}`, email: `${a.toLowerCase()}@people.example`, name: `Person ${a}`, orgId: org(a), roles: roles[a], active: true, externalId: null };
    await store.users.upsert(users[a]);
  }
  await store.identity.setScopes(users.cm.id, [{ kind: 'partner', value: partners.DA }]);

  const outcomes = await store.leads.upsertIncoming(leadKeys.map((k) => {
    const data = leadData(k, k === 'E2' ? { country: 'AT', city: 'Wien', region: 'Wien' } : {});
    return { crm: 'salesforce' as const, externalId: `SF-${k}`, data, contentHash: contentHash(data), crmStamp: now.toISOString(), crmConverted: false, crmOpportunityId: null };
  }), now, () => randomUUID());
  const leads = {} as Record<LeadKey, string>;
  leadKeys.forEach((k, i) => { leads[k] = outcomes[i]!.lead.id; });

  const setStatus = async (id: string, status: LeadStatus, extra: Partial<Lead> = {}): Promise<void> => {
    const lead = (await store.leads.get(id))!;
    const q = { outcome: status === 'needs_qualification' ? 'needs_qualification' as const : 'qualified' as const, reasons: [{ rule: 'required', message: 'company is missing' }], temperature: 'warm' as const, decidedAt: now, decidedBy: 'rules' };
    if (!(await store.leads.save({ ...lead, status, qualification: q, temperature: 'warm', statusChangedAt: now, ...extra, version: lead.version + 1 }))) throw new Error('fixture save');
  };
  const offer = async (k: LeadKey, to: readonly PartnerKey[]): Promise<void> => {
    await setStatus(leads[k], 'offered', { wave: 1 });
    await store.offers.createMany(to.map((p, i) => ({
      leadId: leads[k], partnerId: partners[p], wave: 1, score: 50 - i, rank: i + 1, offeredAt: now, expiresAt: new Date(now.getTime() + 48 * HOUR), explanation: {},
    })), () => randomUUID());
    await store.events.append([{ leadId: leads[k], at: now, type: 'offered', actor: 'system', partnerId: null, data: { wave: 1, partners: to.map((p) => partners[p]) } }]);
  };
  const held = async (k: LeadKey, p: PartnerKey, by: ActorName): Promise<void> => {
    await offer(k, [p]);
    const r = await reserve(ctx, { leadId: leads[k], partnerId: partners[p], userId: users[by].id });
    if (!r.ok) throw new Error(`fixture reserve ${k}: ${r.error.message}`);
  };
  await offer('T1', ['A1', 'B1']);
  await offer('T2', ['DA']);
  await held('RA1', 'A1', 'pmA1');
  await held('RA1r', 'A1', 'repA1');
  await held('RA2', 'A2', 'pmA2');
  await held('RB1', 'B1', 'pmB1');
  await setStatus(leads.Q1, 'needs_qualification');
  for (const [k, p] of [['E1', 'A1'], ['E2', 'B1']] as const) {
    await offer(k, [p]);
    await store.offers.closeForLead(leads[k], 'expired', now);
    await setStatus(leads[k], 'expired');
    await store.events.append([{ leadId: leads[k], at: now, type: 'escalated', actor: 'system', partnerId: null, data: { reason: 'last wave ended unclaimed' } }]);
  }

  const mails: CapturedMail[] = [];
  const transport: MailTransport = o.transport !== undefined && o.transport !== null ? o.transport : {
    async send(m) { mails.push({ ...m, at: Date.now() }); return { messageId: m.messageId, response: '250 ok' }; },
    close() {},
  };
  const base = configSchema.parse({}).web;
  const web = { ...base, publicUrl: 'http://leadrelay.test', ...o.web, secret: SECRET, rateLimit: o.web?.rateLimit ?? { loginPerMinute: 1000, actionsPerMinute: 10_000, readsPerMinute: 100_000 } };
  const mail = { ...configSchema.parse({}).mail, enabled: true };
  const notifier = createNotifier({ store, settings: ctx.settings, web, mail, clock, logger: ctx.logger, transport: o.transport === null ? null : transport });
  await notifier.runOnce(); // sets the planner's cursor: the seeded history is not mailed about
  const app = await buildWebApp({ ctx, web, notifier, logger: ctx.logger });

  const client = async (actor: ActorName | null): Promise<Client> => {
    const cookies: Record<string, string> = {};
    if (actor !== null) {
      const id = randomToken();
      await store.identity.createSession({ hash: sha256(id), userId: users[actor].id, createdAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 24 * HOUR) });
      cookies['lr_session'] = id;
    }
    let csrf: string | null = null;
    const keep = (res: LightMyRequestResponse): LightMyRequestResponse => {
      for (const c of res.cookies) cookies[c.name] = c.value;
      return res;
    };
    const token = async (): Promise<string> => {
      if (csrf !== null) return csrf;
      const res = keep(await app.inject({ method: 'GET', url: '/login', cookies }));
      const page = res.statusCode === 303 ? keep(await app.inject({ method: 'GET', url: '/settings', cookies })) : res;
      const m = /name="_csrf" value="([^"]+)"/.exec(page.body);
      if (m === null) throw new Error(`no csrf token on the page (${page.statusCode})`);
      csrf = m[1]!;
      return csrf;
    };
    return {
      get: async (url) => keep(await app.inject({ method: 'GET', url, cookies })),
      post: async (url, form = {}) => keep(await app.inject({ method: 'POST', url, cookies, payload: new URLSearchParams(Object.entries({ ...form, _csrf: await token() }).flatMap(([k, v]) => [v].flat().map((x): [string, string] => [k, x]))).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })),
      raw: async (method, url, payload, contentType) => keep(await app.inject({ method: method as 'POST', url, cookies, payload, headers: { 'content-type': contentType } })),
      json: async (method, url, body) => keep(await app.inject({ method: method as 'GET', url, cookies, headers: { 'x-csrf-token': await token(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })),
    };
  };

  return {
    t, dbFile, storeUrl: where.url, app, notifier, mails, partners, leads, users, web,
    client,
    async token(actor) {
      const x = newApiToken();
      await store.identity.createApiToken({ id: x.id, userId: users[actor].id, name: 'test', createdAt: clock.now(), hash: x.hash });
      return x.token;
    },
    async close() {
      await app.close();
      await notifier.close();
      await t.close();
    },
  };
}
