// CSV: RFC 4180 (comma, CRLF, fields with comma, quote, CR or LF in double quotes, quotes doubled), one row per
// partner and a total row. Spreadsheet formula injection (OWASP "CSV injection"): a text cell starting with
// = + - @ tab or CR is prefixed with an apostrophe so Excel / Sheets show it as text. Numbers are written by us
// and stay numbers (a negative points balance is data, not a formula).
import type { Kpis, Report } from './model.ts';
import { formatCents, pipelineTotal } from './format.ts';

const HEADER = [
  'partner_id', 'external_id', 'partner', 'offered', 'reserved', 'assigned', 'declined', 'expired', 'revoked', 'returned',
  'won', 'lost', 'open', 'time_to_reserve_median_h', 'time_to_reserve_p90_h', 'feedback_due', 'feedback_on_time',
  'feedback_compliance', 'overdue_now', 'conversion_rate', 'average_deal_days', 'average_deal_size', 'won_amount',
  'pipeline', 'points', 'activity', 'quadrant', 'blocked',
];

/** A text cell: neutralise formulas, then quote when needed. */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const num = (n: number | null): string => (n === null ? '' : String(n));
const round = (n: number | null, digits: number): string => (n === null ? '' : String(Number(n.toFixed(digits))));

function kpiCells(k: Kpis): string[] {
  return [
    num(k.offered), num(k.reserved), num(k.assigned), num(k.declined), num(k.expired), num(k.revoked), num(k.returned),
    num(k.won), num(k.lost), num(k.open), round(k.timeToReserve.medianHours, 2), round(k.timeToReserve.p90Hours, 2),
    num(k.feedbackDue), num(k.feedbackOnTime), round(k.feedbackCompliance, 4), num(k.overdueNow), round(k.conversionRate, 4),
    round(k.averageDealDays, 4), formatCents(k.averageDealSizeCents, { grouping: false }), formatCents(k.wonAmountCents, { grouping: false }),
    formatCents(pipelineTotal(k), { grouping: false }), num(k.pointsEarned), num(k.activity),
  ];
}

export function renderCsv(report: Report): string {
  const lines = [HEADER.join(',')];
  for (const p of report.partners) {
    lines.push([csvText(p.partnerId), csvText(p.externalId), csvText(p.partnerName), ...kpiCells(p.kpis), csvText(p.quadrant ?? ''), p.blocked ? 'yes' : 'no'].join(','));
  }
  lines.push(['', '', csvText(`Total: ${report.sliceLabel}`), ...kpiCells(report.kpis), '', ''].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
