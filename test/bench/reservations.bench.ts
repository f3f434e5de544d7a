// Reservation benchmark: many leads, each offered to 200 partners, and for every lead 200 reservation attempts
// fired at once (one per partner) on one Store over a real SQLite file (WAL). Reports reservations per second
// (leads won per wall-clock second), attempts per second, and the latency of one attempt under that 200-way
// contention (call → answer, queueing included: the store serialises transactions, so the last of 200 waits
// for the 199 before it). Checks the outcome too: exactly one winner and 199 OFFER.ALREADY_TAKEN per lead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { nullLogger } from '../../src/lib/logger.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { seededRandom } from '../../src/services/context.ts';
import { reserve } from '../../src/services/reserve.ts';
import { openStore } from '../../src/store/index.ts';
import { defaultSettings, testClock } from '../support/context.ts';
import { offerTo, seedPartners, seedQualifiedLead } from '../support/market.ts';

export interface ReservationFigures {
  leads: number;
  contention: number;
  attempts: number;
  seconds: number;
  reservationsPerSecond: number;
  attemptsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export async function benchReservations(leads = 50, contention = 200): Promise<ReservationFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-bench-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'bench.db')}` });
  try {
    const clock = testClock();
    const ctx: ServiceContext = {
      store, clock, ids: { next: () => randomUUID() }, random: seededRandom(7), logger: nullLogger, settings: defaultSettings(),
    };
    const now = clock.now();
    const partners = await seedPartners(store, contention, now);
    const leadIds: string[] = [];
    for (let i = 0; i < leads; i++) {
      const lead = await seedQualifiedLead(store, `BENCH-${i}`, i % 2 === 0 ? 'hot' : 'cold', now);
      await offerTo(store, lead, partners, now, new Date(now.getTime() + 86_400_000));
      leadIds.push(lead.id);
    }
    // One race before the clock starts: JIT and the SQLite page cache warm up on it.
    const warm = await offerTo(store, await seedQualifiedLead(store, 'BENCH-WARM', 'warm', now), partners, now, new Date(now.getTime() + 86_400_000));
    await Promise.all(partners.map((p) => reserve(ctx, { leadId: warm.id, partnerId: p.id, userId: null })));
    const latencies: number[] = [];
    let won = 0;
    const t0 = performance.now();
    for (const leadId of leadIds) {
      const answers = await Promise.all(partners.map(async (p) => {
        const start = performance.now();
        const r = await reserve(ctx, { leadId, partnerId: p.id, userId: null });
        latencies.push(performance.now() - start);
        return r.ok ? 'won' : r.error.code;
      }));
      const wins = answers.filter((a) => a === 'won').length;
      const taken = answers.filter((a) => a === 'OFFER.ALREADY_TAKEN').length;
      if (wins !== 1 || taken !== contention - 1) throw new Error(`lead ${leadId}: ${wins} winners, ${taken} already taken`);
      won += wins;
    }
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      leads, contention, attempts: latencies.length, seconds,
      reservationsPerSecond: won / seconds, attemptsPerSecond: latencies.length / seconds,
      p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies.at(-1) ?? 0,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
