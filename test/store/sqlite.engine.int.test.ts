// SQLite-specific behaviour the contract cannot see: the file survives close/reopen and kill -9, pragmas,
// migrations, URL handling, foreign keys, and the speed of the hot paths.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openStore } from '../../src/store/index.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { at, bump, idGen, incoming, incomingPartner, leadWriteBack, T0 } from './contract/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadrelay-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = (): string => join(dir, `case-${++n}`, 'leadrelay.db');

describe('sqlite engine', () => {
  it('data survives close and reopen of the file', async () => {
    const file = freshFile();
    const first = await openStore({ url: `sqlite:${file}` });
    const [lead] = (await first.leads.upsertIncoming([incoming('00Q1')], T0, idGen('L'))).map((o) => o.lead);
    await first.partners.upsertMany([incomingPartner('P1')], T0, idGen('P'));
    if (lead === undefined) throw new Error('seed');
    const saved = bump(lead, { status: 'reserved', partnerId: 'P00001', reservedAt: at(1) }, at(1));
    await first.transaction(async (tx) => {
      await tx.leads.save(saved);
      await tx.offers.createMany([{ leadId: lead.id, partnerId: 'P00001', wave: 1, score: 1, rank: 1, offeredAt: T0, expiresAt: at(60), explanation: { a: 1 } }], idGen('O'));
      await tx.outbox.enqueue([leadWriteBack(lead)], at(1));
      await tx.kv.set('token', 'secret-ish', at(1));
    });
    await first.close();
    await first.close(); // idempotent

    const again = await openStore({ url: `sqlite:${file}` });
    expect(await again.leads.get(lead.id)).toEqual(saved);
    expect((await again.partners.get('P00001'))?.externalId).toBe('P1');
    expect((await again.offers.get('O00001'))?.status).toBe('open');
    expect(await again.offers.explanation('O00001')).toEqual({ a: 1 });
    expect((await again.outbox.due(at(1), 10)).map((i) => i.writeBack)).toEqual([leadWriteBack(lead)]);
    expect(await again.kv.get('token')).toBe('secret-ish');
    await again.close();
  });

  it('every commit reported before kill -9 is still there after reopening', async () => {
    const file = freshFile();
    await migrate(`sqlite:${file}`);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const lastReported = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n').filter((l) => l !== '');
        if (lines.length >= 300) {
          child.kill('SIGKILL');
          resolve(Number(lines[lines.length - 1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)));
    });
    await new Promise((r) => child.once('close', r));
    expect(lastReported).toBeGreaterThanOrEqual(300);

    const raw = new BetterSqlite3(file);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const store = await openStore({ url: `sqlite:${file}` });
    for (const i of [1, Math.floor(lastReported / 2), lastReported]) expect(await store.kv.get(`k${i}`)).toBe(String(i));
    const runs = await store.runs.last('crash-test', 1_000_000);
    expect(runs.length).toBeGreaterThanOrEqual(lastReported);
    await store.close();
  });

  it('migrate applies 0001 once; openStore on a migrated file applies nothing new', async () => {
    const file = freshFile();
    // Every migration, in order (several issues add them side by side: the list comes from the registry).
    expect(await migrate(`sqlite:${file}`)).toEqual(Object.keys(migrations).sort());
    expect(Object.keys(migrations).slice(0, 4)).toEqual(['0001_initial', '0002_outbox_sent_revision', '0003_lead_keys', '0004_marketplace']);
    expect(await migrate(`sqlite:${file}`)).toEqual([]);
    const store = await openStore({ url: `sqlite:${file}` });
    expect(await store.kv.get('x')).toBeNull();
    await store.close();
  });

  it('resolves relative paths against baseDir, creates parent dirs, refuses other schemes without echoing them', async () => {
    const store = await openStore({ url: 'sqlite:nested/deeper/app.db', baseDir: join(dir, 'rel') });
    await store.close();
    expect(existsSync(join(dir, 'rel', 'nested', 'deeper', 'app.db'))).toBe(true);
    await expect(openStore({ url: 'mysql://user:hunter2@db/leadrelay' })).rejects.toThrow(/Unsupported store url scheme mysql:/);
    await expect(openStore({ url: 'mysql://user:hunter2@db/leadrelay' })).rejects.not.toThrow(/hunter2/);
    await expect(openStore({ url: 'sqlite:' })).rejects.toThrow(/has no path/);
  });

  it('enforces foreign keys (foreign_keys=ON)', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    await expect(store.offers.createMany([{ leadId: 'missing', partnerId: 'missing', wave: 1, score: 1, rank: 1, offeredAt: T0, expiresAt: T0, explanation: {} }], idGen('O')))
      .rejects.toThrow(/FOREIGN KEY/);
    await store.close();
  });

  it('a corrupt row fails loudly at the read boundary, naming table and column', async () => {
    const file = freshFile();
    const store = await openStore({ url: `sqlite:${file}` });
    await store.leads.upsertIncoming([incoming('00Q1')], T0, idGen('L'));
    await store.close();
    const raw = new BetterSqlite3(file);
    raw.prepare(`update leads set status = 'bogus', data = '{"email": 5}'`).run();
    raw.close();
    const reopened = await openStore({ url: `sqlite:${file}` });
    await expect(reopened.leads.get('L00001')).rejects.toThrow(/leads row .*status.*data\.email/);
    await reopened.close();
  });
});

// Volume behaviour (correct results at realistic sizes). Speed is measured by `npm run bench`, not asserted here.
describe('sqlite at volume', () => {

  it('upsertIncoming of 5,000 leads classifies created, unchanged and changed', async () => {
    const store = await openStore({ url: `sqlite:${freshFile()}` });
    const batch = Array.from({ length: 5000 }, (_, i) => incoming(`00Q${i}`));
    const created = await store.leads.upsertIncoming(batch, T0, idGen('L'));
    const same = await store.leads.upsertIncoming(batch.map((b) => ({ ...b, crmStamp: 'S2' })), at(1), idGen('X'));
    const changed = await store.leads.upsertIncoming(batch.map((b) => ({ ...b, contentHash: 'v2' })), at(2), idGen('X'));
    expect([created.length, same.every((o) => o.kind === 'unchanged'), changed.every((o) => o.kind === 'changed')]).toEqual([5000, true, true]);
    await store.close();
  });

  it('partner stats for 2,000 partners with 40,000 offers add up', async () => {
    const store = await openStore({ url: `sqlite:${freshFile()}` });
    await store.partners.upsertMany(Array.from({ length: 2000 }, (_, i) => incomingPartner(`P${i}`)), T0, idGen('P'));
    const leads = (await store.leads.upsertIncoming(Array.from({ length: 4000 }, (_, i) => incoming(`L${i}`)), T0, idGen('L'))).map((o) => o.lead);
    const offers = leads.flatMap((l, i) => Array.from({ length: 10 }, (_, k) => ({
      leadId: l.id, partnerId: `P${String(((i * 10 + k) % 2000) + 1).padStart(5, '0')}`, wave: 1, score: 1, rank: k + 1,
      offeredAt: at(i % 1000), expiresAt: at(2000), explanation: { k },
    })));
    const created = await store.offers.createMany(offers, idGen('O'));
    expect(created).toHaveLength(40_000);
    for (const l of leads.slice(0, 1000)) await store.offers.closeForLead(l.id, 'taken', at(1500), `P${String(((leads.indexOf(l) * 10) % 2000) + 1).padStart(5, '0')}`);
    const stats = await store.partners.stats('all', at(3000), 7);
    expect(stats.size).toBe(2000);
    expect([...stats.values()].reduce((s, x) => s + x.offered, 0)).toBe(40_000);
    expect([...stats.values()].reduce((s, x) => s + x.reserved, 0)).toBe(1000);
    await store.close();
  });
});
