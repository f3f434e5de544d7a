// One sync cycle: pull partners → pull leads → qualify → match + offer → flush write-backs, with a run record
// and the CRM API calls each stage spent (the scarce resource: quotas are shared with the whole org).
import type { CrmConnector } from '../connectors/contract.ts';
import type { ServiceContext } from '../services/context.ts';
import type { FlushSummary } from '../services/flush-write-backs.ts';
import { flushWriteBacks } from '../services/flush-write-backs.ts';
import type { IngestSummary } from '../services/ingest-leads.ts';
import { ingestAll } from '../services/ingest-leads.ts';
import type { PartnerIngestSummary } from '../services/ingest-partners.ts';
import { ingestPartners } from '../services/ingest-partners.ts';
import type { OfferSummary } from '../services/offer-leads.ts';
import { offerQualifiedLeads } from '../services/offer-leads.ts';
import type { QualifySummary } from '../services/qualify-leads.ts';
import { qualifyNewLeads } from '../services/qualify-leads.ts';
import type { TickSummary } from '../services/tick.ts';
import { tick } from '../services/tick.ts';

export interface CycleSummary {
  runId: number;
  startedAt: string;
  finishedAt: string;
  partners: PartnerIngestSummary | null;
  leads: (IngestSummary & { pages: number }) | null;
  qualification: QualifySummary | null;
  offers: OfferSummary | null;
  tick: TickSummary | null;
  writeBacks: FlushSummary | null;
  /** CRM API calls spent by stage in this cycle. */
  apiCalls: Record<string, number>;
  quota: { used: number; limit: number } | null;
  /** Set while the CRM's API quota is exhausted: no CRM call is made before this time (ISO). */
  pausedUntil: string | null;
  backlog: { pending: number; quarantined: number };
  ok: boolean;
  error: string | null;
}

export interface CycleOptions {
  readonly signal: AbortSignal;
  /** Skip the pulls (e.g. `leadrelay flush`). */
  readonly pull?: boolean;
  readonly flush?: boolean;
}

/** The object names cursors are stored under: the mapping's objects (e.g. Lead, Account). */
export interface CycleObjects { readonly leads: string; readonly partners: string }

export async function runSyncCycle(
  ctx: ServiceContext, connector: CrmConnector, objects: CycleObjects, opts: CycleOptions,
): Promise<CycleSummary> {
  const started = ctx.clock.now();
  const runId = await ctx.store.runs.start('sync', started);
  const before = { ...connector.usage().callsByStage };
  const s: CycleSummary = {
    runId, startedAt: started.toISOString(), finishedAt: '', partners: null, leads: null, qualification: null, offers: null,
    tick: null, writeBacks: null, apiCalls: {}, quota: null, pausedUntil: null, backlog: { pending: 0, quarantined: 0 }, ok: false, error: null,
  };
  const log = ctx.logger.child({ runId });
  const pauseKey = `${connector.crm}.quota.pausedUntil`;
  try {
    const { signal } = opts;
    // A quota pause outlives the process (CLI runs, daemon restarts): no CRM call, no hot loop, until it ends.
    const paused = await ctx.store.kv.get(pauseKey);
    if (paused !== null && new Date(paused).getTime() > started.getTime()) {
      s.pausedUntil = paused;
      s.qualification = await qualifyNewLeads(ctx, signal);
      s.offers = await offerQualifiedLeads(ctx, signal);
      s.error = `CRM API quota exhausted: paused until ${paused}`;
      return s;
    }
    await connector.connect(signal);
    if (opts.pull !== false) {
      const pc = await ctx.store.cursors.get(connector.crm, objects.partners);
      s.partners = await ingestPartners(ctx, connector.crm, objects.partners, connector.pullPartners({ from: pc, signal }));
      const lc = await ctx.store.cursors.get(connector.crm, objects.leads);
      s.leads = await ingestAll(ctx, connector.crm, objects.leads, connector.pullLeads({ from: lc, signal }));
    }
    s.qualification = await qualifyNewLeads(ctx, signal);
    s.offers = await offerQualifiedLeads(ctx, signal);
    s.tick = await tick(ctx, signal);
    if (opts.flush !== false) s.writeBacks = await flushWriteBacks(ctx, connector, signal);
    s.ok = s.writeBacks?.stopped == null;
    s.error = s.writeBacks?.stopped ?? null;
  } catch (e) {
    s.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log.error('sync cycle failed', { error: s.error });
  } finally {
    const usage = connector.usage();
    for (const [stage, n] of Object.entries(usage.callsByStage)) {
      const d = n - (before[stage] ?? 0);
      if (d > 0) s.apiCalls[stage] = d;
    }
    s.quota = usage.quota === null ? null : { used: usage.quota.used, limit: usage.quota.limit };
    if (usage.pausedUntil !== null) {
      s.pausedUntil = usage.pausedUntil;
      await ctx.store.kv.set(pauseKey, usage.pausedUntil, ctx.clock.now());
      log.warn('CRM API quota exhausted; CRM work paused', { until: usage.pausedUntil });
    }
    const b = await ctx.store.outbox.backlog();
    s.backlog = { pending: b.pending, quarantined: b.quarantined };
    s.finishedAt = ctx.clock.now().toISOString();
    await ctx.store.runs.finish(runId, ctx.clock.now(), s as unknown as Record<string, unknown>, s.ok);
    log.info('sync cycle finished', { ok: s.ok, apiCalls: s.apiCalls, backlog: s.backlog });
  }
  return s;
}
