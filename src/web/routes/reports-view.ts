// What the report pages show, computed once per request and always from the viewer's web slice: the report
// slice is derived from the same computeSlice every other page uses (reportSliceOf), and the leads behind a
// number are read through the slice-filtered view query (partner ids in the WHERE clause), never filtered in the
// template. Charts are inline SVG built from numbers here (the page's CSP allows no inline styles or scripts,
// so geometry travels as attributes).
import type { Lead, LeadStatus } from '../../domain/lead.ts';
import { workingStatuses } from '../../domain/lead.ts';
import { reportSliceOf } from '../../reports/deliver.ts';
import type { Period, Report, Slice } from '../../reports/model.ts';
import type { Auth } from '../auth/authenticate.ts';
import type { WebDeps } from '../deps.ts';
import { heldTitle } from '../present.ts';

/** The numbers a viewer can open to see the leads behind them. */
export const drillMetrics = ['reserved', 'won', 'lost', 'open', 'overdue'] as const;
export type DrillMetric = (typeof drillMetrics)[number];

export const allReportRoles = ['admin', 'channel_manager', 'distributor_manager', 'partner_manager'] as const;

export function viewerSlice(auth: Auth): Slice | null {
  return reportSliceOf(auth.slice, [...allReportRoles]);
}

export interface Bar { readonly x: number; readonly y: number; readonly w: number; readonly h: number; readonly label: string; readonly value: number; readonly kind: 'reserved' | 'won' }
export interface TrendChart { readonly width: number; readonly height: number; readonly bars: readonly Bar[]; readonly labels: ReadonlyArray<{ x: number; text: string }>; readonly max: number }

/** Grouped bars (reserved, won) per week; heights scale to the busiest week. */
export function trendChart(report: Report, width = 640, height = 180): TrendChart {
  const pts = report.trend;
  const max = Math.max(1, ...pts.map((p) => Math.max(p.reserved, p.won)));
  const plot = height - 24;
  const slot = pts.length === 0 ? width : width / pts.length;
  const bw = Math.max(4, slot / 2 - 6);
  const bars: Bar[] = [];
  const labels: Array<{ x: number; text: string }> = [];
  pts.forEach((p, i) => {
    const x0 = i * slot + 4;
    for (const [k, kind] of [[0, 'reserved'], [1, 'won']] as const) {
      const value = kind === 'reserved' ? p.reserved : p.won;
      const h = Math.round((value / max) * (plot - 4));
      bars.push({ x: Math.round(x0 + k * (bw + 2)), y: plot - h, w: Math.round(bw), h, label: p.label, value, kind });
    }
    labels.push({ x: Math.round(x0), text: p.label.replace(/^\d{4}-/, '') });
  });
  return { width, height, bars, labels, max };
}

export interface QuadrantDot { readonly cx: number; readonly cy: number; readonly name: string; readonly quadrant: string | null; readonly activity: number; readonly cr: number }
export interface QuadrantChart { readonly size: number; readonly dots: readonly QuadrantDot[]; readonly splitX: number | null; readonly splitY: number | null }

/** Activity (x) against conversion rate (y) for partners with a CR; split lines at the slice medians. */
export function quadrantChart(report: Report, size = 320): QuadrantChart {
  const rows = report.partners.filter((p) => p.kpis.conversionRate !== null);
  const maxA = Math.max(1, ...rows.map((p) => p.kpis.activity));
  const pad = 16;
  const sx = (a: number): number => Math.round(pad + (a / maxA) * (size - 2 * pad));
  const sy = (cr: number): number => Math.round(size - pad - cr * (size - 2 * pad));
  const split = report.quadrantSplit;
  return {
    size,
    dots: rows.map((p) => ({ cx: sx(p.kpis.activity), cy: sy(p.kpis.conversionRate ?? 0), name: p.partnerName, quadrant: p.quadrant, activity: p.kpis.activity, cr: p.kpis.conversionRate ?? 0 })),
    splitX: split === null ? null : sx(split.activity),
    splitY: split === null ? null : sy(split.conversionRate),
  };
}

export interface DrillRow { readonly id: string; readonly title: string; readonly status: string; readonly partner: string; readonly at: Date | null }

const heldStatuses: readonly LeadStatus[] = [...workingStatuses, 'won', 'lost'];
const inPeriod = (d: Date | null, p: Period): boolean => d !== null && d.getTime() >= p.from.getTime() && d.getTime() < p.to.getTime();

/**
 * The leads behind a number, as held by partners of the viewer's slice: the query itself is restricted to the
 * slice's partner ids (and a sales rep's own leads), so nothing outside the slice is ever loaded.
 * reserved: reserved in the period; won / lost: closed in the period; open / overdue: now.
 */
export async function drillDown(deps: WebDeps, auth: Auth, metric: DrillMetric, period: Period, partnerId: string | null): Promise<DrillRow[]> {
  const filter = partnerId === null ? auth.slice.filter : { ...auth.slice.filter, partnerIds: auth.slice.partnerIds === 'all' || auth.slice.partnerIds.includes(partnerId) ? [partnerId] : [] };
  const statuses: readonly LeadStatus[] = metric === 'won' ? ['won'] : metric === 'lost' ? ['lost'] : metric === 'reserved' ? heldStatuses : workingStatuses;
  const leads = await deps.ctx.store.views.heldLeads(filter, { statuses, limit: 1000 });
  const now = deps.ctx.clock.now().getTime();
  const pick = (l: Lead): Date | null | false => {
    switch (metric) {
      case 'reserved': return inPeriod(l.reservedAt, period) ? l.reservedAt : false;
      case 'won': case 'lost': return inPeriod(l.statusChangedAt, period) ? l.statusChangedAt : false;
      case 'open': return l.reservedAt;
      case 'overdue': return l.feedbackDueAt !== null && l.feedbackDueAt.getTime() <= now ? l.feedbackDueAt : false;
    }
  };
  const partners = new Map((await deps.ctx.store.partners.list()).map((p) => [p.id, p.data.name]));
  const out: DrillRow[] = [];
  for (const l of leads) {
    const at = pick(l);
    if (at === false) continue;
    out.push({ id: l.id, title: heldTitle(l), status: l.status, partner: l.partnerId === null ? '' : (partners.get(l.partnerId) ?? ''), at });
  }
  return out.sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
}
