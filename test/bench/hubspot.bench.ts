// HubSpot benchmark: the foundation scenario (5,000 contacts, 3,000 MQL, 120 partners) through one cycle against
// the HubSpot emulator under the account's burst limit (100 requests per 10 s), then 150 leads reserved and reported
// up to a proposal (deals) through a second cycle. Prints HubSpot API calls per stage next to the minimum the API
// allows: a search page of 200, one association read + ceil(200/100) company reads per page, ceil(n/100) per batch
// write. Calls are counted by the connector (usage()), as `leadrelay status` reports them.
import { hubspotScenario } from '../connectors/hubspot/scenario.ts';

export interface HubSpotFigures {
  contacts: number;
  mqls: number;
  deals: number;
  seconds: number;
  /** Seconds the cycles took on the account's clock (the limiter's waits included). */
  accountSeconds: number;
  throttled: number;
  rows: Array<{ cycle: string; stage: string; calls: number; minimum: number | null; note: string }>;
}

export async function benchHubSpot(contacts = 5000, mqls = 3000, deals = 150): Promise<HubSpotFigures> {
  const t0 = performance.now();
  const r = await hubspotScenario({ contacts, mqls, partners: 120, deals });
  const seconds = (performance.now() - t0) / 1000;
  const pages = Math.ceil(mqls / 200);
  const firstMin: Record<string, [number, string]> = {
    'pull-leads': [pages, `ceil(${mqls}/200) search pages`],
    'pull-companies': [pages + Math.ceil(mqls / 100), 'one association read per page + ceil(n/100) company reads'],
    'pull-partners': [3, 'partner search, partner-user search, their associations'],
    'write-lead': [Math.ceil(mqls / 100), `ceil(${mqls}/100) batch updates`],
  };
  const leadWrites = (r.second.writeBacks?.sent ?? 0) - deals;
  const secondMin: Record<string, [number, string]> = {
    'write-lead': [Math.ceil(leadWrites / 100), `ceil(${leadWrites}/100) batch updates`],
    'write-opportunity': [Math.ceil(deals / 100), `ceil(${deals}/100); new deals: update-by-lead-id miss + create with associations`],
    associate: [Math.ceil(deals / 1000), 'the new deals\' contacts → companies, one association read per flush batch'],
  };
  const rows: HubSpotFigures['rows'] = [];
  for (const [cycle, s, min] of [['first', r.first, firstMin], ['second', r.second, secondMin]] as const) {
    for (const [stage, calls] of Object.entries(s.apiCalls)) {
      const m = min[stage];
      rows.push({ cycle, stage, calls, minimum: m?.[0] ?? null, note: m?.[1] ?? '' });
    }
  }
  return { contacts, mqls, deals: r.deals, seconds, accountSeconds: r.accountSeconds, throttled: r.emulator.throttled, rows };
}
