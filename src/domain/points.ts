// Points: a ledger per partner, written by the actions that earn or lose them (glossary). The rules are
// config; each entry carries an idempotency key, so a retried or re-run action never books twice.
import type { Temperature } from './lead.ts';

export const pointsRules = ['reserve', 'feedback_on_time', 'won', 'revoked'] as const;
export type PointsRule = (typeof pointsRules)[number];

export interface PointsConfig {
  /** Per temperature: taking a cold lead is worth more than cherry-picking a hot one. */
  readonly reserve: Readonly<Record<Temperature, number>>;
  /** Feedback given before its deadline (once per deadline). */
  readonly feedbackOnTime: number;
  readonly won: number;
  /** Booked when a lead is revoked for missing feedback; negative. */
  readonly revoked: number;
}

export interface PointsEntry {
  readonly partnerId: string;
  readonly leadId: string | null;
  readonly rule: PointsRule;
  readonly points: number;
  readonly at: Date;
  /** Unique per booking: `reserve:<lead>:<reservedAt>`, `won:<lead>` … */
  readonly key: string;
}

export interface PointsBalance {
  readonly partnerId: string;
  readonly points: number;
  readonly entries: number;
}
