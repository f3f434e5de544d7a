// Partner companies, then their partner-user contacts: a full read each run (hundreds to a few thousand records,
// a handful of calls), like the Salesforce connector. An incremental window would miss a company that stopped
// matching `where`. Both are keyset walks on hs_object_id (`GT floor`, sorted by id), so the 10,000-result cap of
// search never truncates them. A partner user's partner is its primary associated company (companies.ts).
// https://developers.hubspot.com/docs/guides/api/crm/search#limitations
import type { Cursor } from '../../domain/ports.ts';
import { mapPartner, mapPartnerUser } from '../../mapping/index.ts';
import type { Condition } from '../../mapping/index.ts';
import type { Page, PullOptions, PulledPartner } from '../contract.ts';
import type { HubSpotClient } from './client.ts';
import { withCompanies } from './companies.ts';
import type { PullDeps } from './pull.ts';
import { runWindow, splitFields } from './pull.ts';
import type { HsRecord } from './schemas.ts';
import type { Stage } from './usage.ts';
import { iso, searchPage } from './walk.ts';

/** Every record matching the condition, page by page, by ascending id. */
export async function* walkAll(client: HubSpotClient, stage: Stage, object: string, where: Condition | null, properties: readonly string[], pageSize: number, signal: AbortSignal): AsyncGenerator<HsRecord[]> {
  let floor: string | null = null;
  const groups = where?.filterGroups ?? [];
  for (;;) {
    const idFilter = floor === null ? [] : [{ propertyName: 'hs_object_id', operator: 'GT', value: floor }];
    const filterGroups = groups.length === 0 ? (idFilter.length === 0 ? [] : [{ filters: idFilter }]) : groups.map((g) => ({ filters: [...g.filters, ...idFilter] }));
    const { records: recs, total } = await searchPage(client, stage, object, {
      ...(filterGroups.length === 0 ? {} : { filterGroups }), sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: [...new Set(['hs_object_id', ...properties])], limit: pageSize,
    }, signal);
    if (recs.length > 0) yield recs;
    const last = recs.at(-1);
    if (recs.length < pageSize || (total !== null && total <= recs.length) || last === undefined) return;
    floor = last.id;
  }
}

export async function* pullPartners(d: PullDeps, opts: PullOptions): AsyncGenerator<Page<PulledPartner>> {
  d.client.beginStage('pull-partners');
  const { partner, partnerUser } = d.mappings;
  const { to } = runWindow(d, null);
  const final: Cursor = { stamp: opts.from !== null && Date.parse(opts.from.stamp) > to ? opts.from.stamp : iso(to), lastId: null };
  const interim = opts.from ?? { stamp: '1970-01-01T00:00:00.000Z', lastId: null };
  const size = d.settings.searchPageSize;
  let pending: PulledPartner[] | null = null;
  const partners = splitFields(partner.selectFields()).own;
  for await (const recs of walkAll(d.client, 'pull-partners', partner.object, partner.where, partners, size, opts.signal)) {
    if (pending !== null) yield { items: pending, cursor: interim };
    pending = recs.map((r): PulledPartner => {
      const row = { ...r.properties, hs_object_id: r.id };
      const mapped = mapPartner(partner, row);
      return mapped.ok ? { kind: 'partner', externalId: r.id, data: mapped.value } : { kind: 'quarantined', externalId: r.id, reason: mapped.reason, raw: row };
    });
  }
  if (partnerUser !== null) {
    const { own, company } = splitFields(partnerUser.selectFields());
    for await (const recs of walkAll(d.client, 'pull-partners', partnerUser.object, partnerUser.where, own, size, opts.signal)) {
      const rows = await withCompanies(d.client, 'pull-partners', recs, company, opts.signal);
      if (pending !== null) yield { items: pending, cursor: interim };
      pending = recs.map((r, i): PulledPartner => {
        const row = rows[i] ?? {};
        const mapped = mapPartnerUser(partnerUser, row);
        return mapped.ok
          ? { kind: 'user', externalId: r.id, partnerExternalId: mapped.value.partnerExternalId, email: mapped.value.email, name: mapped.value.name }
          : { kind: 'quarantined', externalId: r.id, reason: mapped.reason, raw: row };
      });
    }
  }
  yield { items: pending ?? [], cursor: final };
}
