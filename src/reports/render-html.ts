// HTML: a self-contained report that mail clients render (Outlook's Word engine, Gmail, Apple Mail): tables
// and inline styles only, no <style> blocks, no scripts, no images or other external resources. Charts are bars
// drawn as table cells with a width and a background colour, which every client keeps. Every text from data
// (partner names, companies, lost reasons, labels) goes through escapeHtml.
//
// The pieces (htmlKpiTable, htmlBarChart, htmlPartnerTable, …) are exported for the weekly mail and web pages.
import type { Report } from './model.ts';
import { delta, formatCents, formatDays, formatPercent, kpiLines, pipelineTotal, quadrantLabels } from './format.ts';

const FONT = 'font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2933;';
const TH = `${FONT}text-align:left;padding:4px 8px;border-bottom:2px solid #cbd2d9;font-weight:bold;`;
const TD = `${FONT}padding:4px 8px;border-bottom:1px solid #e4e7eb;`;
const NUM = `${TD}text-align:right;white-space:nowrap;`;
const H2 = 'font-family:Arial,Helvetica,sans-serif;font-size:17px;color:#1f2933;margin:24px 0 8px 0;';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Only absolute http(s) links: a `javascript:` or relative link in a mail is a bug or an attack. */
export function safeLink(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`renderHtml: link ${JSON.stringify(url)} is not an absolute URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`renderHtml: link ${JSON.stringify(url)} must be http(s)`);
  return escapeHtml(u.toString());
}

const table = (inner: string, width = '100%'): string =>
  `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="${width}" style="border-collapse:collapse;width:${width};">${inner}</table>`;

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** What the bar says (formatted value); default the value. */
  readonly text?: string;
}

/**
 * A horizontal bar chart as a table: one row per bar, the bar a cell whose width is proportional to the value
 * (max `width` px). Zero and negative values draw no bar (a 0-px cell renders as a sliver in Outlook).
 */
export function htmlBarChart(bars: readonly Bar[], opts: { color?: string; width?: number; caption?: string } = {}): string {
  const width = opts.width ?? 240;
  const color = opts.color ?? '#3e7bfa';
  const max = Math.max(0, ...bars.map((b) => b.value));
  const rows = bars.map((b) => {
    const px = max <= 0 || b.value <= 0 ? 0 : Math.max(1, Math.round((b.value / max) * width));
    const bar = px === 0 ? '' : table(`<tr><td width="${px}" height="14" bgcolor="${color}" style="width:${px}px;height:14px;background-color:${color};font-size:1px;line-height:1px;">&nbsp;</td></tr>`, `${px}`);
    return `<tr><td style="${TD}white-space:nowrap;">${escapeHtml(b.label)}</td><td style="${TD}" width="${width}">${bar}</td><td style="${NUM}">${escapeHtml(b.text ?? String(b.value))}</td></tr>`;
  }).join('');
  const caption = opts.caption === undefined ? '' : `<tr><td colspan="3" style="${FONT}font-weight:bold;padding:4px 8px;">${escapeHtml(opts.caption)}</td></tr>`;
  return table(caption + rows);
}

/** The KPI table: this period, the previous one, and the change. */
export function htmlKpiTable(report: Report): string {
  const head = `<tr><th style="${TH}">KPI</th><th style="${TH}text-align:right;">${escapeHtml(report.period.label)}</th><th style="${TH}text-align:right;">${escapeHtml(report.previousPeriod.label)}</th><th style="${TH}text-align:right;">change</th></tr>`;
  const rows = kpiLines.map((l) => `<tr><td style="${TD}">${escapeHtml(l.label)}</td><td style="${NUM}font-weight:bold;">${escapeHtml(l.text(report.kpis))}</td><td style="${NUM}">${escapeHtml(l.text(report.previous))}</td><td style="${NUM}">${escapeHtml(delta(l.value(report.kpis), l.value(report.previous), l.money))}</td></tr>`).join('');
  return table(head + rows);
}

/** Weekly trend: reservations and wins per week as bars. */
export function htmlTrendChart(report: Report): string {
  return htmlBarChart(report.trend.map((w) => ({ label: w.label, value: w.reserved, text: `${w.reserved} reserved, ${w.won} won, CR ${formatPercent(w.conversionRate) || '-'}` })), { caption: 'Reservations per week' });
}

export function htmlPipeline(report: Report): string {
  return htmlBarChart(Object.entries(report.kpis.pipelineCents).map(([stage, cents]) => ({ label: stage, value: cents, text: formatCents(cents) })), { color: '#2f9e44', caption: `Open pipeline: ${formatCents(pipelineTotal(report.kpis))}` });
}

export function htmlLostReasons(report: Report): string {
  const reasons = Object.entries(report.kpis.lostReasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (reasons.length === 0) return `<p style="${FONT}">No deals lost in this period.</p>`;
  return htmlBarChart(reasons.map(([reason, n]) => ({ label: reason, value: n })), { color: '#e8590c', caption: 'Lost reasons' });
}

/** One row per partner; `limit` keeps a mail short (the rest is behind the link). */
export function htmlPartnerTable(report: Report, opts: { limit?: number } = {}): string {
  const rows = opts.limit === undefined ? report.partners : report.partners.slice(0, opts.limit);
  if (rows.length === 0) return `<p style="${FONT}">No partner activity in this period.</p>`;
  const cols = ['Partner', 'Offered', 'Reserved', 'Won', 'CR', 'ADT (days)', 'Won amount', 'On time', 'Overdue', 'Points', 'Quadrant'];
  const head = `<tr>${cols.map((c, i) => `<th style="${TH}${i > 0 && i < 10 ? 'text-align:right;' : ''}">${c}</th>`).join('')}</tr>`;
  const body = rows.map((p) => {
    const k = p.kpis;
    const name = `${escapeHtml(p.partnerName)}${p.blocked ? ' <span style="color:#c92a2a;font-weight:bold;">(blocked)</span>' : ''}`;
    const cells = [String(k.offered), String(k.reserved), String(k.won), formatPercent(k.conversionRate), formatDays(k.averageDealDays), formatCents(k.wonAmountCents), formatPercent(k.feedbackCompliance), String(k.overdueNow), String(k.pointsEarned)];
    return `<tr><td style="${TD}">${name}</td>${cells.map((c) => `<td style="${NUM}">${escapeHtml(c)}</td>`).join('')}<td style="${TD}">${escapeHtml(p.quadrant === null ? '' : (quadrantLabels[p.quadrant] ?? p.quadrant))}</td></tr>`;
  }).join('');
  const more = rows.length < report.partners.length ? `<tr><td colspan="${cols.length}" style="${TD}">… and ${report.partners.length - rows.length} more partners</td></tr>` : '';
  return table(head + body + more);
}

/** The activity vs conversion quadrant as a 2 x 2 table of partner names. */
export function htmlQuadrant(report: Report): string {
  if (report.quadrantSplit === null) return `<p style="${FONT}">No partner reserved leads in this period: no quadrant.</p>`;
  const names = (q: string): string => escapeHtml(report.partners.filter((p) => p.quadrant === q).map((p) => p.partnerName).join(', ') || '-');
  const cell = (q: string, bg: string): string => `<td width="50%" valign="top" bgcolor="${bg}" style="${FONT}padding:8px;border:1px solid #cbd2d9;background-color:${bg};"><b>${escapeHtml(quadrantLabels[q] ?? q)}</b><br>${names(q)}</td>`;
  const s = report.quadrantSplit;
  return table(`<tr>${cell('busy_weak', '#fff4e6')}${cell('busy_strong', '#ebfbee')}</tr><tr>${cell('quiet_weak', '#f8f9fa')}${cell('quiet_strong', '#e7f5ff')}</tr>`
    + `<tr><td colspan="2" style="${FONT}font-size:12px;padding:4px 0;">Busy: ${escapeHtml(String(s.activity))} or more reservations + feedback reports (the median). Strong: CR above the median ${escapeHtml(formatPercent(s.conversionRate))}.</td></tr>`);
}

export function htmlBlockedPartners(report: Report): string {
  const blocked = report.partners.filter((p) => p.blocked);
  if (blocked.length === 0) return `<p style="${FONT}">No partner is blocked for overdue feedback.</p>`;
  return table(`<tr><th style="${TH}">Partner</th><th style="${TH}text-align:right;">Overdue leads</th></tr>${blocked.map((p) => `<tr><td style="${TD}">${escapeHtml(p.partnerName)}</td><td style="${NUM}">${p.overdueLeadIds.length}</td></tr>`).join('')}`);
}

export function htmlEscalations(report: Report): string {
  if (report.escalatedWithoutTaker.length === 0) return `<p style="${FONT}">Every escalated lead found a taker.</p>`;
  return table(`<tr><th style="${TH}">Lead</th><th style="${TH}">Company</th><th style="${TH}">Escalated</th></tr>${report.escalatedWithoutTaker.map((e) => `<tr><td style="${TD}">${escapeHtml(e.leadId)}</td><td style="${TD}">${escapeHtml(e.company ?? '')}</td><td style="${TD}">${escapeHtml(e.since.toISOString().slice(0, 16).replace('T', ' '))} UTC</td></tr>`).join('')}`);
}

export interface RenderHtmlOptions {
  /** "Open the full report" link (http or https). */
  readonly link?: string;
  readonly title?: string;
  /** Partner rows shown (default all). */
  readonly partnerLimit?: number;
}

export function renderHtml(report: Report, opts: RenderHtmlOptions = {}): string {
  const title = opts.title ?? `${report.sliceLabel}: report ${report.period.label}`;
  const range = `${report.period.from.toISOString().slice(0, 10)} to ${new Date(report.period.to.getTime() - 1).toISOString().slice(0, 10)} (UTC)`;
  const link = opts.link === undefined ? '' : `<p style="${FONT}"><a href="${safeLink(opts.link)}" style="color:#1c64f2;">Open the full report</a></p>`;
  const section = (heading: string, body: string): string => `<h2 style="${H2}">${escapeHtml(heading)}</h2>${body}`;
  const body = [
    `<h1 style="font-family:Arial,Helvetica,sans-serif;font-size:22px;color:#1f2933;margin:0 0 4px 0;">${escapeHtml(title)}</h1>`,
    `<p style="${FONT}color:#52606d;margin:0 0 16px 0;">${escapeHtml(range)}; as of ${escapeHtml(report.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</p>`,
    link,
    section('Key figures', htmlKpiTable(report)),
    section('Trend', htmlTrendChart(report)),
    section('Pipeline', htmlPipeline(report)),
    section('Lost reasons', htmlLostReasons(report)),
    section('Activity vs conversion', htmlQuadrant(report)),
    section('Blocked for overdue feedback', htmlBlockedPartners(report)),
    section('Escalated without a taker', htmlEscalations(report)),
    section('Partners', htmlPartnerTable(report, opts.partnerLimit === undefined ? {} : { limit: opts.partnerLimit })),
  ].join('\n');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>`
    + `<body style="margin:0;padding:0;background-color:#ffffff;">${table(`<tr><td style="padding:16px;">${body}</td></tr>`)}</body></html>\n`;
}
