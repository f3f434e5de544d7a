// A scripted lead lifecycle for the reliability suites: seed, sync until quiet, channel-manager assignments
// and partner feedback chosen deterministically (the same in every run), sync until quiet; then the CRM state
// without timestamps, for comparing a faulty or crashing run with a clean one.
import { seedDemoOrg } from '../../src/cli/commands/demo.ts';
import type { CycleSummary } from '../../src/sync/cycle.ts';
import type { Harness } from '../support/harness.ts';

export interface LifecycleSize { partners: number; leads: number; mqls: number; incomplete: number }

export const smallLifecycle: LifecycleSize = { partners: 40, leads: 900, mqls: 600, incomplete: 30 };
export const largeLifecycle: LifecycleSize = { partners: 120, leads: 8000, mqls: 5000, incomplete: 200 };

export function lifecycleSize(): LifecycleSize {
  return process.env['LEADRELAY_LARGE'] === '1' ? largeLifecycle : smallLifecycle;
}

export function seedLifecycle(h: Harness, size: LifecycleSize): void {
  seedDemoOrg(h.emu, { partners: size.partners, leads: size.leads, mqlShare: size.mqls / size.leads, incompleteMqls: size.incomplete });
}

/** Run `sync` until nothing is pending and no lead waits to be processed (bounded). */
export async function syncUntilQuiet(h: Harness, maxRounds = 40): Promise<CycleSummary[]> {
  const runs: CycleSummary[] = [];
  for (let i = 0; i < maxRounds; i++) {
    const r = await h.cliJson<CycleSummary>(['sync']);
    runs.push(r.value);
    const status = await h.cliJson<{ leads: Record<string, number>; outbox: { pending: number } }>(['status']);
    const waiting = (status.value.leads['new'] ?? 0) + (status.value.leads['qualified'] ?? 0);
    if (r.value.error === null && status.value.outbox.pending === 0 && waiting === 0 && (r.value.leads?.created ?? 0) === 0) return runs;
    // Retries are scheduled with backoff (retryBaseSeconds 1 in these tests): give them time to come due.
    await new Promise((res) => setTimeout(res, status.value.outbox.pending > 0 ? 1100 : 50));
  }
  throw new Error(`did not converge in ${maxRounds} sync runs: ${JSON.stringify(runs.at(-1))}`);
}

const fnv = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
};

/** Assign every sixth offered lead to a partner chosen by its CRM id, then walk it through feedback. */
export async function actAsPartners(h: Harness): Promise<number> {
  const offered = (await h.cliJson<Array<{ id: string; externalId: string }>>(['leads', 'list', '--status', 'offered', '--limit', '100000'])).value
    .sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const partners = h.emu.all('Account').filter((a) => a['Type'] === 'Partner' && a['Partner_Active__c'] === true)
    .map((a) => String(a['Id'])).sort();
  let acted = 0;
  for (const [i, lead] of offered.entries()) {
    if (i % 6 !== 0) continue;
    const partner = partners[fnv(lead.externalId) % partners.length]!;
    const a = await h.cli(['assign', lead.id, '--partner', partner, '--by', 'channel-manager']);
    if (a.code !== 0) throw new Error(`assign failed: ${a.err}`);
    const steps: string[][] = [['contacted'], ['contacted', 'meeting'], ['meeting', 'proposal'], ['meeting', 'proposal', 'won'], ['contacted', 'lost']];
    for (const status of steps[fnv(`${lead.externalId}:s`) % steps.length]!) {
      const extra = status === 'proposal' ? ['--amount', String(10_000 + (fnv(lead.externalId) % 50) * 1000)]
        : status === 'won' ? ['--amount', String(20_000 + (fnv(lead.externalId) % 40) * 1000), '--close-date', '2026-12-20']
          : status === 'lost' ? ['--lost-reason', 'price'] : [];
      const f = await h.cli(['feedback', lead.id, '--partner', partner, '--status', status, ...extra]);
      if (f.code !== 0) throw new Error(`feedback failed: ${f.err}`);
    }
    acted++;
  }
  return acted;
}

const stateFields = ['Status', 'LeadRelay_Partner_Status__c', 'LeadRelay_Partner__c', 'LeadRelay_Partner_Name__c', 'LeadRelay_Last_Feedback__c', 'LeadRelay_Temperature__c', 'LeadRelay_Qualification_Reasons__c'];

/** The org as a partner manager would compare it: per Lead its leadrelay fields, per Opportunity its stage. */
export function crmState(h: Harness): Record<string, unknown> {
  const leads: Record<string, unknown> = {};
  for (const l of h.emu.all('Lead')) leads[String(l['Id'])] = Object.fromEntries(stateFields.map((f) => [f, l[f] ?? null]));
  const opps: Record<string, unknown> = {};
  for (const o of h.emu.all('Opportunity')) {
    const key = String(o['LeadRelay_Lead__c']);
    if (key in opps) throw new Error(`two opportunities for Lead ${key}`);
    opps[key] = { StageName: o['StageName'], Amount: o['Amount'] ?? null, CloseDate: o['StageName'] === 'Closed Won' ? o['CloseDate'] : null, Partner: o['LeadRelay_Partner__c'] };
  }
  return { leads, opps };
}
