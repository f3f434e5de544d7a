// The feedback SLA: how long a partner has to report on a lead in each stage. A first report within
// `firstHours` of the reservation, then an update every `updateDays`, unless a stage says otherwise
// (e.g. a proposal may wait three weeks, a fresh contact only one).
import type { LeadStatus } from './lead.ts';
import { workingStatuses } from './lead.ts';

export const slaStages = ['reserved', 'contacted', 'meeting', 'proposal'] as const;
export type SlaStage = (typeof slaStages)[number];

export type StageSla = { readonly hours: number } | { readonly days: number };

export interface FeedbackSla {
  readonly firstHours: number;
  readonly updateDays: number;
  readonly stages: Readonly<Partial<Record<SlaStage, StageSla | undefined>>>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Milliseconds until feedback is due on a lead entering (or staying in) `stage`; null when none is owed. */
export function feedbackDueInMs(stage: LeadStatus, sla: FeedbackSla): number | null {
  if (!workingStatuses.includes(stage)) return null;
  const own = sla.stages[stage as SlaStage];
  if (own !== undefined) return 'hours' in own ? own.hours * HOUR : own.days * DAY;
  return stage === 'reserved' ? sla.firstHours * HOUR : sla.updateDays * DAY;
}
