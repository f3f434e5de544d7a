// `explain <lead>`: why a lead was qualified (or not), whom it was offered to with each criterion's share of
// the score, and how the rules would match it now — which filters removed whom, with partner names.
import type { Command } from 'commander';
import type { Partner } from '../../domain/partner.ts';
import type { MatchResult } from '../../rules/match.ts';
import { match } from '../../rules/match.ts';
import { renderMatch, renderReasons } from '../../rules/explain.ts';
import type { App } from '../../runtime/app.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, withApp } from '../shared.ts';
import { resolveLead } from './resolve.ts';

export function withNames(result: MatchResult, partners: ReadonlyMap<string, Partner>): MatchResult {
  const name = (id: string): string => {
    const p = partners.get(id);
    return p === undefined ? id : `${p.data.name} [${p.externalId}]`;
  };
  return {
    ...result,
    candidates: result.candidates.map((c) => ({ ...c, partnerId: name(c.partnerId) })),
    excluded: result.excluded.map((e) => ({ ...e, partnerId: name(e.partnerId) })),
  };
}

export async function explainLead(app: App, leadId: string) {
  const lead = (await app.store.leads.get(leadId))!;
  const [offers, all] = await Promise.all([app.store.offers.listByLead(lead.id), app.store.partners.list()]);
  const partners = new Map(all.map((p) => [p.id, p]));
  const active = all.filter((p) => p.data.active);
  const now = app.ctx.clock.now();
  const stats = await app.store.partners.stats('all', now, app.ctx.settings.matching.fairness.windowDays);
  const result = match({
    lead: lead.data, leadTemperature: lead.temperature, partners: active, stats, cfg: app.ctx.settings.matching, now,
    declined: new Set(offers.filter((o) => o.status === 'declined').map((o) => o.partnerId)), alreadyOffered: new Set(), explainAll: true,
  });
  const offered = await Promise.all(offers.map(async (o) => ({ offer: o, explanation: await app.store.offers.explanation(o.id) })));
  return { lead, offered, result, partners };
}

export function registerExplain(program: Command, io: CliIO): void {
  program.command('explain <lead>')
    .description('the qualification reasons, the offers made with their scores, and the match as the rules see it now')
    .option('--top <n>', 'candidates in the score table', (v) => Number.parseInt(v, 10), 10)
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { top: number; json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const { lead, offered, result, partners } = await explainLead(app, (await resolveLead(app, ref)).id);
        if (o.json) {
          printJson(io, { lead: { id: lead.id, status: lead.status, temperature: lead.temperature, qualification: lead.qualification }, offers: offered, matchNow: result });
          return;
        }
        io.out(`lead ${lead.id} (CRM ${lead.externalId}): ${lead.status}, ${lead.temperature}, source ${lead.data.source ?? '-'}`);
        io.out('\nQualification:');
        io.out(lead.qualification ? renderReasons(lead.qualification.reasons) : '(not qualified yet)');
        io.out('\nOffers made:');
        printTable(io, offered.map(({ offer }) => ({
          wave: offer.wave, rank: offer.rank, partner: partners.get(offer.partnerId)?.data.name ?? offer.partnerId, score: offer.score.toFixed(1), status: offer.status,
        })));
        io.out('\nMatch now (current partners, load and stats):');
        io.out(renderMatch(withNames(result, partners), { top: o.top }));
      });
    });
}
