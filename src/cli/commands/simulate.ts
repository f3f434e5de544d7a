// `simulate --leads <file>`: the rules over a lead file, offering nothing: qualification outcomes, how offers
// would spread across partners (each simulated offer counts as load at once, as in a real run) and the fairness
// figure (Gini of offers per eligible partner), so marketing ops can tune weights before going live.
import type { Command } from 'commander';
import type { LeadData } from '../../domain/lead.ts';
import { leadDataSchema } from '../../domain/lead.ts';
import type { PartnerStats } from '../../domain/partner.ts';
import { emptyStats } from '../../domain/partner.ts';
import { fairnessFigure, match, prepareMatching, selectWave } from '../../rules/match.ts';
import type { Candidate } from '../../rules/match.ts';
import { qualify } from '../../rules/qualify.ts';
import { seededRandom } from '../../services/context.ts';
import { readRecords } from '../records-file.ts';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, setExit, withApp } from '../shared.ts';
import { exitCodes } from '../../lib/exit-codes.ts';

const csvTypes = {
  lists: new Set(['productInterest']),
  numbers: new Set(['employees', 'latitude', 'longitude', 'budget', 'score']),
  nested: 'custom',
};

export function registerSimulate(program: Command, io: CliIO): void {
  program.command('simulate')
    .description('run qualification and matching over a lead file without offering anything; print the spread and fairness')
    .requiredOption('--leads <file>', 'CSV (header = canonical lead fields, lists split by ;, custom.<name> columns) or JSON array')
    .option('--seed <n>', 'seed for the fairness draw', (v) => Number.parseInt(v, 10), 1)
    .option('--json', 'print JSON')
    .action(async (o: { leads: string; seed: number; json?: boolean }, cmd: Command) => {
      const rows = readRecords(o.leads, csvTypes);
      await withApp(io, cmd, async (app) => {
        const cfg = app.ctx.settings;
        const now = app.ctx.clock.now();
        const partners = await app.store.partners.listActive();
        const stats = await app.store.partners.stats('all', now, cfg.matching.fairness.windowDays);
        const prepared = prepareMatching(partners, stats, cfg.matching);
        const random = seededRandom(o.seed);
        const outcomes = { qualified: 0, needs_qualification: 0, rejected: 0, invalid: 0, unmatched: 0 };
        const reasons = new Map<string, number>();
        const waves: Candidate[][] = [];
        const errors: string[] = [];
        for (const row of rows) {
          const parsed = leadDataSchema.safeParse(row.values);
          if (!parsed.success) {
            outcomes.invalid++;
            errors.push(`${o.leads}:${row.line} ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
            continue;
          }
          const lead: LeadData = parsed.data;
          const q = qualify(lead, cfg.qualification, now, now);
          outcomes[q.outcome]++;
          if (q.outcome !== 'qualified') {
            for (const r of q.reasons) if (r.outcome !== undefined && r.outcome !== 'qualified') reasons.set(r.rule, (reasons.get(r.rule) ?? 0) + 1);
            continue;
          }
          const result = match({ lead, leadTemperature: q.temperature, partners, stats, cfg: cfg.matching, now, declined: new Set(), alreadyOffered: new Set(), prepared });
          const wave = selectWave(result, cfg.matching.offerCount, cfg.matching, random);
          if (wave.length === 0) outcomes.unmatched++;
          waves.push(wave);
          for (const c of wave) {
            const st: PartnerStats = stats.get(c.partnerId) ?? emptyStats(c.partnerId);
            stats.set(c.partnerId, { ...st, recentOffers: st.recentOffers + 1 });
          }
        }
        const fairness = fairnessFigure(waves, partners.map((p) => p.id), cfg.matching);
        const perPartner = new Map<string, number>(partners.map((p) => [p.id, 0]));
        for (const w of waves) for (const c of w) perPartner.set(c.partnerId, (perPartner.get(c.partnerId) ?? 0) + 1);
        const byName = new Map(partners.map((p) => [p.id, p]));
        const spread = [...perPartner].map(([id, n]) => ({ partner: byName.get(id)?.data.name ?? id, level: byName.get(id)?.data.level ?? '-', offers: n }))
          .sort((a, b) => b.offers - a.offers || a.partner.localeCompare(b.partner));
        const summary = { leads: rows.length, outcomes, notQualifiedBy: Object.fromEntries(reasons), fairness, spread, errors };
        if (o.json) {
          printJson(io, summary);
        } else {
          io.out(`${rows.length} leads: ${outcomes.qualified} qualified, ${outcomes.needs_qualification} to the qualification queue, ${outcomes.rejected} rejected, ${outcomes.invalid} invalid rows; ${outcomes.unmatched} qualified leads found no partner`);
          if (reasons.size > 0) io.out(`not qualified because: ${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}`);
          io.out(`offers: ${fairness.offers} to ${spread.filter((s) => s.offers > 0).length} of ${fairness.eligiblePartners} active partners; Gini ${fairness.gini.toFixed(3)} (0 = perfectly even); share beyond the top levels ${fairness.beyondTopShare === null ? '-' : `${Math.round(fairness.beyondTopShare * 100)} %`}`);
          io.out('offers per partner (most first):');
          printTable(io, spread.length > 20 ? [...spread.slice(0, 10), { partner: '...', level: '', offers: '' }, ...spread.slice(-5)] : spread);
          for (const e of errors.slice(0, 20)) io.err(e);
        }
        if (errors.length > 0) setExit(io, exitCodes.partial);
      });
    });
}
