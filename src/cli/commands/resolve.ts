// Commands accept leadrelay ids or CRM ids for leads and partners.
import type { Lead } from '../../domain/lead.ts';
import type { Partner } from '../../domain/partner.ts';
import type { App } from '../../runtime/app.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { exitCodes } from '../../lib/exit-codes.ts';

export async function resolveLead(app: App, ref: string): Promise<Lead> {
  const lead = (await app.store.leads.get(ref)) ?? (await app.store.leads.getByExternalId(app.config.crm, ref));
  if (lead === null) throw new UserFacingError(`No lead with id or CRM id ${ref}.`, exitCodes.invalidInput);
  return lead;
}

export async function resolvePartner(app: App, ref: string): Promise<Partner> {
  const p = (await app.store.partners.get(ref)) ?? (await app.store.partners.getByExternalId(ref));
  if (p === null) throw new UserFacingError(`No partner with id or CRM id ${ref}.`, exitCodes.invalidInput);
  return p;
}
