// The hand-checked report fixture: three partners, seven leads, three ISO weeks of 2026 (W46 Nov 9-16, W47
// Nov 16-23, W48 Nov 23-30), built through the real services on a real SQLite file. Every timestamp is
// chosen so the expected KPIs in fixture.test.ts can be computed by hand (see the comments there).
//
// Partners: A (P001), B (P002, a distributor), C (P003, B's reseller). All leads are warm, in DE, budget 30,000.
//   W46  L1 offered to A,B Mon 11-09 09:00; A reserves Tue 09:00 (24 h); contacted Wed 09:00 (due Thu 09:00).
//        L7 offered to A 11-10 09:00; A declines 10:00.
//   W47  L2 offered to A,B,C Mon 11-16 09:00; C declines 10:00; B reserves 15:00 (6 h); meeting Tue 09:00;
//        won 5,000.00 Thu 11-19 09:00.
//        L3 offered to A 11-16 09:00; A reserves 11-17 09:00 (24 h); lost (price) 11-18 09:00; returned 10:00.
//        L4 offered to B 11-16 09:00; B reserves 21:00 (12 h); no feedback: revoked by tick Fri 11-20 21:00
//        (due 11-18 21:00 + 48 h grace) and re-offered by the tick to A and C.
//        L5 offered to C 11-17 09:00, expiring 11-18 09:00; unanswered: the same tick expires the offer and,
//        with one wave configured, escalates the lead (nobody takes it).
//        L6 assigned to C by a channel manager Thu 11-19 12:00 (due Sat 12:00); contacted Sun 11-22 12:00 (late).
//        L1 proposal 12,345.67 Fri 11-20 09:00 (due 11-25 09:00, on time).
//   W48  L4 reserved by A Mon 11-23 10:00 (61 h after the re-offer); no feedback (due 11-25 10:00: overdue).
//        L1 won 12,345.67 Tue 11-24 15:00 (14 days 6 hours after its reservation in W46).
//   As of Fri 11-27 12:00.
import { randomUUID } from 'node:crypto';
import type { Partner } from '../../src/domain/partner.ts';
import { partnerDataSchema } from '../../src/domain/partner.ts';
import type { Lead } from '../../src/domain/lead.ts';
import { matchingConfigSchema } from '../../src/rules/config-schema.ts';
import { configSchema } from '../../src/config/schema.ts';
import { recordFeedback } from '../../src/services/feedback.ts';
import type { FeedbackRequest } from '../../src/services/feedback.ts';
import { decline, reserve } from '../../src/services/reserve.ts';
import { tick } from '../../src/services/tick.ts';
import type { MarketContext } from '../support/market.ts';
import { marketContext, offerTo, seedQualifiedLead } from '../support/market.ts';

export const AS_OF = new Date('2026-11-27T12:00:00.000Z');
const defaults = configSchema.parse({});

export interface Fixture {
  readonly t: MarketContext;
  readonly A: Partner;
  readonly B: Partner;
  readonly C: Partner;
  readonly lead: (n: number) => string;
}

export async function seedReportFixture(): Promise<Fixture> {
  // One wave, up to 5 partners per wave: a revoked lead is re-offered to every other eligible partner, and a
  // wave that ends unclaimed escalates at once.
  const t = await marketContext({
    matching: matchingConfigSchema.parse({}),
    offers: { ...defaults.offers, waves: 1 },
  }, '2026-11-09T08:00:00.000Z');
  await t.store.partners.upsertMany([
    { externalId: 'P001', name: 'Alpha Heat', kind: 'reseller', parent: null },
    { externalId: 'P002', name: 'Beta Distribution', kind: 'distributor', parent: null },
    { externalId: 'P003', name: 'Gamma Install', kind: 'reseller', parent: 'P002' },
  ].map((p) => ({
    crm: 'salesforce' as const, externalId: p.externalId, contentHash: `h-${p.externalId}`,
    data: partnerDataSchema.parse({ name: p.name, kind: p.kind, parentExternalId: p.parent, countries: ['DE'], products: ['heat-pump'], level: 'gold' }),
  })), t.clock.now(), () => `partner-${randomUUID()}`);
  const [A, B, C] = await Promise.all(['P001', 'P002', 'P003'].map(async (e) => (await t.store.partners.getByExternalId(e))!)) as [Partner, Partner, Partner];

  const at = (iso: string): Date => {
    t.clock.set(`2026-11-${iso}:00.000Z`);
    return t.clock.now();
  };
  const must = async <T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> => {
    const x = await r;
    if (!x.ok) throw new Error(x.error.message);
    return x.value;
  };
  const leads = new Map<number, Lead>();
  const lead = async (n: number, when: string): Promise<Lead> => {
    const l = await seedQualifiedLead(t.store, `L${n}`, 'warm', at(when));
    leads.set(n, l);
    return l;
  };
  const offer = async (n: number, when: string, to: Partner[], expires: string): Promise<void> => {
    const l = leads.get(n) ?? (await lead(n, when));
    await offerTo(t.store, l, to, at(when), new Date(`2026-11-${expires}:00.000Z`));
  };
  const fb = async (n: number, p: Partner, when: string, req: Omit<FeedbackRequest, 'leadId' | 'partnerId' | 'userId'>): Promise<void> => {
    at(when);
    await must(recordFeedback(t.ctx, { leadId: `lead-L${n}`, partnerId: p.id, userId: null, ...req }));
  };
  const take = async (n: number, p: Partner, when: string): Promise<void> => {
    at(when);
    await must(reserve(t.ctx, { leadId: `lead-L${n}`, partnerId: p.id, userId: null }));
  };

  // W46
  await offer(1, '09T09:00', [A, B], '11T09:00');
  await offer(7, '10T09:00', [A], '12T09:00');
  await take(1, A, '10T09:00');
  at('10T10:00');
  await must(decline(t.ctx, 'lead-L7', A.id, 'no capacity'));
  await fb(1, A, '11T09:00', { status: 'contacted' });
  // W47
  await offer(2, '16T09:00', [A, B, C], '18T09:00');
  await offer(3, '16T09:00', [A], '18T09:00');
  await offer(4, '16T09:00', [B], '18T09:00');
  at('16T10:00');
  await must(decline(t.ctx, 'lead-L2', C.id, 'no capacity'));
  await take(2, B, '16T15:00');
  await take(4, B, '16T21:00');
  await offer(5, '17T09:00', [C], '18T09:00');
  await take(3, A, '17T09:00');
  await fb(2, B, '17T09:00', { status: 'meeting' });
  await fb(3, A, '18T09:00', { status: 'lost', lostReason: 'price' });
  await fb(3, A, '18T10:00', { status: 'returned', comment: 'customer wants to wait a year' });
  await fb(2, B, '19T09:00', { status: 'won', amount: 5000 });
  await lead(6, '19T11:00');
  at('19T12:00');
  await must(reserve(t.ctx, { leadId: 'lead-L6', partnerId: C.id, userId: null, assignment: { by: 'user-cm' } }));
  await fb(1, A, '20T09:00', { status: 'proposal', amount: 12345.67 });
  at('20T21:00');
  await tick(t.ctx);
  await fb(6, C, '22T12:00', { status: 'contacted' });
  // W48
  await take(4, A, '23T10:00');
  await fb(1, A, '24T15:00', { status: 'won', amount: 12345.67 });
  t.clock.set(AS_OF);
  return { t, A, B, C, lead: (n) => `lead-L${n}` };
}
