// What every use case needs, injected (CONVENTIONS rule 12): the store, a clock, ids, randomness, a logger and
// the settings derived from the validated config at the edge. No module singletons.
import { createHash, randomUUID } from 'node:crypto';
import type { LeadData } from '../domain/lead.ts';
import { canonicalJson } from '../domain/lead.ts';
import type { Clock, IdGenerator, Store } from '../domain/ports.ts';
import type { OpportunityStage } from '../domain/write-back.ts';
import type { Logger } from '../lib/logger.ts';
import type { MatchingConfig, QualificationConfig } from '../rules/config-schema.ts';
import type { CalendarConfig, FeedbackConfig, OffersConfig, PointsSettings } from '../config/marketplace-schema.ts';

export interface ServiceSettings {
  readonly qualification: QualificationConfig;
  readonly matching: MatchingConfig;
  /** Waves, wave clock and teaser (config `offers:`). */
  readonly offers: OffersConfig;
  /** The feedback SLA per stage, reminders, revocation grace, lost reasons (config `feedback:`). */
  readonly feedback: FeedbackConfig;
  /** Working hours wave deadlines count in, per-partner overrides (config `calendar:`). */
  readonly calendar: CalendarConfig;
  /** The points ledger's rules (config `points:`). */
  readonly points: PointsSettings;
  readonly outbox: { readonly maxAttempts: number; readonly retryBaseSeconds: number };
  /** Feedback statuses that create or move the CRM opportunity (from the opportunity mapping's `stages`). */
  readonly opportunityStages: readonly OpportunityStage[];
}

export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly random: () => number;
  readonly logger: Logger;
  readonly settings: ServiceSettings;
}

export const systemClock: Clock = { now: () => new Date() };
export const uuidIds: IdGenerator = { next: () => randomUUID() };

export function contentHash(value: LeadData | object): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

/** A seeded PRNG (mulberry32) for reproducible runs and tests; production passes Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Add each count of `part` to the same count of `sum`. A store.transaction callback may run more than once
 * (PostgreSQL re-runs it after a serialization failure), so it counts into a `part` of its own, returns it, and
 * the caller adds it once the transaction has resolved: a rolled-back attempt then counts nothing.
 */
export function addCounts<K extends string>(sum: Record<NoInfer<K>, number>, part: Readonly<Record<K, number>>): void {
  for (const k of Object.keys(part) as K[]) sum[k] += part[k];
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
