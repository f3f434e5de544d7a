// Pulls as async generators, one Page per API page, checkpointable after each (CONVENTIONS rule 2). Every row is
// validated (schemas.ts) and mapped (src/mapping); a row failing either is quarantined with its reason and the
// rest of the page proceeds.
import type { Cursor } from '../../domain/ports.ts';
import type { Logger } from '../../lib/logger.ts';
import { VendorError } from '../../lib/vendor-error.ts';
import { mapLead, mapPartner, mapPartnerUser } from '../../mapping/index.ts';
import type { LoadedMappings } from '../../mapping/index.ts';
import type { Page, PullOptions, PulledLead, PulledPartner } from '../contract.ts';
import type { SalesforceClient } from './client.ts';
import { describeIssues, leadRowSchema, partnerRowSchema } from './schemas.ts';
import { floorToSecond, leadPullSoql, normalizeStamp, partnerPullSoql, partnerUserPullSoql, soqlDateTime } from './soql.ts';

export interface SyncTiming {
  readonly overlapSeconds: number;
  readonly settleSeconds: number;
}

export interface PullDeps {
  readonly client: SalesforceClient;
  readonly mappings: LoadedMappings;
  readonly sync: SyncTiming;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Converted leads seen on the way (write() sends their state to the opportunity, never to the Lead). */
  readonly onConverted: (leadId: string, opportunityId: string | null) => void;
}

const epoch: Cursor = { stamp: '1970-01-01T00:00:00Z', lastId: null };
/** Query locators expire (15 minutes idle, or too many open per user); restart from the last page this often. */
const maxLocatorRestarts = 3;

/** Drop jsforce/REST `attributes` (type + url): quarantine keeps the fields only. */
function fieldsOf(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object') return {};
  const { attributes: _attributes, ...rest } = raw as Record<string, unknown>;
  return rest;
}

function idOf(raw: unknown): string {
  const id = fieldsOf(raw)['Id'];
  return typeof id === 'string' ? id : '';
}

function stampOf(raw: unknown): string {
  const s = fieldsOf(raw)['SystemModstamp'];
  if (typeof s !== 'string') return '';
  try {
    return normalizeStamp(s);
  } catch {
    return '';
  }
}

function invalidRow(object: string, error: Parameters<typeof describeIssues>[0]) {
  return {
    code: 'CRM.INVALID_ROW',
    message: `${object} row does not match the API schema: ${describeIssues(error)}`,
    fields: [...new Set(error.issues.map((i) => String(i.path[0] ?? '')).filter((p) => p !== ''))],
  };
}

/** Upper bound of this run (now − settle, whole seconds); the final cursor never moves backwards. */
function runWindowEnd(d: PullDeps, from: Cursor | null): { to: Date; final: Cursor } {
  const to = floorToSecond(new Date(d.now().getTime() - d.sync.settleSeconds * 1000));
  const fromMs = from === null ? Number.NaN : Date.parse(from.stamp);
  const stamp = !Number.isNaN(fromMs) && fromMs > to.getTime() ? soqlDateTime(new Date(fromMs)) : soqlDateTime(to);
  return { to, final: { stamp, lastId: null } };
}

export function toPulledLead(d: Pick<PullDeps, 'mappings' | 'onConverted'>, raw: unknown): PulledLead {
  const parsed = leadRowSchema.safeParse(raw);
  if (!parsed.success) {
    return { kind: 'quarantined', externalId: idOf(raw), stamp: stampOf(raw), reason: invalidRow('Lead', parsed.error), raw: fieldsOf(raw) };
  }
  const row = parsed.data;
  const stamp = normalizeStamp(row.SystemModstamp);
  // Deleted, or merged away (MasterRecordId = the surviving lead): offers are withdrawn either way.
  if (row.IsDeleted) return { kind: 'deleted', externalId: row.Id, stamp, mergedInto: row.MasterRecordId ?? null };
  const opportunityId = row.ConvertedOpportunityId ?? null;
  if (row.IsConverted) d.onConverted(row.Id, opportunityId);
  const mapped = mapLead(d.mappings.lead, fieldsOf(row));
  if (!mapped.ok) return { kind: 'quarantined', externalId: row.Id, stamp, reason: mapped.reason, raw: fieldsOf(row) };
  return { kind: 'lead', externalId: row.Id, stamp, data: mapped.value, converted: row.IsConverted, opportunityId };
}

/**
 * MQL leads changed in the window, deletions and merges included (queryAll), oldest first. Each API page is a
 * Page whose cursor is its last row; the last page carries the final cursor `{ stamp: to, lastId: null }`.
 */
export async function* pullLeads(d: PullDeps, opts: PullOptions): AsyncGenerator<Page<PulledLead>> {
  d.client.beginStage('pull-leads');
  const m = d.mappings.lead;
  const { to, final } = runWindowEnd(d, opts.from);
  let cursor: Cursor | null = opts.from;
  let restarts = 0;
  let rows = 0;
  for (;;) {
    const soql = leadPullSoql({ fields: m.selectFields(), mql: m.mql.text, track: m.track?.text ?? null, window: { to, from: cursor, overlapSeconds: d.sync.overlapSeconds } });
    try {
      for await (const page of d.client.queryPages('pull-leads', soql, { all: true, signal: opts.signal })) {
        const items = page.records.map((r) => toPulledLead(d, r));
        rows += items.length;
        const last = [...items].reverse().find((i) => i.externalId !== '' && i.stamp !== '');
        if (last !== undefined) cursor = { stamp: last.stamp, lastId: last.externalId };
        yield { items, cursor: page.done ? final : (cursor ?? epoch) };
      }
      d.logger.info('salesforce leads pulled', { rows, to: final.stamp, restarts });
      return;
    } catch (e) {
      // An expired query locator mid-pull: start a new query after the last page the caller has (keyset resume).
      if (!(e instanceof VendorError && e.code === 'INVALID_QUERY_LOCATOR') || restarts >= maxLocatorRestarts) throw e;
      restarts += 1;
      d.logger.warn('salesforce query locator expired; resuming from the last page', { restarts });
    }
  }
}

/** Partner Accounts, then their partner-user Contacts: a full read each time (see soql.ts partnerPullSoql). */
export async function* pullPartners(d: PullDeps, opts: PullOptions): AsyncGenerator<Page<PulledPartner>> {
  d.client.beginStage('pull-partners');
  const { partner, partnerUser } = d.mappings;
  const { final } = runWindowEnd(d, opts.from);
  const interim = opts.from ?? epoch;
  const pages: Array<{ soql: string; toItem: (raw: unknown) => PulledPartner }> = [{
    soql: partnerPullSoql({ object: partner.object, fields: partner.selectFields(), where: partner.where?.text ?? null }),
    toItem: (raw) => {
      const parsed = partnerRowSchema.safeParse(raw);
      if (!parsed.success) return { kind: 'quarantined', externalId: idOf(raw), reason: invalidRow(partner.object, parsed.error), raw: fieldsOf(raw) };
      const mapped = mapPartner(partner, fieldsOf(parsed.data));
      return mapped.ok
        ? { kind: 'partner', externalId: parsed.data.Id, data: mapped.value }
        : { kind: 'quarantined', externalId: parsed.data.Id, reason: mapped.reason, raw: fieldsOf(parsed.data) };
    },
  }];
  if (partnerUser !== null) {
    const accountField = partnerUser.fields.find((f) => f.target === 'partnerExternalId')?.from ?? 'AccountId';
    pages.push({
      soql: partnerUserPullSoql({
        object: partnerUser.object, fields: partnerUser.selectFields(), where: partnerUser.where?.text ?? null,
        accountField, partnerObject: partner.object, partnerWhere: partner.where?.text ?? null,
      }),
      toItem: (raw) => {
        const parsed = partnerRowSchema.safeParse(raw);
        if (!parsed.success) return { kind: 'quarantined', externalId: idOf(raw), reason: invalidRow(partnerUser.object, parsed.error), raw: fieldsOf(raw) };
        const mapped = mapPartnerUser(partnerUser, fieldsOf(parsed.data));
        return mapped.ok
          ? { kind: 'user', externalId: parsed.data.Id, partnerExternalId: mapped.value.partnerExternalId, email: mapped.value.email, name: mapped.value.name }
          : { kind: 'quarantined', externalId: parsed.data.Id, reason: mapped.reason, raw: fieldsOf(parsed.data) };
      },
    });
  }
  for (const [i, set] of pages.entries()) {
    const lastSet = i === pages.length - 1;
    for await (const page of d.client.queryPages('pull-partners', set.soql, { all: false, signal: opts.signal })) {
      yield { items: page.records.map(set.toItem), cursor: lastSet && page.done ? final : interim };
    }
  }
}
