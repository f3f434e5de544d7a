// Offer stage: every qualified lead is matched (src/rules) and offered as a teaser to the first wave of
// partners. Partners, their stats and the matcher's index are loaded once per run; offers made during the run
// count towards each partner's load at once, so one run spreads leads as fairly as many small ones would.
import type { Lead } from '../domain/lead.ts';
import { markExpired, markOffered } from '../domain/lifecycle.ts';
import type { NewOffer, Store } from '../domain/ports.ts';
import type { Partner, PartnerStats } from '../domain/partner.ts';
import { emptyStats } from '../domain/partner.ts';
import { match, prepareMatching, selectWave } from '../rules/match.ts';
import type { ServiceContext } from './context.ts';
import { HOUR } from './context.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface OfferSummary { leads: number; offers: number; unmatched: number }

const CHUNK = 500;

export interface MatchingState {
  readonly partners: readonly Partner[];
  readonly stats: Map<string, PartnerStats>;
  readonly prepared: ReturnType<typeof prepareMatching>;
}

export async function loadMatchingState(ctx: ServiceContext): Promise<MatchingState> {
  const partners = await ctx.store.partners.listActive();
  const stats = await ctx.store.partners.stats('all', ctx.clock.now(), ctx.settings.matching.fairness.windowDays);
  return { partners, stats, prepared: prepareMatching(partners, stats, ctx.settings.matching) };
}

export async function offerQualifiedLeads(ctx: ServiceContext, signal?: AbortSignal): Promise<OfferSummary> {
  const sum: OfferSummary = { leads: 0, offers: 0, unmatched: 0 };
  let state: MatchingState | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const batch = await ctx.store.leads.list({ status: ['qualified'], limit: CHUNK });
    if (batch.length === 0) return sum;
    state ??= await loadMatchingState(ctx);
    const s = state;
    await ctx.store.transaction(async (tx) => {
      for (const lead of batch) await offerNextWave(ctx, tx, s, lead, sum);
    });
  }
}

/**
 * Offer `lead` to its next wave (wave 1 for a fresh lead). With no candidate left, the lead expires and
 * escalates to a channel manager (glossary: escalation). Used by the offer stage and by `tick`.
 */
export async function offerNextWave(ctx: ServiceContext, tx: Store, state: MatchingState, lead: Lead, sum: OfferSummary): Promise<void> {
  const now = ctx.clock.now();
  const previous = await tx.offers.listByLead(lead.id);
  const declined = new Set(previous.filter((o) => o.status === 'declined').map((o) => o.partnerId));
  const alreadyOffered = new Set(previous.map((o) => o.partnerId));
  const result = match({
    lead: lead.data, leadTemperature: lead.temperature, partners: state.partners, stats: state.stats,
    declined, alreadyOffered, cfg: ctx.settings.matching, now, prepared: state.prepared,
  });
  const wave = selectWave(result, ctx.settings.matching.offerCount, ctx.settings.matching, ctx.random);
  sum.leads++;
  const nextWave = lead.wave + 1;
  if (wave.length === 0 || nextWave > ctx.settings.offers.waves) {
    const r = markExpired(lead, now);
    if (!r.ok) throw new Error(r.error.message);
    const next = { ...r.value, version: lead.version + 1 };
    if (!(await tx.leads.save(next))) return;
    sum.unmatched++;
    await tx.events.append([{
      leadId: lead.id, at: now, type: 'escalated', actor: 'system', partnerId: null,
      data: { reason: wave.length === 0 ? 'no partner passed the filters' : 'last wave ended unclaimed', excluded: result.excluded.length, widened: result.widened },
    }]);
    await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
    return;
  }
  const expiresAt = new Date(now.getTime() + ctx.settings.offers.waveHours * HOUR);
  const offers: NewOffer[] = wave.map((c, i) => ({
    leadId: lead.id, partnerId: c.partnerId, wave: nextWave, score: c.score, rank: i + 1, offeredAt: now, expiresAt,
    explanation: { contributions: c.contributions, excluded: result.excluded.length, widened: result.widened },
  }));
  const r = markOffered(lead, nextWave, now);
  if (!r.ok) throw new Error(r.error.message);
  const next = { ...r.value, version: lead.version + 1 };
  if (!(await tx.leads.save(next))) return;
  const created = await tx.offers.createMany(offers, () => ctx.ids.next());
  sum.offers += created.length;
  for (const o of created) {
    const st = state.stats.get(o.partnerId) ?? emptyStats(o.partnerId);
    state.stats.set(o.partnerId, { ...st, offered: st.offered + 1, recentOffers: st.recentOffers + 1 });
  }
  await tx.events.append([{
    leadId: lead.id, at: now, type: 'offered', actor: 'system', partnerId: null,
    data: { wave: nextWave, partners: created.map((o) => o.partnerId), widened: result.widened },
  }]);
  await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
}
