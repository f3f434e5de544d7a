// Acceptance: 200 concurrent reservation attempts from 50 partners on one lead give exactly one reservation and
// 199 OFFER.ALREADY_TAKEN answers, in one process (one Store, many concurrent reserve() calls) and across four
// processes on the same SQLite file, each under CPU load. And no partner ever reads contact data of a lead it
// did not reserve: leadForPartner gives the teaser before, the full lead to the winner only, nothing to the rest.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/partner.ts';
import { leadForPartner } from '../../src/services/lead-for-partner.ts';
import { reserve } from '../../src/services/reserve.ts';
import { repoRoot } from '../support/harness.ts';
import type { MarketContext } from '../support/market.ts';
import { cpuLoad, marketContext, offerTo, secrets, seedPartners, seedQualifiedLead } from '../support/market.ts';

const HOUR = 3_600_000;
const contact = Object.values(secrets);

interface Answer { partnerId: string; ok: boolean; code: string | null; message: string | null }

function tally(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a.ok ? 'reserved' : a.code!] = (out[a.ok ? 'reserved' : a.code!] ?? 0) + 1;
  return out;
}

async function raceSetup(t: MarketContext): Promise<{ leadId: string; partners: Partner[] }> {
  const now = t.clock.now();
  const partners = await seedPartners(t.store, 50, now);
  const lead = await seedQualifiedLead(t.store, 'RACE-1', 'warm', now);
  await offerTo(t.store, lead, partners, now, new Date(now.getTime() + 24 * HOUR));
  return { leadId: lead.id, partners };
}

async function noContactLeaks(t: MarketContext, leadId: string, partners: readonly Partner[], winner: string | null): Promise<void> {
  for (const p of partners) {
    const view = await leadForPartner(t.ctx, leadId, p.id);
    const shown = JSON.stringify(view);
    if (p.id === winner) {
      expect(view.ok && view.value.access).toBe('full');
      expect(shown).toContain(secrets.email);
    } else {
      if (winner === null) expect(view.ok && view.value.access).toBe('teaser');
      else expect(!view.ok && view.error.code).toBe('OFFER.ALREADY_TAKEN');
      for (const s of contact) expect(shown).not.toContain(s);
    }
  }
}

describe('reservation race', () => {
  let t: MarketContext;
  afterEach(async () => {
    await t.close();
  });

  it('in one process: 200 concurrent reserve() on one Store, under load → 1 reservation, 199 OFFER.ALREADY_TAKEN', async () => {
    t = await marketContext();
    const { leadId, partners } = await raceSetup(t);
    await noContactLeaks(t, leadId, partners, null);
    const stop = cpuLoad();
    const attempts = Array.from({ length: 200 }, (_, i) => partners[i % 50]!.id);
    const answers: Answer[] = await Promise.all(attempts.map(async (partnerId) => {
      const r = await reserve(t.ctx, { leadId, partnerId, userId: null });
      return { partnerId, ok: r.ok, code: r.ok ? null : r.error.code, message: r.ok ? null : r.error.message };
    }));
    stop();
    expect(tally(answers)).toEqual({ reserved: 1, 'OFFER.ALREADY_TAKEN': 199 });
    const winner = answers.find((a) => a.ok)!.partnerId;
    const lead = await t.store.leads.get(leadId);
    expect(lead).toMatchObject({ status: 'reserved', partnerId: winner });
    const offers = await t.store.offers.listByLead(leadId);
    expect(offers.filter((o) => o.status === 'reserved').map((o) => o.partnerId)).toEqual([winner]);
    expect(offers.filter((o) => o.status === 'taken')).toHaveLength(49);
    expect((await t.store.events.listByLead(leadId)).filter((e) => e.type === 'reserved')).toHaveLength(1);
    expect(await t.store.points.balances({})).toEqual([{ partnerId: winner, points: 2, entries: 1 }]);
    for (const a of answers.filter((x) => !x.ok && x.partnerId !== winner)) expect(a.message).toBe('Another partner reserved this lead first.');
    await noContactLeaks(t, leadId, partners, winner);
  });

  it('across 4 processes × 50 attempts on one store (SQLite file or PostgreSQL schema), each under load → 1 reservation, 199 OFFER.ALREADY_TAKEN', async () => {
    t = await marketContext();
    const { leadId, partners } = await raceSetup(t);
    const goFile = `${t.file}.go`;
    const ids = partners.map((p) => p.id).join(',');
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, [
      '--import', 'tsx', join(repoRoot, 'test/services/fixtures/reserve-racer.ts'), t.url, leadId, goFile, t.clock.now().toISOString(), ids,
    ], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }));
    const outputs = children.map((c) => {
      let out = '';
      let err = '';
      c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      return {
        ready: new Promise<void>((res) => { const check = () => (out.includes('ready') ? res() : setTimeout(check, 5)); check(); }),
        done: new Promise<Answer[]>((res, rej) => c.on('exit', (code) => {
          const last = out.trim().split('\n').pop() ?? '';
          if (code === 0) res(JSON.parse(last) as Answer[]);
          else rej(new Error(`racer exited ${code}: ${err.slice(0, 2000)}`));
        })),
      };
    });
    await Promise.all(outputs.map((o) => o.ready));
    writeFileSync(goFile, 'go');
    const answers = (await Promise.all(outputs.map((o) => o.done))).flat();
    expect(answers).toHaveLength(200);
    expect(tally(answers)).toEqual({ reserved: 1, 'OFFER.ALREADY_TAKEN': 199 });
    const winner = answers.find((a) => a.ok)!.partnerId;
    expect(await t.store.leads.get(leadId)).toMatchObject({ status: 'reserved', partnerId: winner });
    expect((await t.store.events.listByLead(leadId)).filter((e) => e.type === 'reserved')).toHaveLength(1);
    expect((await t.store.outbox.due(new Date(t.clock.now().getTime() + HOUR), 10)).filter((i) => i.key === `lead:${leadId}`)).toHaveLength(1);
    await noContactLeaks(t, leadId, partners, winner);
  }, 120_000);

  it('leadForPartner: not offered → refused; declined → still only the teaser; the holder sees its own history only', async () => {
    t = await marketContext();
    const now = t.clock.now();
    const partners = await seedPartners(t.store, 3, now);
    const [a, b, c] = partners as [Partner, Partner, Partner];
    const lead = await offerTo(t.store, await seedQualifiedLead(t.store, 'TEASE-1', 'hot', now), [a, b], now, new Date(now.getTime() + HOUR));
    const none = await leadForPartner(t.ctx, lead.id, c.id);
    expect(!none.ok && none.error.code).toBe('OFFER.NOT_OFFERED_TO_PARTNER');
    const teaser = await leadForPartner(t.ctx, lead.id, a.id);
    expect(teaser.ok && teaser.value).toMatchObject({
      access: 'teaser', teaser: { country: 'DE', postalArea: '10', temperature: 'hot', budgetBand: '10,000–50,000', remarksLength: 14, productInterest: ['heat-pump'] },
    });
    expect(JSON.stringify(teaser)).not.toContain('Company TEASE-1');
    expect((await reserve(t.ctx, { leadId: lead.id, partnerId: a.id, userId: null })).ok).toBe(true);
    const full = await leadForPartner(t.ctx, lead.id, a.id);
    expect(full.ok && full.value.access === 'full' && full.value.lead.data.email).toBe(secrets.email);
    expect(full.ok && full.value.access === 'full' && full.value.history.every((e) => e.partnerId === null || e.partnerId === a.id)).toBe(true);
  });
});

