// Drains the webhook inbox into the realtime ingestor: pending events (stored by /hooks/hubspot before its 2xx)
// become one notice per drain, marked processed in the transaction that ingests their records. Woken by the
// receiver in the same process, and on a timer for receivers running in another process (`leadrelay serve`)
// and for events left pending by a crash.
import type { CrmKind } from '../domain/lead.ts';
import type { Store } from '../domain/ports.ts';
import type { RealtimeIngestor } from './realtime.ts';

export class InboxDrainer {
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastPurge = 0;

  constructor(private readonly d: { store: Store; crm: CrmKind; ingestor: RealtimeIngestor; now: () => Date; limit?: number; onError?: (e: unknown) => void }) {}

  /** Drain now (coalesced: a wake during a drain runs one more drain after it). */
  wake(): void {
    if (this.draining !== null) {
      this.again = true;
      return;
    }
    this.draining = this.drain().catch((e: unknown) => this.d.onError?.(e)).finally(() => {
      this.draining = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Also drain every `ms` (unref'd). */
  every(ms: number): void {
    this.timer = setInterval(() => this.wake(), ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.draining;
  }

  private async drain(): Promise<void> {
    const { store, crm, ingestor } = this.d;
    const limit = this.d.limit ?? 1000;
    // Processed ids are kept for deduplication longer than HubSpot keeps retrying (up to 24 hours), then purged.
    const now = this.d.now().getTime();
    if (now - this.lastPurge > 3_600_000) {
      this.lastPurge = now;
      await store.inbox.purge(new Date(now - 3 * 86_400_000));
    }
    for (;;) {
      const events = await store.inbox.pending(crm, limit);
      if (events.length === 0) return;
      const eventIds = events.map((e) => e.eventId);
      await ingestor.notify({
        ids: [...new Set(events.map((e) => e.objectId))], catchUp: false, reason: 'webhook',
        onStored: (tx) => tx.inbox.markProcessed(crm, eventIds, this.d.now()),
      });
      if (events.length < limit) return;
    }
  }
}
