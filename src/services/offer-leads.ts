// Offer stage: every qualified lead is matched (src/rules) and offered as a teaser to the first wave of
// partners. Partners, their stats and the matcher's index are loaded once per run; offers made during the run
// count towards each partner's load at once, so one run spreads leads as fairly as many small ones would.
import type { Lead } from '../domain/lead.ts';
import { markExpired, markOffered } from '../domain/lifecycle.ts';
import type { NewOffer, Store } from '../domain/ports.ts';
import type { Partner, PartnerStats } from '../domain/partner.ts';
import { emptyStats } from '../domain/partner.ts';
import { match, prepareMatching, selectWave } from '../rules/match.ts';
import type { AwayPeriod } from '../domain/availability.ts';
import { isAwayAt } from '../domain/availability.ts';
import type { ServiceContext } from './context.ts';
import { addCounts } from './context.ts';
import { waveDeadline } from './deadlines.ts';
import { enqueueLeadState } from './write-backs.ts';

export interface OfferSummary { leads: number; offers: number; unmatched: number }

const CHUNK = 500;

export interface MatchingState {
  readonly partners: readonly Partner[];
  readonly stats: Map<string, PartnerStats>;
  readonly prepared: ReturnType<typeof prepareMatching>;
  readonly byId: ReadonlyMap<string, Partner>;
  /** Away periods not yet over when the state was loaded, by partner: away partners get no offers. */
  readonly away: ReadonlyMap<string, readonly AwayPeriod[]>;
}

/** Load partners, stats and away periods once per run. Inside a transaction pass its `tx` as the store. */
export async function loadMatchingState(ctx: ServiceContext, store: Store = ctx.store): Promise<MatchingState> {
  const now = ctx.clock.now();
  const partners = await store.partners.listActive();
  const stats = await store.partners.stats('all', now, ctx.settings.matching.fairness.windowDays);
  const away = new Map<string, AwayPeriod[]>();
  for (const p of await store.availability.list('all', now)) away.set(p.partnerId, [...(away.get(p.partnerId) ?? []), p]);
  return {
    partners, stats, prepared: prepareMatching(partners, stats, ctx.settings.matching),
    byId: new Map(partners.map((p) => [p.id, p])), away,
  };
}

export async function offerQualifiedLeads(ctx: ServiceContext, signal?: AbortSignal): Promise<OfferSummary> {
  const sum: OfferSummary = { leads: 0, offers: 0, unmatched: 0 };
  let state: MatchingState | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const batch = await ctx.store.leads.list({ status: ['qualified'], limit: CHUNK });
    if (batch.length === 0) return sum;
    const s = state ??= await loadMatchingState(ctx);
    const done = await ctx.store.transaction(async (tx) => {
      // fn may run more than once (Store.transaction): it counts into its own summary and partner load, which
      // are kept only once the transaction has committed.
      const part: OfferSummary = { leads: 0, offers: 0, unmatched: 0 };
      const run = attemptState(s);
      for (const lead of batch) await offerNextWave(ctx, tx, run, lead, part);
      return { part, run };
    });
    addCounts(sum, done.part);
    keepAttempt(s, done.run);
  }
}

/**
 * A copy of `state` for one attempt of a transaction: offerNextWave counts the offers it makes into the copy's
 * partner load, so an attempt that is rolled back and run again does not count them twice. Once the
 * transaction has committed, `keepAttempt(state, copy)` makes the copy's load the run's.
 */
export function attemptState(state: MatchingState): MatchingState {
  return { ...state, stats: new Map(state.stats) };
}

export function keepAttempt(state: MatchingState, attempt: MatchingState): void {
  for (const [id, st] of attempt.stats) state.stats.set(id, st);
}

/**
 * Offer `lead` to its next wave (wave 1 for a fresh lead). With no candidate left, the lead expires and
 * escalates to a channel manager (glossary: escalation). Used by the offer stage, by `tick` (ended waves,
 * revocations) and by `decline` (a wave everyone declined). `reason` is recorded with the offered event.
 *
 * Partners away now and partners whose hold on this lead was revoked are taken out of the matched candidates
 * before the wave is picked (the matching engine itself stays a pure function of partners and stats).
 *
 * It counts into `sum` and into `state.stats` (the partners' load): inside a transaction pass a summary and an
 * `attemptState` made inside fn, and apply them after the transaction resolved.
 */
export async function offerNextWave(
  ctx: ServiceContext, tx: Store, state: MatchingState, lead: Lead, sum: OfferSummary, reason?: string,
): Promise<void> {
  const now = ctx.clock.now();
  const previous = await tx.offers.listByLead(lead.id);
  const declined = new Set(previous.filter((o) => o.status === 'declined').map((o) => o.partnerId));
  const alreadyOffered = new Set(previous.map((o) => o.partnerId));
  const matched = match({
    lead: lead.data, leadTemperature: lead.temperature, partners: state.partners, stats: state.stats,
    declined, alreadyOffered, cfg: ctx.settings.matching, now, prepared: state.prepared,
  });
  const revoked = new Set(await tx.notices.revokedPartners(lead.id));
  const away = (id: string): boolean => isAwayAt(state.away.get(id) ?? [], now.getTime());
  const skipped = matched.candidates.filter((c) => revoked.has(c.partnerId) || away(c.partnerId));
  const result = skipped.length === 0 ? matched : { ...matched, candidates: matched.candidates.filter((c) => !skipped.includes(c)) };
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
  const expiresAt = waveDeadline(ctx.settings, now, wave.map((c) => state.byId.get(c.partnerId) ?? { id: c.partnerId, externalId: c.partnerId }));
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
    data: {
      wave: nextWave, partners: created.map((o) => o.partnerId), widened: result.widened, expiresAt: expiresAt.toISOString(),
      ...(reason === undefined ? {} : { reason }), ...(skipped.length === 0 ? {} : { skipped: skipped.map((c) => c.partnerId) }),
    },
  }]);
  await enqueueLeadState(tx, next, ctx.settings.opportunityStages, now);
}
