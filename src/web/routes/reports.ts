// Report pages and their JSON twins (issue 7): /reports shows the viewer's slice (partner managers their
// organisation, distributor managers theirs with the resellers, channel managers their portfolio, admins the
// channel) for a period, with KPI tiles, a trend chart, the partner table and the quadrant; /reports/leads lists
// the leads behind a number. The weekly mail links here, so the link itself grants nothing: it needs a session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Result } from '../../domain/result.ts';
import { err, ok } from '../../domain/result.ts';
import { lastCompleteWeek } from '../../reports/deliver.ts';
import type { Period, Report } from '../../reports/model.ts';
import { parsePeriod } from '../../reports/period.ts';
import { buildReport } from '../../reports/report.ts';
import { sendError } from '../app.ts';
import type { Auth } from '../auth/authenticate.ts';
import type { WebDeps } from '../deps.ts';
import type { WebError } from '../errors.ts';
import { errorBody, webError } from '../errors.ts';
import { when } from '../present.ts';
import { page } from '../render.ts';
import { authOf, csrfGuard, signedIn } from './guards.ts';
import type { DrillMetric } from './reports-view.ts';
import { drillDown, drillMetrics, quadrantChart, trendChart, viewerSlice } from './reports-view.ts';

const reportQuery = z.object({ period: z.string().max(40).optional() });
const drillQuery = z.object({ period: z.string().max(40).optional(), metric: z.enum(drillMetrics), partner: z.string().min(1).max(100).optional() });

const notForYou = webError('AUTH.FORBIDDEN', 'Reports are for partner and distributor managers, channel managers and admins.');

function periodOf(deps: WebDeps, input: string | undefined): Result<Period, WebError> {
  const now = deps.ctx.clock.now();
  if (input === undefined || input.trim() === '') return ok(lastCompleteWeek(now));
  try {
    return ok(parsePeriod(input, now));
  } catch (e) {
    return err(webError('REQUEST.INVALID', e instanceof Error ? e.message : 'Not a period: use e.g. 2026-W47, 2026-11 or 2026-Q4.'));
  }
}

async function viewerReport(deps: WebDeps, auth: Auth, input: string | undefined): Promise<Result<Report, WebError>> {
  const slice = viewerSlice(auth);
  if (slice === null) return err(notForYou);
  const period = periodOf(deps, input);
  if (!period.ok) return period;
  const report = await buildReport(deps.ctx.store, { period: period.value, slice, asOf: deps.ctx.clock.now() });
  // Escalated leads carry the company of a lead nobody in the slice holds: only those who may assign them (admins,
  // channel managers) see that list, as on /overview; partners only ever see such leads as teasers.
  return ok(auth.slice.can.assignEscalated ? report : { ...report, escalatedWithoutTaker: [] });
}

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
const num = (v: number | null, digits = 1): string => (v === null ? '–' : v.toFixed(digits));
const money = (cents: number | null): string => (cents === null ? '–' : (cents / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 }));

export function registerReportPages(app: FastifyInstance, deps: WebDeps): void {
  const pre = [signedIn(deps), csrfGuard(app)];
  const tz = deps.ctx.settings.calendar.timezone;
  const fail = (req: FastifyRequest, reply: FastifyReply, e: WebError) => sendError(deps, req, reply, e);

  app.get('/reports', { preHandler: pre }, async (req, reply) => {
    const q = reportQuery.safeParse(req.query);
    if (!q.success) return fail(req, reply, webError('REQUEST.INVALID', 'Not a period: use e.g. 2026-W47, 2026-11 or 2026-Q4.'));
    const r = await viewerReport(deps, authOf(req), q.data.period);
    if (!r.ok) return fail(req, reply, r.error);
    const report = r.value;
    const drill = (metric: DrillMetric, partner?: string): string =>
      `/reports/leads?metric=${metric}&period=${encodeURIComponent(report.period.label)}${partner === undefined ? '' : `&partner=${encodeURIComponent(partner)}`}`;
    return page(req, reply, 'reports', `Report ${report.period.label}`, {
      report, trend: trendChart(report), quadrant: quadrantChart(report), drill, pct, num, money,
      when: (d: Date | null) => when(d, tz),
    });
  });

  app.get('/reports/leads', { preHandler: pre }, async (req, reply) => {
    const q = drillQuery.safeParse(req.query);
    if (!q.success) return fail(req, reply, webError('REQUEST.INVALID', `Pick a number to open: metric is one of ${drillMetrics.join(', ')}.`));
    const auth = authOf(req);
    if (viewerSlice(auth) === null) return fail(req, reply, notForYou);
    const period = periodOf(deps, q.data.period);
    if (!period.ok) return fail(req, reply, period.error);
    const rows = await drillDown(deps, auth, q.data.metric, period.value, q.data.partner ?? null);
    return page(req, reply, 'reports-leads', `Leads: ${q.data.metric}`, { rows, metric: q.data.metric, period: period.value, when: (d: Date | null) => when(d, tz) });
  });

  const api = (summary: string, extra: object = {}) => ({ preHandler: pre, schema: { tags: ['reports'], summary, ...extra } });

  app.get('/api/v1/reports', api('The KPI report of your slice for a period (default: the last complete week)', { querystring: reportQuery }), async (req, reply) => {
    const r = await viewerReport(deps, authOf(req), (req.query as z.infer<typeof reportQuery>).period);
    if (!r.ok) return reply.code(r.error.status).send(errorBody(r.error));
    return r.value;
  });

  app.get('/api/v1/reports/leads', api('The leads behind a report number, within your slice', { querystring: drillQuery }), async (req, reply) => {
    const q = req.query as z.infer<typeof drillQuery>;
    const auth = authOf(req);
    if (viewerSlice(auth) === null) return reply.code(403).send(errorBody(notForYou));
    const period = periodOf(deps, q.period);
    if (!period.ok) return reply.code(period.error.status).send(errorBody(period.error));
    return { metric: q.metric, period: period.value, leads: await drillDown(deps, auth, q.metric, period.value, q.partner ?? null) };
  });
}
