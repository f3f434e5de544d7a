// Near-real-time ingestion: change notices from a CRM stream (Salesforce CDC) or webhooks (HubSpot, via the inbox)
// feed the same ingest → qualify → match → offer path as polling. Notices arriving within `windowMs` are merged
// into one batch: one read by id (≤ 200 / 100 ids per call), one ingest transaction, one qualify + offer pass.
// The source's position (replay id, inbox rows) is persisted in the ingest transaction, so a crash either keeps
// the leads and the position or neither. Polling stays on as the safety net (config `realtime.safetyNetSync`).
import type { ChangeBatch, ChangeStream, CrmConnector } from '../connectors/contract.ts';
import type { Store } from '../domain/ports.ts';
import type { ServiceContext } from '../services/context.ts';
import { emptyIngestSummary, ingestLeadPage } from '../services/ingest-leads.ts';
import { offerQualifiedLeads } from '../services/offer-leads.ts';
import { qualifyNewLeads } from '../services/qualify-leads.ts';

/** Runs jobs one at a time: the realtime batches and the sync cycle share it so they never offer concurrently. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export interface Notice {
  readonly ids: readonly string[];
  readonly catchUp: boolean;
  readonly reason: string;
  /** Persist the source's position inside the ingest transaction. */
  readonly onStored?: (tx: Store) => Promise<void>;
}

export interface RealtimeSummary { batches: number; notices: number; reads: number; ingested: number; catchUps: number; failures: number }

export interface RealtimeDeps {
  readonly ctx: ServiceContext;
  readonly connector: CrmConnector;
  /** The object name the lead pull's cursor and quarantine use (mapping `lead.object`). */
  readonly leadObject: string;
  /** Notices arriving within this many ms of the first are processed together. */
  readonly windowMs: number;
  /** A polling catch-up (a sync cycle with pulls): run when the source lost track of what changed. */
  readonly catchUp: (signal: AbortSignal) => Promise<void>;
  readonly serial?: Serial;
  readonly signal: AbortSignal;
  /** Told after each batch (bench, metrics). */
  readonly onBatch?: (info: { notices: number; ids: number; ms: number }) => void;
}

interface Waiting { notice: Notice; resolve: () => void; reject: (e: unknown) => void }

/** The realtime worker: `notify` from any source; batches run one after another. */
export class RealtimeIngestor {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly serial: Serial;
  readonly summary: RealtimeSummary = { batches: 0, notices: 0, reads: 0, ingested: 0, catchUps: 0, failures: 0 };

  constructor(private readonly d: RealtimeDeps) {
    this.serial = d.serial ?? new Serial();
  }

  /** Resolves once the notice's leads are stored (and offered); rejects when its batch failed. */
  notify(notice: Notice): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ notice, resolve, reject });
      this.timer ??= setTimeout(() => {
        this.timer = null;
        const batch = this.queue;
        this.queue = [];
        this.running = this.running.then(() => this.serial.run(() => this.process(batch)));
      }, this.d.windowMs);
    });
  }

  /** Wait for everything notified so far. */
  async idle(): Promise<void> {
    do {
      while (this.timer !== null || this.queue.length > 0) await new Promise((r) => setTimeout(r, Math.max(1, this.d.windowMs)));
      await this.running;
    } while (this.timer !== null || this.queue.length > 0);
  }

  private async process(batch: readonly Waiting[]): Promise<void> {
    const started = performance.now();
    const { ctx, connector, signal } = this.d;
    const ids = [...new Set(batch.flatMap((w) => w.notice.ids))];
    const catchUp = batch.some((w) => w.notice.catchUp);
    this.summary.batches++;
    this.summary.notices += batch.length;
    try {
      if (ids.length > 0) {
        if (connector.readLeads === undefined) throw new Error(`the ${connector.crm} connector cannot read leads by id; realtime ingestion needs it`);
        const items = await connector.readLeads(ids, signal);
        this.summary.reads += ids.length;
        const sum = emptyIngestSummary();
        const cursor = { stamp: ctx.clock.now().toISOString(), lastId: null };
        await ingestLeadPage(ctx, connector.crm, this.d.leadObject, { items, cursor }, sum, {
          checkpoint: false,
          alsoInTransaction: async (tx) => { for (const w of batch) await w.notice.onStored?.(tx); },
        });
        this.summary.ingested += items.length;
      }
      if (catchUp) {
        this.summary.catchUps++;
        ctx.logger.info('realtime source lost track; polling catch-up', { reasons: [...new Set(batch.filter((w) => w.notice.catchUp).map((w) => w.notice.reason))] });
        await this.d.catchUp(signal);
        // Positions of catch-up notices (none with ids) are stored after the poll.
        if (ids.length === 0) await ctx.store.transaction(async (tx) => { for (const w of batch) await w.notice.onStored?.(tx); });
      }
      await qualifyNewLeads(ctx, signal);
      await offerQualifiedLeads(ctx, signal);
      for (const w of batch) w.resolve();
    } catch (e) {
      this.summary.failures++;
      ctx.logger.error('realtime batch failed; its records stay for the next notice or the safety-net poll', { ids: ids.length, error: e instanceof Error ? e.message : String(e) });
      for (const w of batch) w.reject(e);
    } finally {
      this.d.onBatch?.({ notices: batch.length, ids: ids.length, ms: performance.now() - started });
    }
  }
}

/** The kv key a stream's position (replay id) is kept under. */
export const checkpointKey = (crm: string): string => `${crm}.realtime.checkpoint`;

/**
 * Subscribe the connector's own change stream (when it has one) and feed the ingestor. The replay position is
 * persisted with the batch's leads (`onStored`), so a restart resumes after the last stored event.
 */
export async function startChangeStream(ingestor: RealtimeIngestor, d: { ctx: ServiceContext; connector: CrmConnector; channel: string; signal: AbortSignal }): Promise<ChangeStream | null> {
  const { ctx, connector } = d;
  if (connector.subscribeLeadChanges === undefined) return null;
  await connector.connect(d.signal);
  const key = checkpointKey(connector.crm);
  const from = await ctx.store.kv.get(key);
  return connector.subscribeLeadChanges({
    from, channel: d.channel, signal: d.signal,
    onChange: (b: ChangeBatch) => ingestor.notify({
      ids: b.ids, catchUp: b.catchUp, reason: b.reason,
      ...(b.checkpoint === null ? {} : { onStored: (tx: Store) => storeCheckpoint(tx, key, b.checkpoint ?? '', ctx.clock.now()) }),
    }),
  });
}

/** Replay ids only move forward (batches can store out of order when one fails and a later one succeeds). */
async function storeCheckpoint(tx: Store, key: string, value: string, now: Date): Promise<void> {
  const prev = await tx.kv.get(key);
  if (prev !== null && Number(prev) >= Number(value)) return;
  await tx.kv.set(key, value, now);
}
