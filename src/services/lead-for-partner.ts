// What one partner may see of one lead: everything once it holds the reservation, the teaser while the lead is
// offered to it, nothing otherwise. The single read path for partner-facing clients (web, mail, CLI), so "no
// partner ever reads contact data of a lead it did not reserve" is decided here, in one place.
import { domainError } from '../domain/errors.ts';
import type { Lead } from '../domain/lead.ts';
import type { Feedback, LeadEvent, OfferStatus } from '../domain/offer.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { Teaser } from '../domain/teaser.ts';
import { teaserOf } from '../domain/teaser.ts';
import type { ServiceContext } from './context.ts';

export type PartnerLeadView =
  | {
    readonly access: 'full';
    readonly lead: Lead;
    readonly feedback: readonly Feedback[];
    /** The events that concern this partner: its own and the lead's general ones, never other partners'. */
    readonly history: readonly LeadEvent[];
  }
  | {
    readonly access: 'teaser';
    readonly leadId: string;
    readonly teaser: Teaser;
    readonly offer: { readonly wave: number; readonly status: OfferStatus; readonly expiresAt: Date };
  };

export async function leadForPartner(ctx: ServiceContext, leadId: string, partnerId: string): Promise<Result<PartnerLeadView>> {
  const lead = await ctx.store.leads.get(leadId);
  if (lead === null) return err(domainError('LEAD.NOT_FOUND', `No lead ${leadId}.`, { leadId }));
  if (lead.partnerId === partnerId) {
    const [feedback, events] = await Promise.all([ctx.store.feedback.listByLead(lead.id), ctx.store.events.listByLead(lead.id)]);
    return ok({ access: 'full', lead, feedback, history: events.filter((e) => e.partnerId === null || e.partnerId === partnerId) });
  }
  const mine = (await ctx.store.offers.listByLead(lead.id)).find((o) => o.partnerId === partnerId);
  if (mine === undefined) {
    return err(domainError('OFFER.NOT_OFFERED_TO_PARTNER', 'This lead was not offered to your organisation.', { leadId: lead.id }));
  }
  if (lead.partnerId !== null || mine.status === 'taken') {
    return err(domainError('OFFER.ALREADY_TAKEN', 'Another partner reserved this lead first.', { leadId: lead.id }));
  }
  if (mine.status === 'reserved') {
    // It held the lead once and lost it (revoked or returned): the contact data is no longer its to see.
    return err(domainError('OFFER.EXPIRED', 'Your organisation no longer holds this lead.', { leadId: lead.id }));
  }
  return ok({
    access: 'teaser', leadId: lead.id, teaser: teaserOf(lead, ctx.settings.offers.teaser),
    offer: { wave: mine.wave, status: mine.status, expiresAt: mine.expiresAt },
  });
}
