// API usage accounting: every HTTP request the connector makes, by stage, plus the org's own figure from
// `Sforce-Limit-Info: api-usage=used/limit` (sent on every REST response). The daily allocation is shared by every
// integration in the org, so leadrelay refuses to start a stage once its configured share is used, and stops
// entirely after REQUEST_LIMIT_EXCEEDED until the resume time.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
import type { ApiUsage } from '../contract.ts';
import { ApiShareExceededError, QuotaExhaustedError } from '../../lib/retry.ts';

export const stages = [
  'pull-leads', 'pull-partners', 'write-lead', 'write-opportunity', 'write-partner', 'convert', 'verify', 'describe', 'metadata', 'auth',
  // Re-reads by Id of leads a change event named (src/connectors/salesforce/streaming.ts).
  'read-leads',
] as const;
export type Stage = (typeof stages)[number];

export function parseLimitInfo(header: string | undefined): { used: number; limit: number } | null {
  if (header === undefined) return null;
  const m = /api-usage=(\d+)\/(\d+)/.exec(header);
  return m ? { used: Number(m[1]), limit: Number(m[2]) } : null;
}

export class UsageMeter {
  private readonly calls = new Map<string, number>();
  private readonly outcomes = new Map<string, number>();
  private quota: { used: number; limit: number; at: string } | null = null;
  private pausedUntil: Date | null = null;

  constructor(private readonly now: () => Date, private readonly maxShare: number) {}

  record(stage: string): void {
    this.calls.set(stage, (this.calls.get(stage) ?? 0) + 1);
  }

  /** The answer's class: '2xx', '4xx', '429', '5xx' or 'network' (no answer). */
  outcome(kind: string): void {
    this.outcomes.set(kind, (this.outcomes.get(kind) ?? 0) + 1);
  }

  observe(limitInfoHeader: string | undefined): void {
    const q = parseLimitInfo(limitInfoHeader);
    if (q) this.quota = { ...q, at: this.now().toISOString() };
  }

  pause(until: Date): void {
    this.pausedUntil = until;
  }

  /** Throws when the quota is gone (until the resume time) or leadrelay's share of it is used up. */
  beginStage(stage: Stage): void {
    const now = this.now();
    if (this.pausedUntil !== null) {
      if (now < this.pausedUntil) throw new QuotaExhaustedError(this.pausedUntil, 'REQUEST_LIMIT_EXCEEDED');
      this.pausedUntil = null;
    }
    const q = this.quota;
    if (q !== null && q.limit > 0 && q.used / q.limit > this.maxShare) {
      throw new ApiShareExceededError(stage, q.used, q.limit, this.maxShare);
    }
  }

  snapshot(): ApiUsage {
    const callsByStage = Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.calls.values()].reduce((a, b) => a + b, 0);
    return {
      callsByStage,
      callsByOutcome: Object.fromEntries([...this.outcomes.entries()].sort(([a], [b]) => a.localeCompare(b))),
      total,
      quota: this.quota === null ? null : { ...this.quota },
      pausedUntil: this.pausedUntil?.toISOString() ?? null,
    };
  }
}
