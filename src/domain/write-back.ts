// A write-back is the state the CRM should show, as a full canonical snapshot (not a delta): replaying it is
// harmless, coalescing is "the newest snapshot wins", and a crash between send and acknowledge cannot corrupt
// the CRM. The mapping (src/mapping) turns canonical keys into CRM fields and picklist values.
import type { FeedbackStatus } from './offer.ts';
import type { Lead, LeadStatus, Temperature } from './lead.ts';

export const partnerStatuses = [
  'needs_qualification', 'qualified', 'rejected', 'offered', 'unclaimed', 'reserved', 'contacted', 'meeting', 'proposal',
  'won', 'lost', 'returned', 'withdrawn',
] as const;
export type PartnerStatus = (typeof partnerStatuses)[number];

/** Where the holding partner stands with its feedback: owed, reminded before the deadline, or past it. */
export const feedbackStates = ['due', 'reminded', 'overdue'] as const;
export type FeedbackState = (typeof feedbackStates)[number];

export interface LeadWriteBack {
  readonly status: LeadStatus;
  readonly partnerStatus: PartnerStatus;
  readonly partnerExternalId: string | null;
  readonly partnerName: string | null;
  readonly reservedAt: string | null;
  readonly lastFeedback: FeedbackStatus | null;
  readonly lastFeedbackAt: string | null;
  readonly feedbackComment: string | null;
  readonly temperature: Temperature;
  /** Why the lead waits in the qualification queue or was rejected (rule names and messages, no contact data). */
  readonly qualificationReasons: string | null;
  /** The deadline of the feedback owed now (away periods applied); null when none is owed. */
  readonly feedbackDueAt: string | null;
  readonly feedbackState: FeedbackState | null;
}

export const opportunityStages = ['contacted', 'meeting', 'proposal', 'won', 'lost'] as const;
export type OpportunityStage = (typeof opportunityStages)[number];

export interface OpportunityWriteBack {
  /** leadrelay's lead id: the external id the opportunity is upserted by, so a replay never creates a second one. */
  readonly leadId: string;
  readonly leadExternalId: string;
  readonly name: string;
  readonly stage: OpportunityStage;
  readonly amount: number | null;
  readonly closeDate: string;
  readonly partnerExternalId: string | null;
  readonly lostReason: string | null;
  readonly description: string | null;
}

export type WriteBack =
  | { readonly target: 'lead'; readonly leadId: string; readonly externalId: string; readonly fields: LeadWriteBack }
  | { readonly target: 'opportunity'; readonly leadId: string; readonly externalId: string; readonly fields: OpportunityWriteBack }
  | { readonly target: 'partner'; readonly partnerId: string; readonly externalId: string; readonly fields: Readonly<Record<string, string | number | null>> };

/** The coalescing key: one pending write-back per CRM record. */
export function writeBackKey(wb: WriteBack): string {
  return wb.target === 'partner' ? `partner:${wb.partnerId}` : `${wb.target}:${wb.leadId}`;
}

export function partnerStatusOf(status: LeadStatus): PartnerStatus {
  switch (status) {
    case 'new':
    case 'needs_qualification':
      return 'needs_qualification';
    case 'expired':
      return 'unclaimed';
    default:
      return status;
  }
}

export interface LastFeedback {
  readonly status: FeedbackStatus;
  readonly at: Date;
  readonly comment: string | null;
}

export interface FeedbackOwed {
  readonly dueAt: Date;
  readonly state: FeedbackState;
}

export function leadWriteBackFor(
  lead: Lead,
  partner: { externalId: string; name: string } | null,
  last: LastFeedback | null,
  owed: FeedbackOwed | null = null,
): LeadWriteBack {
  return {
    status: lead.status,
    partnerStatus: partnerStatusOf(lead.status),
    partnerExternalId: partner?.externalId ?? null,
    partnerName: partner?.name ?? null,
    reservedAt: lead.reservedAt?.toISOString() ?? null,
    lastFeedback: last?.status ?? null,
    lastFeedbackAt: last?.at.toISOString() ?? null,
    feedbackComment: last?.comment ?? null,
    temperature: lead.temperature,
    qualificationReasons:
      lead.status === 'needs_qualification' || lead.status === 'rejected'
        ? (lead.qualification?.reasons.map((r) => `${r.rule}: ${r.message}`).join('; ') ?? null)
        : null,
    feedbackDueAt: owed?.dueAt.toISOString() ?? null,
    feedbackState: owed?.state ?? null,
  };
}
