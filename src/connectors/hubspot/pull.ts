// MQL contacts as async-generator pages, checkpointable after each (CONVENTIONS rule 2). One run is:
//   1. merges   — a search of the window for contacts whose hs_merged_object_ids is set: every id merged into a
//                 survivor is reported `deleted` with `mergedInto` (the survivor itself comes through step 3);
//   2. archives — deleted (archived) contacts never appear in search; the archive is listed (`archived=true`) and
//                 the ones archived inside the window are reported `deleted`. The list has no time filter, so it is
//                 walked at most every `archiveSweepMinutes`, each sweep looking back over the minutes it skipped;
//   3. changes  — the MQL (or tracked) contacts changed in the window (walk.ts), each page with its contacts'
//                 primary companies read in one association batch + one company batch (companies.ts).
// Steps 1 and 2 run only when there is a cursor (nothing is held before the first load) and yield only pages with
// items, checkpointing the unchanged cursor; step 3 moves it. Every row is validated (schemas.ts) and mapped
// (src/mapping); a row failing either is quarantined with its reason and the rest of the page proceeds.
// https://developers.hubspot.com/docs/guides/api/crm/objects/contacts#merge-contacts
// https://developers.hubspot.com/docs/guides/api/crm/understanding-the-crm#retrieve-archived-records
import type { Cursor } from '../../domain/ports.ts';
import type { Logger } from '../../lib/logger.ts';
import { mapLead } from '../../mapping/index.ts';
import type { LeadMapping, LoadedMappings } from '../../mapping/index.ts';
import type { Page, PullOptions, PulledLead } from '../contract.ts';
import type { HubSpotClient } from './client.ts';
import { withCompanies } from './companies.ts';
import type { HsRecord } from './schemas.ts';
import { describeIssues, listPageSchema, recordSchema } from './schemas.ts';
import { iso, malformed, stampOf, stampProperty, walkWindow } from './walk.ts';

export interface SyncTiming {
  readonly overlapSeconds: number;
  readonly settleSeconds: number;
}

export interface PullSettings {
  readonly searchPageSize: number;
  readonly indexLagSeconds: number;
  readonly archiveSweepMinutes: number;
}

export interface PullDeps {
  readonly client: HubSpotClient;
  readonly mappings: LoadedMappings;
  readonly sync: SyncTiming;
  readonly settings: PullSettings;
  readonly now: () => Date;
  readonly logger: Logger;
  /** When this process last listed the archive (epoch ms); the connector keeps it between runs. */
  readonly sweep: { lastAt: number | null };
}

const epoch: Cursor = { stamp: '1970-01-01T00:00:00.000Z', lastId: null };
const listLimit = 100;

/** Contact properties and `company.` properties a mapping reads. */
export function splitFields(fields: readonly string[]): { own: string[]; company: string[] } {
  const own = fields.filter((f) => !f.startsWith('company.'));
  const company = fields.filter((f) => f.startsWith('company.')).map((f) => f.slice('company.'.length));
  return { own, company };
}

/** The run's window: `to` = now − max(settle, index lag), fixed for the run; `from` = cursor − overlap. */
export function runWindow(d: Pick<PullDeps, 'now' | 'sync' | 'settings'>, from: Cursor | null): { to: number; lower: { stamp: number; lastId: string | null } | null } {
  const lagMs = Math.max(d.sync.settleSeconds, d.settings.indexLagSeconds) * 1000;
  const to = d.now().getTime() - lagMs;
  if (from === null) return { to, lower: null };
  const stamp = Date.parse(from.stamp);
  if (Number.isNaN(stamp)) throw new Error('cursor stamp is not a date-time');
  return d.sync.overlapSeconds > 0
    ? { to, lower: { stamp: stamp - d.sync.overlapSeconds * 1000, lastId: null } }
    : { to, lower: { stamp, lastId: from.lastId } };
}

export function toPulledLead(m: LeadMapping, rec: HsRecord, row: Record<string, unknown>): PulledLead {
  const ms = stampOf(rec);
  if (Number.isNaN(ms)) return { kind: 'quarantined', externalId: rec.id, stamp: '', reason: { code: 'CRM.INVALID_ROW', message: `${stampProperty} missing`, fields: [stampProperty] }, raw: row };
  const stamp = iso(ms);
  const mapped = mapLead(m, row);
  if (!mapped.ok) return { kind: 'quarantined', externalId: rec.id, stamp, reason: mapped.reason, raw: row };
  // HubSpot has no lead conversion: a deal is leadrelay's own write-back, never a reason to withdraw.
  return { kind: 'lead', externalId: rec.id, stamp, data: mapped.value, converted: false, opportunityId: null };
}

/** Contacts merged into a survivor changed in the window. */
async function* merges(d: PullDeps, lower: number, to: number, seen: Set<string>, signal: AbortSignal): AsyncGenerator<PulledLead[]> {
  const spec = {
    object: d.mappings.lead.object, stage: 'pull-leads' as const, properties: ['hs_merged_object_ids'], to, pageSize: d.settings.searchPageSize,
    groups: [{ filters: [{ propertyName: 'hs_merged_object_ids', operator: 'HAS_PROPERTY' as const }] }], from: { stamp: lower, lastId: null },
  };
  for await (const b of walkWindow(d.client, spec, signal)) {
    const items: PulledLead[] = [];
    for (const r of b.records) {
      for (const id of (r.properties['hs_merged_object_ids'] ?? '').split(';')) {
        if (id === '' || id === r.id || seen.has(id)) continue;
        seen.add(id);
        items.push({ kind: 'deleted', externalId: id, stamp: iso(stampOf(r)), mergedInto: r.id });
      }
    }
    if (items.length > 0) yield items;
  }
}

/**
 * Contacts archived since `lower`: the archive listed page by page (it has no time filter). No upper bound: the list
 * has no indexing lag, and reporting an archive twice (next run again) is harmless.
 */
async function* archives(d: PullDeps, lower: number, seen: Set<string>, signal: AbortSignal): AsyncGenerator<PulledLead[]> {
  const path = `/crm/v3/objects/${d.mappings.lead.object}`;
  let after: string | undefined;
  do {
    const qs: Record<string, string> = { archived: 'true', limit: String(listLimit), properties: 'hs_object_id', ...(after === undefined ? {} : { after }) };
    const raw = await d.client.call('pull-archived', { method: 'GET', path, qs }, signal);
    const page = listPageSchema.safeParse(raw);
    if (!page.success) throw malformed(path, describeIssues(page.error));
    const items: PulledLead[] = [];
    for (const r of page.data.results) {
      const rec = recordSchema.safeParse(r);
      if (!rec.success || rec.data.archivedAt === undefined || seen.has(rec.data.id)) continue;
      const at = Date.parse(rec.data.archivedAt);
      if (Number.isNaN(at) || at < lower) continue;
      seen.add(rec.data.id);
      items.push({ kind: 'deleted', externalId: rec.data.id, stamp: iso(at), mergedInto: null });
    }
    if (items.length > 0) yield items;
    after = page.data.paging?.next?.after;
  } while (after !== undefined);
}

export async function* pullLeads(d: PullDeps, opts: PullOptions): AsyncGenerator<Page<PulledLead>> {
  d.client.beginStage('pull-leads');
  const m = d.mappings.lead;
  const { to, lower } = runWindow(d, opts.from);
  if (opts.from !== null && lower !== null && Date.parse(opts.from.stamp) >= to) {
    // The clock is behind the cursor: nothing to read, and the cursor never moves backwards.
    yield { items: [], cursor: { stamp: opts.from.stamp, lastId: null } };
    return;
  }
  const interim = opts.from ?? epoch;
  const counts = { leads: 0, deleted: 0, quarantined: 0, pages: 0 };
  if (lower !== null) {
    const seen = new Set<string>();
    for await (const items of merges(d, lower.stamp, to, seen, opts.signal)) {
      counts.deleted += items.length;
      yield { items, cursor: interim };
    }
    const now = d.now().getTime();
    const every = d.settings.archiveSweepMinutes * 60_000;
    if (d.sweep.lastAt === null || now - d.sweep.lastAt >= every) {
      for await (const items of archives(d, lower.stamp - every, seen, opts.signal)) {
        counts.deleted += items.length;
        yield { items, cursor: interim };
      }
      d.sweep.lastAt = now;
    }
  }
  const { own, company } = splitFields(m.selectFields());
  const groups = [...(m.mql.filterGroups ?? []), ...(m.track?.filterGroups ?? [])];
  const spec = { object: m.object, stage: 'pull-leads' as const, groups, properties: ['hs_object_id', ...own], from: lower, to, pageSize: d.settings.searchPageSize };
  for await (const b of walkWindow(d.client, spec, opts.signal)) {
    const rows = await withCompanies(d.client, 'pull-companies', b.records, company, opts.signal);
    const items = b.records.map((r, i) => toPulledLead(m, r, rows[i] ?? {}));
    for (const it of items) counts[it.kind === 'lead' ? 'leads' : it.kind === 'deleted' ? 'deleted' : 'quarantined']++;
    counts.pages++;
    yield { items, cursor: b.cursor };
  }
  d.logger.info('hubspot contacts pulled', { ...counts, to: iso(to) });
}
