// Terminal table: the KPIs with the previous period beside them, then one line per partner.
import type { Report } from './model.ts';
import { delta, formatCents, formatPercent, kpiLines, quadrantLabels } from './format.ts';

function table(rows: readonly (readonly string[])[], right: (col: number) => boolean): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (right(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

// Control characters in names would move the cursor or recolour a terminal: show them as '?'.
// eslint-disable-next-line no-control-regex
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, '?');

export function renderTable(report: Report): string {
  const out: string[] = [];
  out.push(`${clean(report.sliceLabel)}, ${report.period.label} (${report.period.from.toISOString().slice(0, 10)} to ${new Date(report.period.to.getTime() - 1).toISOString().slice(0, 10)}, UTC), as of ${report.generatedAt.toISOString()}`);
  out.push('');
  out.push(...table([
    ['KPI', report.period.label, report.previousPeriod.label, 'change'],
    ...kpiLines.map((l) => [l.label, l.text(report.kpis), l.text(report.previous), delta(l.value(report.kpis), l.value(report.previous), l.money)]),
  ], (i) => i > 0));
  const reasons = Object.entries(report.kpis.lostReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) out.push('', `Lost reasons: ${reasons.map(([r, n]) => `${clean(r)} ${n}`).join(', ')}`);
  out.push('', `Pipeline by stage: ${Object.entries(report.kpis.pipelineCents).map(([s, c]) => `${s} ${formatCents(c)}`).join(', ')}`);
  if (report.partners.length > 0) {
    out.push('', 'Partners');
    out.push(...table([
      ['partner', 'offered', 'reserved', 'won', 'CR', 'on time', 'overdue', 'won amount', 'points', 'quadrant'],
      ...report.partners.map((p) => [
        `${clean(p.partnerName)}${p.blocked ? ' (blocked)' : ''}`, String(p.kpis.offered), String(p.kpis.reserved), String(p.kpis.won),
        formatPercent(p.kpis.conversionRate), formatPercent(p.kpis.feedbackCompliance), String(p.kpis.overdueNow),
        formatCents(p.kpis.wonAmountCents), String(p.kpis.pointsEarned), p.quadrant === null ? '' : (quadrantLabels[p.quadrant] ?? p.quadrant),
      ]),
    ], (i) => i > 0 && i < 9));
  }
  if (report.escalatedWithoutTaker.length > 0) {
    out.push('', 'Escalated without a taker');
    for (const e of report.escalatedWithoutTaker) out.push(`  ${e.leadId}  ${clean(e.company ?? '')}  since ${e.since.toISOString()}`);
  }
  out.push('', `Trend (reserved / won / CR): ${report.trend.map((w) => `${w.label} ${w.reserved}/${w.won}/${formatPercent(w.conversionRate) || '-'}`).join('  ')}`);
  return `${out.join('\n')}\n`;
}
