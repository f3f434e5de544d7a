// Per-partner KPIs written to the partner's CRM record (Salesforce Account, HubSpot company) so CRM admins see them
// where they work. The numbers travel as a `partner` write-back through the same outbox as lead state: a full
// snapshot, coalesced per partner, flushed in CRM batches (Collections 200 / batch 100) with the exactly-once
// machinery of flush-write-backs.ts. The mapping (`outbound:` of mappings/<crm>/partner.yaml) names the fields.
//
// Only partners whose numbers changed since the last snapshot enqueued are written: a daily job over a few
// thousand partners would otherwise spend thousands of API calls a day to write the same values. The last
// snapshot per partner is kept in the key-value store, written in the transaction that enqueues it.
import type { Partner } from '../domain/partner.ts';
import type { Store } from '../domain/ports.ts';
import type { WriteBack } from '../domain/write-back.ts';
import type { Logger } from '../lib/logger.ts';
import type { PartnerKpis, Period } from './model.ts';

/** The canonical keys a partner mapping's `outbound:` may write (README "CRM KPI fields"). */
export const partnerKpiKeys = ['conversionRate', 'averageDealDays', 'averageDealSize', 'feedbackCompliance', 'openLeads', 'kpisAsOf'] as const;
export type PartnerKpiKey = (typeof partnerKpiKeys)[number];
export type PartnerKpiFields = Readonly<Record<PartnerKpiKey, string | number | null>>;

const round = (v: number | null, digits: number): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));

/**
 * CRM-friendly numbers: rates as percentages with two decimals (a Number(18,2) field shows 42.86, not 0.4286),
 * money in currency units (cents are leadrelay's internal unit, not the CRM's), days with one decimal.
 */
export function kpiFieldsOf(p: PartnerKpis, asOf: Date): PartnerKpiFields {
  const k = p.kpis;
  return {
    conversionRate: round(k.conversionRate === null ? null : k.conversionRate * 100, 2),
    averageDealDays: round(k.averageDealDays, 1),
    averageDealSize: round(k.averageDealSizeCents === null ? null : k.averageDealSizeCents / 100, 2),
    feedbackCompliance: round(k.feedbackCompliance === null ? null : k.feedbackCompliance * 100, 2),
    openLeads: k.open,
    kpisAsOf: asOf.toISOString().slice(0, 10),
  };
}

/**
 * A CRM partner without a row (the whole-channel report lists partners with activity in the window): its
 * numbers are empty, so a partner that went quiet does not keep last quarter's figures in the CRM.
 */
export function quietKpiFields(asOf: Date): PartnerKpiFields {
  return { conversionRate: null, averageDealDays: null, averageDealSize: null, feedbackCompliance: null, openLeads: 0, kpisAsOf: asOf.toISOString().slice(0, 10) };
}

/** The numbers without the as-of date: a new date alone is no reason to spend an API call. */
function fingerprint(f: PartnerKpiFields): string {
  const { kpisAsOf: _date, ...numbers } = f;
  return JSON.stringify(partnerKpiKeys.filter((k) => k !== 'kpisAsOf').map((k) => [k, numbers[k]]));
}

export const lastKpisKey = (partnerId: string): string => `reports.kpis.sent:${partnerId}`;

export interface KpiWriteBackDeps {
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Per-partner KPIs over a period for the whole channel (the reports engine; injected so tests can pin it). */
  readonly partnerKpis: (period: Period) => Promise<readonly PartnerKpis[]>;
}

export interface KpiWriteBackSummary {
  /** Partners known to leadrelay (each gets its numbers, empty when it had no activity in the window). */
  readonly partners: number;
  readonly enqueued: number;
  readonly unchanged: number;
  /** Partners without a CRM record (created locally): nothing to write to. */
  readonly skipped: number;
}

/** The rolling window ending now: [now - days, now). */
export function rollingPeriod(now: Date, days: number): Period {
  return { label: `last-${days}d`, from: new Date(now.getTime() - days * 86_400_000), to: now };
}

/** Compute the KPIs over the window and enqueue a write-back for every CRM partner whose numbers changed. */
export async function enqueuePartnerKpis(d: KpiWriteBackDeps, windowDays: number, signal?: AbortSignal): Promise<KpiWriteBackSummary> {
  const now = d.now();
  const period = rollingPeriod(now, windowDays);
  const rows = await d.partnerKpis(period);
  signal?.throwIfAborted();
  const partners = new Map((await d.store.partners.list()).map((p): [string, Partner] => [p.id, p]));
  let enqueued = 0;
  let unchanged = 0;
  let skipped = 0;
  const byPartner = new Map(rows.map((r) => [r.partnerId, r]));
  await d.store.transaction(async (tx) => {
    const items: WriteBack[] = [];
    const remember: Array<[string, string]> = [];
    for (const partner of partners.values()) {
      if (partner.crm === 'local' || partner.externalId === '') {
        skipped++;
        continue;
      }
      const row = byPartner.get(partner.id);
      const fields = row === undefined ? quietKpiFields(now) : kpiFieldsOf(row, now);
      const print = fingerprint(fields);
      if ((await tx.kv.get(lastKpisKey(partner.id))) === print) {
        unchanged++;
        continue;
      }
      items.push({ target: 'partner', partnerId: partner.id, externalId: partner.externalId, fields });
      remember.push([lastKpisKey(partner.id), print]);
    }
    await tx.outbox.enqueue(items, now);
    for (const [k, v] of remember) await tx.kv.set(k, v, now);
    enqueued = items.length;
  });
  // Counts only: partner names and numbers are business data, not log material.
  d.logger.info('partner KPIs enqueued for the CRM', { window: period.label, partners: partners.size, enqueued, unchanged, skipped });
  return { partners: partners.size, enqueued, unchanged, skipped };
}
