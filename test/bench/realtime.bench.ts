// Realtime benchmark: N leads become MQL one after another in the emulator (one every `gapMs`) with realtime on;
// for each, the time from the emulator change to the lead's offers being open in the store (what a partner's pick
// list shows), p50/p95, and the CRM API calls spent. Salesforce: CDC over CometD through jsforce's streaming
// client. HubSpot: signed webhooks delivered by the emulator to the web server's /hooks/hubspot.
import { startHsRealtime } from '../stream/hs-support.ts';
import { MQL_STATUS, coldLeads, startSfRealtime } from '../stream/sf-support.ts';

export interface LatencyFigures {
  crm: string;
  leads: number;
  offered: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  apiCalls: Record<string, number>;
  batches: number;
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** Watch the store for offered leads and record when each external id first shows open offers. */
export async function measure(opts: {
  ids: readonly string[];
  gapMs: number;
  change: (id: string) => void | Promise<void>;
  offeredIds: () => Promise<Set<string>>;
  timeoutMs?: number;
}): Promise<{ latencies: number[]; offered: number }> {
  const changedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  let done = false;
  const watcher = (async () => {
    while (!done) {
      const offered = await opts.offeredIds();
      const now = performance.now();
      for (const id of offered) if (changedAt.has(id) && !seenAt.has(id)) seenAt.set(id, now);
      if (seenAt.size === opts.ids.length) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  for (const id of opts.ids) {
    changedAt.set(id, performance.now());
    await opts.change(id);
    await new Promise((r) => setTimeout(r, opts.gapMs));
  }
  const until = performance.now() + (opts.timeoutMs ?? 30_000);
  while (seenAt.size < opts.ids.length && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  done = true;
  await watcher;
  const latencies = [...seenAt.entries()].map(([id, t]) => t - (changedAt.get(id) ?? t)).sort((a, b) => a - b);
  return { latencies, offered: seenAt.size };
}

export async function benchRealtimeSalesforce(n = 200, gapMs = 25): Promise<LatencyFigures> {
  const env = await startSfRealtime({ partners: 120, windowMs: 150 });
  try {
    const ids = env.h.emu.seed('Lead', coldLeads(n, 0));
    // Let the CREATE events (not MQL yet) pass before measuring.
    const until = Date.now() + 10_000;
    while (env.ingestor.summary.notices < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await env.ingestor.idle();
    const before = { ...env.app.connector().usage().callsByStage };
    const batches = env.ingestor.summary.batches;
    const { store } = env.app;
    const offeredIds = async (): Promise<Set<string>> => {
      const leads = await store.leads.list({ status: ['offered'], limit: 10_000 });
      return new Set(leads.map((l) => l.externalId));
    };
    const r = await measure({ ids, gapMs, change: (id) => env.h.emu.update('Lead', id, { Status: MQL_STATUS }), offeredIds });
    const after = env.app.connector().usage().callsByStage;
    const apiCalls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => Number(v) > 0));
    return {
      crm: 'salesforce', leads: n, offered: r.offered, p50Ms: pct(r.latencies, 50), p95Ms: pct(r.latencies, 95), maxMs: r.latencies.at(-1) ?? Number.NaN,
      apiCalls, batches: env.ingestor.summary.batches - batches,
    };
  } finally {
    await env.close();
  }
}

export async function benchRealtimeHubSpot(n = 200, gapMs = 25): Promise<LatencyFigures> {
  const env = await startHsRealtime({ partners: 120, windowMs: 150 });
  try {
    const ids = env.contacts(n);
    env.subscribe({ flushMs: 20 });
    const before = { ...env.app.connector().usage().callsByStage };
    const { store } = env.app;
    const offeredIds = async (): Promise<Set<string>> => {
      const leads = await store.leads.list({ status: ['offered'], limit: 10_000 });
      return new Set(leads.map((l) => l.externalId));
    };
    const r = await measure({ ids, gapMs, change: (id) => env.h.emu.update('contacts', id, { lifecyclestage: 'marketingqualifiedlead' }), offeredIds });
    const after = env.app.connector().usage().callsByStage;
    const apiCalls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => Number(v) > 0));
    return {
      crm: 'hubspot', leads: n, offered: r.offered, p50Ms: pct(r.latencies, 50), p95Ms: pct(r.latencies, 95), maxMs: r.latencies.at(-1) ?? Number.NaN,
      apiCalls, batches: env.ingestor.summary.batches,
    };
  } finally {
    await env.close();
  }
}

export async function benchRealtime(n = 200): Promise<LatencyFigures[]> {
  return [await benchRealtimeSalesforce(n), await benchRealtimeHubSpot(n)];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const f of await benchRealtime(Number(process.env.N ?? 200))) console.log(JSON.stringify(f));
}
