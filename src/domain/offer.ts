// An offer makes a lead visible as a teaser to one partner in one wave. Reservation closes all of a lead's
// offers at once: the winner's becomes `reserved`, every other open one `taken`.
export const offerStatuses = ['open', 'reserved', 'taken', 'declined', 'expired', 'withdrawn'] as const;
export type OfferStatus = (typeof offerStatuses)[number];

export interface Offer {
  readonly id: string;
  readonly leadId: string;
  readonly partnerId: string;
  readonly wave: number;
  readonly status: OfferStatus;
  readonly score: number;
  readonly rank: number;
  readonly offeredAt: Date;
  readonly expiresAt: Date;
  readonly closedAt: Date | null;
  readonly declineReason: string | null;
}

export const feedbackStatuses = ['contacted', 'meeting', 'proposal', 'won', 'lost', 'not_reachable', 'returned'] as const;
export type FeedbackStatus = (typeof feedbackStatuses)[number];

export interface Feedback {
  readonly id: string;
  readonly leadId: string;
  readonly partnerId: string;
  readonly userId: string | null;
  readonly status: FeedbackStatus;
  readonly amount: number | null;
  readonly closeDate: string | null;
  readonly lostReason: string | null;
  readonly comment: string | null;
  readonly at: Date;
}

/** One entry of a lead's history (audit trail). `data` holds ids, statuses and reasons only. */
export interface LeadEvent {
  readonly leadId: string;
  readonly at: Date;
  readonly type:
    | 'received' | 'updated' | 'qualified' | 'needs_qualification' | 'rejected' | 'offered' | 'viewed' | 'reserved'
    | 'declined' | 'feedback' | 'reminder' | 'revoked' | 'expired' | 'escalated' | 'assigned' | 'returned'
    | 'withdrawn' | 'converted' | 'widened' | 'quarantined' | 'plan_updated';
  /** 'system', 'crm', a user id, or 'partner:<id>'. */
  readonly actor: string;
  readonly partnerId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}
