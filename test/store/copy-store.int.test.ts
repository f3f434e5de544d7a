// `leadrelay copy-store` end to end: a SQLite store populated through the services (reservations, points,
// outbox, quarantine, identity, mail, a partner tree with a cycle) is copied by the CLI into a fresh PostgreSQL
// database, and every contract-level read agrees between the two. Also: a non-empty target is refused,
// --force re-copies, new rows get ids past the copied ones, and the password never appears in the output.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import type { CliIO } from '../../src/cli/shared.ts';
import type { Store } from '../../src/domain/ports.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { seededRandom } from '../../src/services/context.ts';
import { recordFeedback } from '../../src/services/feedback.ts';
import { reserve } from '../../src/services/reserve.ts';
import { openStore } from '../../src/store/index.ts';
import { defaultSettings, testClock } from '../support/context.ts';
import { offerTo, seedPartners, seedQualifiedLead } from '../support/market.ts';
import type { PgDatabase } from '../support/stores.ts';
import { freshPgDatabase, freshPgSchema } from '../support/stores.ts';
import { at, incomingPartner, leadWriteBack, T0 } from './contract/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadrelay-copy-'));
const file = join(dir, 'source.db');
const FAR = new Date('2100-01-01T00:00:00.000Z');
let target: PgDatabase;
let targetUrl: string;

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: dir, logger: nullLogger, status: { exitCode: 0 } };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A store with something in every kind of table, written the way the services write it. */
async function populate(store: Store): Promise<void> {
  const clock = testClock();
  const ctx: ServiceContext = { store, clock, ids: { next: () => randomUUID() }, random: seededRandom(7), logger: nullLogger, settings: defaultSettings() };
  const now = clock.now();
  const partners = await seedPartners(store, 6, now);
  // A distributor tree, and a cycle in bad CRM data (X1 <-> X2): parent_id references must survive the copy.
  await store.partners.upsertMany([
    incomingPartner('D1', { kind: 'distributor' }), incomingPartner('R1', { parentExternalId: 'D1' }),
    incomingPartner('X1', { parentExternalId: 'X2' }), incomingPartner('X2', { parentExternalId: 'X1' }),
  ], now, () => `tree-${randomUUID()}`);
  for (let i = 0; i < 5; i++) {
    const lead = await seedQualifiedLead(store, `CP-${i}`, i % 2 === 0 ? 'hot' : 'warm', now);
    await offerTo(store, lead, partners.slice(0, 3), now, new Date(now.getTime() + 86_400_000));
    if (i < 3) {
      const r = await reserve(ctx, { leadId: lead.id, partnerId: partners[i]!.id, userId: null });
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  clock.advance(3_600_000);
  const held = await store.leads.list({ status: ['reserved'] });
  const fb = await recordFeedback(ctx, { leadId: held[0]!.id, partnerId: held[0]!.partnerId!, userId: null, status: 'contacted', comment: 'called' });
  if (!fb.ok) throw new Error(fb.error.message);
  await store.quarantine.putRecord({ crm: 'salesforce', object: 'Lead', externalId: '00QBAD', reason: { code: 'MAPPING.MISSING', message: 'no country' }, payload: { Id: '00QBAD' } }, now);
  const [item] = await store.outbox.due(FAR, 1);
  if (item !== undefined) await store.outbox.quarantine(item.id, item.revision, { code: 'CRM.REJECTED', message: 'bad' }, now);
  await store.outbox.enqueue([leadWriteBack(held[1]!, 'later')], now);
  const run = await store.runs.start('sync', now);
  await store.runs.finish(run, now, { pulled: 5 }, true);
  await store.kv.set('sf.refreshToken', 'token', now);
  await store.cursors.set('salesforce', 'Lead', { stamp: now.toISOString(), lastId: '00Q9' }, now);
  await store.users.upsert({ id: 'u1', email: 'Ana@Example.test', name: 'Ana', orgId: partners[0]!.id, roles: ['partner_manager'], active: true, externalId: null });
  await store.identity.createSession({ hash: 'sess', userId: 'u1', createdAt: now, expiresAt: at(1_000_000) });
  await store.identity.setScopes('u1', [{ kind: 'country', value: 'DE' }]);
  await store.mail.enqueue([{ dedupeKey: 'm1', kind: 'reminder', userId: 'u1', leadId: held[0]!.id, to: 'ana@example.test', subject: 's', html: '<p>h</p>', text: 't', createdAt: now, notBefore: now }]);
  await store.availability.add({ partnerId: partners[1]!.id, from: now, to: at(10_000_000), reason: 'holiday', createdAt: now, createdBy: 'u1' });
}

/** Everything a caller can read through the ports, in one comparable value. */
async function snapshot(store: Store): Promise<unknown> {
  const leads = await store.leads.list({});
  const perLead = [];
  for (const l of leads) {
    perLead.push({ offers: await store.offers.listByLead(l.id), events: await store.events.listByLead(l.id), feedback: await store.feedback.listByLead(l.id), plan: await store.plans.get(l.id) });
  }
  const partners = await store.partners.list();
  return {
    leads, perLead, partners, counts: await store.leads.countByStatus(), offerCounts: await store.offers.countByStatus(),
    stats: [...(await store.partners.stats('all', FAR, 30)).entries()],
    tree: await store.partners.descendants(partners.find((p) => p.externalId === 'D1')!.id),
    outbox: await store.outbox.due(FAR, 100), backlog: await store.outbox.backlog(),
    quarantine: await store.quarantine.list(), runs: await store.runs.last('sync', 10), kv: await store.kv.get('sf.refreshToken'),
    cursors: await store.cursors.list(), users: await store.identity.listUsers(), session: await store.identity.session('sess'),
    scopes: await store.identity.scopes('u1'), mail: await store.mail.list({}), lastEvent: await store.mail.lastEventId(),
    points: await store.points.entries({}), away: await store.availability.list('all', T0),
  };
}

beforeAll(async () => {
  const source = await openStore({ url: `sqlite:${file}` });
  await populate(source);
  await source.close();
  target = await freshPgDatabase('lr_copy');
  // trust auth ignores the password; it is there to prove it is never printed.
  targetUrl = target.url.replace('postgres://postgres@', 'postgres://postgres:s3cret-pw@');
});
afterAll(async () => {
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('copy-store', () => {
  it('copies every table in one transaction; the contract-level reads agree; counts are printed per table', async () => {
    const r = await cli(['copy-store', '--from', 'sqlite:source.db', '--to', targetUrl, '--batch-size', '2']);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^table\s+source\s+target/m);
    expect(r.out).toMatch(/^leads\s+5\s+5$/m);
    expect(r.out).toMatch(/^partners\s+10\s+10$/m);
    expect(r.out).toMatch(/counts match/);
    expect(`${r.out}\n${r.err}`).not.toContain('s3cret-pw');

    const source = await openStore({ url: `sqlite:${file}` });
    const copy = await openStore({ url: target.url });
    try {
      const expected = await snapshot(source);
      // The source really has something in the tables that matter (an empty comparison proves nothing).
      const e = expected as Record<'quarantine' | 'points' | 'outbox' | 'mail' | 'away' | 'tree', unknown[]>;
      expect([e.quarantine.length, e.points.length > 0, e.outbox.length > 0, e.mail.length, e.away.length, e.tree.length]).toEqual([2, true, true, 1, 1, 1]);
      expect(await snapshot(copy)).toEqual(expected);
      // New rows continue after the copied ids instead of colliding with them.
      const lastRun = (await source.runs.last('sync', 1))[0]!.id;
      expect(await copy.runs.start('sync', T0)).toBe(lastRun + 1);
    } finally {
      await source.close();
      await copy.close();
    }
  });

  it('refuses a non-empty target, naming the tables; --force replaces its rows', async () => {
    const refused = await cli(['copy-store', '--from', 'sqlite:source.db', '--to', targetUrl]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/the target .*\/lr_copy_\w+ is not empty: .*leads \(5\).*pass --force/);
    expect(refused.err).not.toContain('s3cret-pw');
    const forced = await cli(['copy-store', '--from', 'sqlite:source.db', '--to', targetUrl, '--force', '--json']);
    expect(forced.code).toBe(0);
    const result = JSON.parse(forced.out) as { tables: Array<{ table: string; source: number; target: number }> };
    expect(result.tables.find((t) => t.table === 'runs')).toEqual({ table: 'runs', source: 1, target: 1 });
    expect(result.tables.every((t) => t.source === t.target)).toBe(true);
    // Foreign-key order: parents before children.
    const order = result.tables.map((t) => t.table);
    expect(order.indexOf('partners')).toBeLessThan(order.indexOf('leads'));
    expect(order.indexOf('leads')).toBeLessThan(order.indexOf('offers'));
    expect(order.indexOf('outbox')).toBeLessThan(order.indexOf('quarantine'));
  });

  it('refuses wrong directions and missing sources with a clear message', async () => {
    expect((await cli(['copy-store', '--from', targetUrl, '--to', targetUrl])).err).toMatch(/--from must be a SQLite store/);
    expect((await cli(['copy-store', '--from', 'sqlite:source.db', '--to', 'sqlite:other.db'])).err).toMatch(/--to must be a PostgreSQL url/);
    expect((await cli(['copy-store', '--from', 'sqlite:nope.db', '--to', targetUrl])).err).toMatch(/no SQLite database at .*nope\.db/);
  });
});

describe('migrate on PostgreSQL', () => {
  it('`leadrelay migrate` applies the migrations to the configured PostgreSQL store, then reports it up to date', async () => {
    const schema = await freshPgSchema('lr_migrate');
    try {
      const config = join(dir, 'pg.yaml');
      writeFileSync(config, `store:\n  url: ${JSON.stringify(schema.url)}\n  poolSize: 2\n`);
      const first = await cli(['--config', config, 'migrate', '--json']);
      expect(first.err).toBe('');
      expect((JSON.parse(first.out) as { applied: string[] }).applied).toContain('0001_initial');
      expect((await cli(['--config', config, 'migrate'])).out).toBe('the database is up to date');
      const backup = await cli(['--config', config, 'backup', join(dir, 'b.db')]);
      expect(backup.err).toMatch(/use `pg_dump/);
    } finally {
      await schema.drop();
    }
  });
});
