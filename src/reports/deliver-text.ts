// The plain-text part of the report mail: what a text-only client (or a screen reader fed the text part) shows.
// Text is not HTML, so nothing is escaped here; partner names are cut to one line so a name cannot forge lines.
import type { Kpis, Report } from './model.ts';

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
const days = (v: number | null): string => (v === null ? '–' : `${v.toFixed(1)} d`);
const money = (cents: number | null): string => (cents === null ? '–' : (cents / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 }));
const oneLine = (s: string, max = 60): string => s.replace(/[\r\n\t]+/g, ' ').slice(0, max);

export function kpiLines(k: Kpis): string[] {
  return [
    `Offered ${k.offered}, reserved ${k.reserved}, won ${k.won}, lost ${k.lost}, open ${k.open}`,
    `CR ${pct(k.conversionRate)} · ADT ${days(k.averageDealDays)} · ADS ${money(k.averageDealSizeCents)}`,
    `Feedback on time ${pct(k.feedbackCompliance)} · overdue now ${k.overdueNow}`,
  ];
}

export function renderReportText(report: Report, opts: { link: string }): string {
  const lines = [
    `leadrelay report ${report.period.label}: ${oneLine(report.sliceLabel, 120)}`,
    '',
    ...kpiLines(report.kpis),
    '',
  ];
  if (report.partners.length > 0) {
    lines.push('Partners (reserved / won / CR / open):');
    for (const p of report.partners.slice(0, 50)) {
      lines.push(`- ${oneLine(p.partnerName)}: ${p.kpis.reserved} / ${p.kpis.won} / ${pct(p.kpis.conversionRate)} / ${p.kpis.open}${p.blocked ? ' (blocked: feedback overdue)' : ''}`);
    }
    if (report.partners.length > 50) lines.push(`… and ${report.partners.length - 50} more in the CSV attachment.`);
    lines.push('');
  }
  lines.push(`The full report with drill-down: ${opts.link}`, '', 'You get this weekly mail because of your notification settings; switch it off under Settings.');
  return `${lines.join('\n')}\n`;
}
