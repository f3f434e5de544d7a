// Call accounting: what the connector spent (by kind), what was refused (401, 429, outages) and token requests.
import type { CallKind, CallStats } from './types.ts';

const KINDS: CallKind[] = ['object', 'list', 'search', 'batchRead', 'batchCreate', 'batchUpdate', 'batchUpsert',
  'batchArchive', 'merge', 'properties', 'pipelines', 'associations', 'other'];

export class Stats {
  private stats: CallStats = Stats.empty();

  static empty(): CallStats {
    return { total: 0, byKind: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<CallKind, number>, auth: 0, rejected: 0, throttled: 0 };
  }

  billed(kind: CallKind): void {
    this.stats.total++;
    this.stats.byKind[kind]++;
  }

  auth(): void {
    this.stats.auth++;
  }

  rejected(): void {
    this.stats.rejected++;
  }

  throttled(): void {
    this.stats.rejected++;
    this.stats.throttled++;
  }

  snapshot(): CallStats {
    return { ...this.stats, byKind: { ...this.stats.byKind } };
  }

  reset(): void {
    this.stats = Stats.empty();
  }
}
