// Rate limits per account, on the emulator clock: a rolling burst window (default 100 requests per 10 s), about
// 5 search requests per second, and a daily budget (private apps only: OAuth calls have no daily limit and get no
// Daily headers). https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
// https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls
import type { Clock } from './clock.ts';
import type { RateLimitSnapshot } from './types.ts';

export type Policy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

export interface LimitConfig {
  burstLimit: number;
  burstIntervalMs: number;
  dailyLimit: number;
  searchPerSecond: number;
}

/** Timestamps within a sliding window; a ring that drops stale entries from the front. */
class Window {
  private stamps: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= now - this.spanMs) this.head++;
    if (this.head > 4096) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }

  add(now: number): void {
    this.stamps.push(now);
  }
}

export class Limits {
  private readonly burst: Window;
  private readonly secondly: Window;
  dailyUsed = 0;
  dailyLimit: number;
  private day = '';

  constructor(private readonly config: LimitConfig, private readonly clock: Clock) {
    this.burst = new Window(config.burstIntervalMs);
    this.secondly = new Window(1000);
    this.dailyLimit = config.dailyLimit;
  }

  /** HubSpot resets the daily count at midnight (account time zone; UTC here). */
  private rollDay(now: number): void {
    const day = new Date(now).toISOString().slice(0, 10);
    if (day !== this.day) {
      if (this.day !== '') this.dailyUsed = 0;
      this.day = day;
    }
  }

  /** Admits one request or names the policy that refuses it. Refused requests do not consume quota. */
  admit(opts: { search: boolean; daily: boolean }): Policy | undefined {
    const now = this.clock.now();
    this.rollDay(now);
    if (opts.daily && this.dailyUsed >= this.dailyLimit) return 'DAILY';
    if (this.burst.count(now) >= this.config.burstLimit) return 'TEN_SECONDLY_ROLLING';
    if (opts.search && this.secondly.count(now) >= this.config.searchPerSecond) return 'SECONDLY';
    this.burst.add(now);
    if (opts.search) this.secondly.add(now);
    if (opts.daily) this.dailyUsed++;
    return undefined;
  }

  /** Counts a request that bypassed admit() (faults that reach the API). */
  consume(opts: { daily: boolean }): void {
    const now = this.clock.now();
    this.rollDay(now);
    this.burst.add(now);
    if (opts.daily) this.dailyUsed++;
  }

  setDaily(used: number, limit?: number): void {
    this.rollDay(this.clock.now());
    this.dailyUsed = used;
    if (limit !== undefined) this.dailyLimit = limit;
  }

  /** The X-HubSpot-RateLimit-* headers of a response. */
  headers(opts: { search: boolean; daily: boolean }): Record<string, string> {
    const s = this.snapshot();
    const h: Record<string, string> = {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(s.burst.intervalMs),
      'X-HubSpot-RateLimit-Max': String(s.burst.max),
      'X-HubSpot-RateLimit-Remaining': String(s.burst.remaining),
    };
    if (opts.search) {
      h['X-HubSpot-RateLimit-Secondly'] = String(s.secondly.max);
      h['X-HubSpot-RateLimit-Secondly-Remaining'] = String(s.secondly.remaining);
    }
    if (opts.daily) {
      h['X-HubSpot-RateLimit-Daily'] = String(s.daily.max);
      h['X-HubSpot-RateLimit-Daily-Remaining'] = String(s.daily.remaining);
    }
    return h;
  }

  snapshot(): RateLimitSnapshot {
    const now = this.clock.now();
    this.rollDay(now);
    return {
      burst: { max: this.config.burstLimit, remaining: Math.max(0, this.config.burstLimit - this.burst.count(now)), intervalMs: this.config.burstIntervalMs },
      secondly: { max: this.config.searchPerSecond, remaining: Math.max(0, this.config.searchPerSecond - this.secondly.count(now)) },
      daily: { max: this.dailyLimit, remaining: Math.max(0, this.dailyLimit - this.dailyUsed), used: this.dailyUsed },
    };
  }
}
