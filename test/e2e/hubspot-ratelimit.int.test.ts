// Acceptance: under HubSpot's 10-second limit of 100 requests per account, a full cycle (partners, 3,000 MQL
// contacts with their companies, qualification, offers, write-back; then reservations and feedback becoming deals)
// finishes without a single unhandled 429 and reports the calls it spent, by stage.
import { describe, expect, it } from 'vitest';
import { hubspotScenario } from '../connectors/hubspot/scenario.ts';

describe('HubSpot under the burst limit', () => {
  it('runs a full cycle under 100 requests per 10 s without an unhandled 429, reporting the calls it spent', async () => {
    const r = await hubspotScenario({ contacts: 5000, mqls: 3000, partners: 120, deals: 150 });
    expect(r.first.error).toBeNull();
    expect(r.second.error).toBeNull();
    expect(r.first.leads).toMatchObject({ created: 3000, quarantined: 0 });
    expect(r.first.writeBacks).toMatchObject({ ok: 3000, retried: 0, quarantined: 0 });
    expect(r.second.writeBacks?.quarantined).toBe(0);
    expect(r.deals).toBe(150);
    // The limiter paced the cycle below the limit: the emulator refused nothing.
    expect(r.emulator.throttled).toBe(0);
    expect(r.limiterWaits.count).toBeGreaterThan(0);
    const spent = Object.values(r.first.apiCalls).reduce((a, b) => a + b, 0) + Object.values(r.second.apiCalls).reduce((a, b) => a + b, 0);
    expect(spent).toBeGreaterThan(100);
    expect(r.first.apiCalls).toMatchObject({ 'pull-leads': expect.any(Number), 'pull-companies': expect.any(Number), 'write-lead': 30 });
    // Per flush batch at most one update of existing deals and one create of the new ones (with their associations).
    expect(r.second.apiCalls['write-opportunity']).toBeLessThanOrEqual(2 * (r.second.writeBacks?.batches ?? 0));
    // 80 requests per 10 s (burstShare 0.8): the cycle takes at least that long on the account's clock.
    expect(r.accountSeconds).toBeGreaterThanOrEqual(Math.floor(spent / 80) * 10);
  }, 120_000);

  it('handles the 429s other apps cause (TEN_SECONDLY_ROLLING, SECONDLY) and still completes', async () => {
    const r = await hubspotScenario({
      contacts: 600, mqls: 400, partners: 30, deals: 20,
      faults: [
        { throttle: { policy: 'TEN_SECONDLY_ROLLING' }, probability: 0.08, seed: 3 },
        { kind: 'search', throttle: { policy: 'SECONDLY' }, probability: 0.2, seed: 5 },
      ],
    });
    expect(r.faultsFired).toBeGreaterThan(3);
    expect(r.first.error).toBeNull();
    expect(r.second.error).toBeNull();
    expect(r.first.leads).toMatchObject({ created: 400, quarantined: 0 });
    expect(r.first.writeBacks).toMatchObject({ ok: 400, quarantined: 0 });
    expect(r.deals).toBe(20);
  }, 120_000);
});
