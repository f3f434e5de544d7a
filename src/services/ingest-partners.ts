// Partner organisations and their users from the CRM. Users are keyed by email; a partner user who moves to
// another partner account moves with it.
import type { Page, PulledPartner } from '../connectors/contract.ts';
import type { CrmKind } from '../domain/lead.ts';
import type { IncomingPartner } from '../domain/ports.ts';
import type { ServiceContext } from './context.ts';
import { addCounts, contentHash } from './context.ts';

export interface PartnerIngestSummary { created: number; changed: number; unchanged: number; users: number; quarantined: number; pages: number }

export async function ingestPartners(
  ctx: ServiceContext, crm: CrmKind, object: string, pages: AsyncGenerator<Page<PulledPartner>>,
): Promise<PartnerIngestSummary> {
  const sum: PartnerIngestSummary = { created: 0, changed: 0, unchanged: 0, users: 0, quarantined: 0, pages: 0 };
  for await (const page of pages) {
    sum.pages++;
    const now = ctx.clock.now();
    // fn may run more than once (Store.transaction): it returns its counts, added once it has committed.
    const part = await ctx.store.transaction(async (tx) => {
      const counts = { created: 0, changed: 0, unchanged: 0, users: 0, quarantined: 0 };
      const partners: IncomingPartner[] = [];
      for (const item of page.items) {
        if (item.kind === 'partner') {
          partners.push({ crm, externalId: item.externalId, data: item.data, contentHash: contentHash(item.data) });
        } else if (item.kind === 'quarantined') {
          await tx.quarantine.putRecord({ crm, object, externalId: item.externalId, reason: item.reason, payload: item.raw }, now);
          counts.quarantined++;
        }
      }
      if (partners.length > 0) {
        const r = await tx.partners.upsertMany(partners, now, () => ctx.ids.next());
        counts.created += r.created;
        counts.changed += r.changed;
        counts.unchanged += r.unchanged;
      }
      for (const item of page.items) {
        if (item.kind !== 'user') continue;
        const partner = await tx.partners.getByExternalId(item.partnerExternalId);
        if (partner === null) continue;
        const existing = await tx.users.getByEmail(item.email);
        await tx.users.upsert({
          id: existing?.id ?? ctx.ids.next(), email: item.email, name: item.name, orgId: partner.id,
          roles: existing?.roles ?? ['partner_manager'], active: true, externalId: item.externalId,
        });
        counts.users++;
      }
      await tx.cursors.set(crm, object, page.cursor, now);
      return counts;
    });
    addCounts(sum, part);
    ctx.logger.debug('partner page stored', { object, items: page.items.length });
  }
  return sum;
}
