// Read models for the web client, restricted *in the query* to a user's slice (glossary: slice). Every method
// takes the partner ids the caller may see and puts them into the WHERE clause, so a page or API route that
// forgets a check still cannot read another partner's leads: the rows never leave the database.
import type { Lead, LeadStatus } from './lead.ts';
import type { Offer } from './offer.ts';

export interface SliceFilter {
  /** Partners whose held leads are visible; 'all' only for admins. An empty list sees nothing. */
  readonly partnerIds: readonly string[] | 'all';
  /** A sales rep sees only the leads reserved by or assigned to them. */
  readonly repUserId?: string;
}

export interface OfferedLead { readonly offer: Offer; readonly lead: Lead }

export interface ViewRepository {
  /** Open offers to these partners on leads still being offered, newest first (the pick list). */
  pickList(partnerIds: readonly string[], limit: number): Promise<OfferedLead[]>;
  /** The open offer of this lead to one of these partners, or null. */
  openOffer(leadId: string, partnerIds: readonly string[]): Promise<OfferedLead | null>;
  /** Leads held (reserved, worked, closed) by partners in the slice; due soonest first, then newest. */
  heldLeads(f: SliceFilter, q: { readonly statuses: readonly LeadStatus[]; readonly limit: number; readonly offset?: number }): Promise<Lead[]>;
  /** One lead, only if a partner in the slice holds (or held, until closed) it. */
  heldLead(leadId: string, f: SliceFilter): Promise<Lead | null>;
  /** The qualification queue (needs_qualification, returned), oldest first. */
  queue(limit: number, offset?: number): Promise<Lead[]>;
  queueLead(leadId: string): Promise<Lead | null>;
  /** Escalated leads (every wave ended unclaimed), newest first. */
  escalated(limit: number): Promise<Lead[]>;
  /** An escalated lead by id (status expired), or null. */
  escalatedLead(leadId: string): Promise<Lead | null>;
}
