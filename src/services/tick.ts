// Time-driven work, idempotent for any clock: ended waves go to the next wave or escalate. `leadrelay tick`
// and the daemon's scheduler call it; tests move the injected clock and call it again.
import { workingStatuses } from '../domain/lead.ts';
import type { ServiceContext } from './context.ts';
import type { MatchingState, OfferSummary } from './offer-leads.ts';
import { loadMatchingState, offerNextWave } from './offer-leads.ts';

export interface TickSummary { expiredOffers: number; nextWaves: number; escalated: number; overdue: number }

export async function tick(ctx: ServiceContext, signal?: AbortSignal): Promise<TickSummary> {
  const sum: TickSummary = { expiredOffers: 0, nextWaves: 0, escalated: 0, overdue: 0 };
  const now = ctx.clock.now();
  let state: MatchingState | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const ending = await ctx.store.offers.listExpiring(now, 500);
    if (ending.length === 0) break;
    const leadIds = [...new Set(ending.map((o) => o.leadId))];
    state ??= await loadMatchingState(ctx);
    const s = state;
    await ctx.store.transaction(async (tx) => {
      for (const leadId of leadIds) {
        sum.expiredOffers += await tx.offers.closeForLead(leadId, 'expired', now);
        const lead = await tx.leads.get(leadId);
        if (lead === null || lead.status !== 'offered') continue;
        const before: OfferSummary = { leads: 0, offers: 0, unmatched: 0 };
        await offerNextWave(ctx, tx, s, lead, before);
        if (before.unmatched > 0) sum.escalated++;
        else sum.nextWaves++;
      }
    });
  }
  const overdue = await ctx.store.leads.list({ status: workingStatuses, feedbackDueBefore: now, limit: 10_000 });
  sum.overdue = overdue.length;
  return sum;
}
