// One rate limiter per HubSpot account, shared by every call leadrelay makes to it (pulls, writes, verify, setup,
// OAuth excluded), so a 429 is the exception, not the control loop.
//   burst   — a rolling window (10 s, `X-HubSpot-RateLimit-Interval-Milliseconds`) of at most `X-HubSpot-RateLimit-Max`
//             requests per account, shared with every other app installed on it. leadrelay takes `burstShare` of
//             it, minus what the last `X-HubSpot-RateLimit-Remaining` says others are using right now.
//   search  — CRM search allows about 5 requests per second per account; we send `searchPerSecond`.
//   429     — whoever is throttled blocks everyone on the account until the window has rolled.
// The daily budget is the UsageMeter's (usage.ts): it stops stages, the limiter only paces.
// https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#rate-limits
// https://developers.hubspot.com/docs/guides/api/crm/search#limitations
import type { Sleep } from '../../lib/retry.ts';
import type { Headers } from './usage.ts';

export interface RateLimitSettings {
  readonly burstPer10s: number;
  readonly burstShare: number;
  readonly searchPerSecond: number;
}

export type CallKind = 'standard' | 'search';

export interface Clockwork {
  readonly now: () => Date;
  readonly sleep: Sleep;
  readonly signal?: AbortSignal;
}

const num = (v: string | undefined): number | null => {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
};

/** Call start times within a sliding window, oldest first. */
class Window {
  private stamps: number[] = [];
  constructor(public spanMs: number) {}
  prune(now: number): number[] {
    let i = 0;
    while (i < this.stamps.length && (this.stamps[i] ?? 0) <= now - this.spanMs) i++;
    if (i > 0) this.stamps = this.stamps.slice(i);
    return this.stamps;
  }
  add(t: number): void {
    this.stamps.push(t);
  }
  /** Calls started after `t` (they are in the window the server reported at `t`). */
  since(t: number): number {
    return this.stamps.filter((s) => s > t).length;
  }
}

export class RateLimiter {
  private readonly burst: Window;
  private readonly search = new Window(1000);
  private burstMax: number;
  private searchMax: number;
  /** Requests other apps have in the window, as of `at` (from the last Remaining header). */
  private others: { count: number; at: number } | null = null;
  private blockedUntil = 0;
  private searchBlockedUntil = 0;
  /** How many calls waited, and for how long in all (reported in logs and the bench). */
  readonly waits = { count: 0, ms: 0 };

  constructor(private readonly settings: RateLimitSettings) {
    this.burst = new Window(10_000);
    this.burstMax = settings.burstPer10s;
    this.searchMax = settings.searchPerSecond;
  }

  /** Milliseconds until a call of this kind may start (0 = now). */
  waitMs(kind: CallKind, now: number): number {
    let wait = Math.max(0, this.blockedUntil - now);
    if (kind === 'search') wait = Math.max(wait, this.searchBlockedUntil - now);
    const mine = this.burst.prune(now);
    const fresh = this.others !== null && now - this.others.at < this.burst.spanMs;
    const others = fresh ? (this.others?.count ?? 0) : 0;
    const budget = Math.max(1, Math.floor(this.burstMax * this.settings.burstShare) - others);
    if (mine.length >= budget) {
      // Enough of our own calls must age out; other apps' calls have surely aged out a window after we saw them.
      const ours = (mine[mine.length - budget] ?? now) + this.burst.spanMs - now;
      const theirs = fresh && others > 0 ? (this.others?.at ?? now) + this.burst.spanMs - now : Number.POSITIVE_INFINITY;
      wait = Math.max(wait, Math.min(ours, theirs));
    }
    if (kind === 'search') {
      const s = this.search.prune(now);
      if (s.length >= this.searchMax) wait = Math.max(wait, (s[s.length - this.searchMax] ?? now) + 1000 - now);
    }
    return Math.max(0, Math.ceil(wait));
  }

  /** Waits for a slot, then counts the call. */
  async acquire(kind: CallKind, c: Clockwork): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      const wait = this.waitMs(kind, c.now().getTime());
      if (wait <= 0) break;
      this.waits.count++;
      this.waits.ms += wait;
      await c.sleep(wait, c.signal);
    }
    const t = c.now().getTime();
    this.burst.add(t);
    if (kind === 'search') this.search.add(t);
  }

  /** Learn the account's limits and other apps' usage from a response's X-HubSpot-RateLimit-* headers. */
  observe(h: Headers, at: Date): void {
    const max = num(h['x-hubspot-ratelimit-max']);
    const interval = num(h['x-hubspot-ratelimit-interval-milliseconds']);
    const remaining = num(h['x-hubspot-ratelimit-remaining']);
    const secondly = num(h['x-hubspot-ratelimit-secondly']);
    if (interval !== null && interval > 0) this.burst.spanMs = interval;
    if (max !== null && max > 0) this.burstMax = max;
    if (secondly !== null && secondly > 0) this.searchMax = Math.min(this.settings.searchPerSecond, secondly);
    if (remaining !== null && max !== null) {
      const t = at.getTime();
      // The server's count includes our calls in the window; the rest are other apps'.
      const ours = this.burst.prune(t).length;
      this.others = { count: Math.max(0, max - remaining - ours), at: t };
    }
  }

  /** After a 429: nobody on this account sends before `until` (search only, for the per-second policy). */
  block(until: Date, searchOnly: boolean): void {
    if (searchOnly) this.searchBlockedUntil = Math.max(this.searchBlockedUntil, until.getTime());
    else this.blockedUntil = Math.max(this.blockedUntil, until.getTime());
  }

  /** The rolling window, for the 429 policy (wait it out). */
  get intervalMs(): number {
    return this.burst.spanMs;
  }
}

/** One limiter per account (API host + credential) and process: every connector instance on it shares it. */
export class LimiterRegistry {
  private readonly byAccount = new Map<string, RateLimiter>();
  for(account: string, settings: RateLimitSettings): RateLimiter {
    let l = this.byAccount.get(account);
    if (l === undefined) {
      l = new RateLimiter(settings);
      this.byAccount.set(account, l);
    }
    return l;
  }
}

/** The process-wide default; tests inject their own registry (or a limiter) through the connector deps. */
export const sharedLimiters = new LimiterRegistry();
