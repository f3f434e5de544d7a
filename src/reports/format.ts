// Number and text formatting shared by the renderers. Money is integer cents in; text out is exact (no float
// formatting of cents: 1234567 -> "12,345.67", never "12345.670000001").
import type { Kpis } from './model.ts';

/** Cents as currency units with thousands separators: 1234567 -> "12,345.67", -5 -> "-0.05". */
export function formatCents(cents: number | null, opts: { grouping?: boolean } = {}): string {
  if (cents === null) return '';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const units = String(Math.floor(abs / 100));
  const grouped = opts.grouping === false ? units : units.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}.${String(abs % 100).padStart(2, '0')}`;
}

/** 0.25 -> "25.0%"; null -> "" (no sample: not zero). */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? '' : `${(ratio * 100).toFixed(1)}%`;
}

/** Hours with one decimal; null -> "". */
export function formatHours(h: number | null): string {
  return h === null ? '' : `${h.toFixed(1)}`;
}

/** Days with two decimals (14.25 = 14 days 6 hours); null -> "". */
export function formatDays(d: number | null): string {
  return d === null ? '' : d.toFixed(2);
}

export function pipelineTotal(k: Kpis): number {
  return Object.values(k.pipelineCents).reduce((s, v) => s + v, 0);
}

/** The KPI lines every format shows, in order: label, the value, and the comparable number for trends. */
export interface KpiLine {
  readonly key: string;
  readonly label: string;
  readonly text: (k: Kpis) => string;
  readonly value: (k: Kpis) => number | null;
  /** The value is cents: changes are shown as money. */
  readonly money?: boolean;
}

export const kpiLines: readonly KpiLine[] = [
  { key: 'offered', label: 'Offers made', text: (k) => String(k.offered), value: (k) => k.offered },
  { key: 'reserved', label: 'Reserved', text: (k) => String(k.reserved), value: (k) => k.reserved },
  { key: 'declined', label: 'Declined', text: (k) => String(k.declined), value: (k) => k.declined },
  { key: 'expired', label: 'Offers expired', text: (k) => String(k.expired), value: (k) => k.expired },
  { key: 'won', label: 'Won', text: (k) => String(k.won), value: (k) => k.won },
  { key: 'lost', label: 'Lost', text: (k) => String(k.lost), value: (k) => k.lost },
  { key: 'returned', label: 'Returned', text: (k) => String(k.returned), value: (k) => k.returned },
  { key: 'revoked', label: 'Revoked', text: (k) => String(k.revoked), value: (k) => k.revoked },
  { key: 'open', label: 'Open at period end', text: (k) => String(k.open), value: (k) => k.open },
  { key: 'ttrMedian', label: 'Time to reserve, median (h)', text: (k) => formatHours(k.timeToReserve.medianHours), value: (k) => k.timeToReserve.medianHours },
  { key: 'ttrP90', label: 'Time to reserve, p90 (h)', text: (k) => formatHours(k.timeToReserve.p90Hours), value: (k) => k.timeToReserve.p90Hours },
  { key: 'compliance', label: 'Feedback on time', text: (k) => formatPercent(k.feedbackCompliance), value: (k) => k.feedbackCompliance },
  { key: 'overdue', label: 'Overdue now', text: (k) => String(k.overdueNow), value: (k) => k.overdueNow },
  { key: 'cr', label: 'CR (won / reserved)', text: (k) => formatPercent(k.conversionRate), value: (k) => k.conversionRate },
  { key: 'adt', label: 'ADT (days to win)', text: (k) => formatDays(k.averageDealDays), value: (k) => k.averageDealDays },
  { key: 'ads', label: 'ADS (average won amount)', text: (k) => formatCents(k.averageDealSizeCents), value: (k) => k.averageDealSizeCents, money: true },
  { key: 'wonAmount', label: 'Won amount', text: (k) => formatCents(k.wonAmountCents), value: (k) => k.wonAmountCents, money: true },
  { key: 'pipeline', label: 'Open pipeline', text: (k) => formatCents(pipelineTotal(k)), value: (k) => pipelineTotal(k), money: true },
  { key: 'escalated', label: 'Escalated', text: (k) => String(k.escalated), value: (k) => k.escalated },
  { key: 'points', label: 'Points earned', text: (k) => String(k.pointsEarned), value: (k) => k.pointsEarned },
];

/** "+3", "-1.5", "+1,000.01" for money (cents); "" when either side has no value. */
export function delta(now: number | null, before: number | null, money = false): string {
  if (now === null || before === null) return '';
  const d = now - before;
  if (d === 0) return '±0';
  const text = money ? formatCents(Math.abs(d)) : Number.isInteger(d) ? String(Math.abs(d)) : Math.abs(d).toFixed(2);
  return `${d > 0 ? '+' : '-'}${text}`;
}

export const quadrantLabels: Readonly<Record<string, string>> = {
  busy_strong: 'busy, strong closer',
  busy_weak: 'busy but weak closer',
  quiet_strong: 'quiet, strong closer',
  quiet_weak: 'quiet, weak closer',
};
