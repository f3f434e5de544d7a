// API usage accounting: every HTTP request the connector makes, by stage, plus the account's own daily figure from
// `X-HubSpot-RateLimit-Daily` / `-Daily-Remaining` (private apps; OAuth apps have no daily limit and get no such
// headers). The daily limit is shared by every app on the account, so leadrelay refuses to start a stage once its
// configured share is used, and stops entirely after a 429 DAILY until the account's midnight.
// https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#rate-limits
import type { ApiUsage } from '../contract.ts';
import { ApiShareExceededError, QuotaExhaustedError } from '../../lib/retry.ts';

export const stages = [
  'pull-leads', 'pull-companies', 'pull-archived', 'pull-partners', 'write-lead', 'write-opportunity', 'write-partner', 'associate', 'verify',
  'describe', 'setup', 'auth',
  // Batch reads of contacts a webhook named (src/connectors/hubspot/webhooks-read.ts).
  'read-leads',
] as const;
export type Stage = (typeof stages)[number];

export type Headers = Readonly<Record<string, string>>;

const int = (v: string | undefined): number | null => {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** `X-HubSpot-RateLimit-Daily` and `-Daily-Remaining` (lower-case header names). */
export function parseDaily(h: Headers): { used: number; limit: number } | null {
  const limit = int(h['x-hubspot-ratelimit-daily']);
  const remaining = int(h['x-hubspot-ratelimit-daily-remaining']);
  return limit === null || remaining === null || limit <= 0 ? null : { used: Math.max(0, limit - remaining), limit };
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

  /** The answer's class: '2xx', '4xx', '429', '5xx' or 'network' (no answer), for the daemon's metrics. */
  outcome(status: number | null): void {
    const kind = status === null ? 'network' : status === 429 ? '429' : `${Math.floor(status / 100)}xx`;
    this.outcomes.set(kind, (this.outcomes.get(kind) ?? 0) + 1);
  }

  observe(headers: Headers): void {
    const q = parseDaily(headers);
    if (q) this.quota = { ...q, at: this.now().toISOString() };
  }

  pause(until: Date): void {
    this.pausedUntil = until;
  }

  /** Throws while the daily limit is gone (until the resume time) or leadrelay's share of it is used up. */
  beginStage(stage: Stage): void {
    this.checkPause();
    const q = this.quota;
    if (q !== null && q.limit > 0 && q.used / q.limit > this.maxShare) {
      const e = new ApiShareExceededError(stage, q.used, q.limit, this.maxShare);
      e.message = `Stage ${stage} not started: ${q.used}/${q.limit} HubSpot API calls used today, above leadrelay's share of ` +
        `${Math.round(this.maxShare * 100)}% (hubspot.maxDailyApiShare). It resumes after the account's midnight; raise the share if the account can spare the calls.`;
      throw e;
    }
  }

  /** Before every call: after a 429 DAILY nothing is sent until the resume time (no hammering). */
  checkPause(): void {
    if (this.pausedUntil === null) return;
    if (this.now() < this.pausedUntil) {
      throw new QuotaExhaustedError(this.pausedUntil, 'DAILY', `HubSpot's daily API limit is exhausted; leadrelay pauses HubSpot calls until ${this.pausedUntil.toISOString()} (midnight in the account's time zone, hubspot.timeZone).`);
    }
    this.pausedUntil = null;
  }

  snapshot(): ApiUsage {
    const callsByStage = Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.calls.values()].reduce((a, b) => a + b, 0);
    const callsByOutcome = Object.fromEntries([...this.outcomes.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { callsByStage, callsByOutcome, total, quota: this.quota === null ? null : { ...this.quota }, pausedUntil: this.pausedUntil?.toISOString() ?? null };
  }
}
