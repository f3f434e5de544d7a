// The match explanation for channel managers (and admins): the qualification reasons, the offers made with
// their scores, and the match as the rules see it now (src/rules/explain.ts renders it). Partners outside the
// manager's portfolio keep their place in the ranking but not their name.
import type { Lead } from '../domain/lead.ts';
import { match } from '../rules/match.ts';
import { renderMatch, renderReasons } from '../rules/explain.ts';
import type { MatchResult } from '../rules/match.ts';
import type { Slice } from './auth/slice.ts';
import { seesPartner } from './auth/slice.ts';
import type { WebDeps } from './deps.ts';

export interface Explanation {
  readonly reasons: string;
  readonly offers: ReadonlyArray<{ wave: number; rank: number; partner: string; score: string; status: string }>;
  readonly matchNow: string;
}

export async function explainFor(deps: WebDeps, slice: Slice, lead: Lead): Promise<Explanation> {
  const store = deps.ctx.store;
  const [offers, all] = await Promise.all([store.offers.listByLead(lead.id), store.partners.list()]);
  const byId = new Map(all.map((p) => [p.id, p]));
  const name = (id: string): string => {
    const p = byId.get(id);
    if (!seesPartner(slice, id)) return '(a partner outside your portfolio)';
    return p === undefined ? id : `${p.data.name} [${p.externalId}]`;
  };
  const now = deps.ctx.clock.now();
  const stats = await store.partners.stats('all', now, deps.ctx.settings.matching.fairness.windowDays);
  const result: MatchResult = match({
    lead: lead.data, leadTemperature: lead.temperature, partners: all.filter((p) => p.data.active), stats, cfg: deps.ctx.settings.matching, now,
    declined: new Set(offers.filter((o) => o.status === 'declined').map((o) => o.partnerId)), alreadyOffered: new Set(), explainAll: true,
  });
  const named: MatchResult = {
    ...result,
    candidates: result.candidates.map((c) => ({ ...c, partnerId: name(c.partnerId) })),
    excluded: result.excluded.map((e) => ({ ...e, partnerId: name(e.partnerId) })),
  };
  return {
    reasons: lead.qualification === null ? '(not qualified yet)' : renderReasons(lead.qualification.reasons),
    offers: offers.map((o) => ({ wave: o.wave, rank: o.rank, partner: name(o.partnerId), score: o.score.toFixed(1), status: o.status })),
    matchNow: renderMatch(named, { top: 10 }),
  };
}
