// Partner pages: the pick list (teasers), my leads (overdue first, one-tap feedback), the lead page, the team
// view (give a lead to a sales rep) and points. Every change goes through operations.ts; every read through
// queries.ts. A form that fails re-renders with the reason instead of losing what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { feedbackStatuses } from '../../domain/offer.ts';
import { renderPlan } from '../../domain/opportunity-plan.ts';
import { leaderboard, periodRange } from '../../services/points.ts';
import type { WebDeps } from '../deps.ts';
import type { WebError } from '../errors.ts';
import { assignRep, declineLead, editPlan, giveFeedback, reserveLead } from '../operations.ts';
import { feedbackLabels, when } from '../present.ts';
import { leadDetail, myLeads, pickList, teamMembers } from '../queries.ts';
import { messagePage, page } from '../render.ts';
import { sendError } from '../app.ts';
import { formNumber, formText, idParam } from '../zod-schema.ts';
import { actionLimit, authOf, csrfGuard, seeOther, signedIn } from './guards.ts';

const feedbackForm = z.object({
  status: z.enum(feedbackStatuses), amount: formNumber, closeDate: formText(10), lostReason: formText(200), comment: formText(2000), _csrf: z.string().optional(),
});
const declineForm = z.object({ reason: z.string().trim().min(1, { error: 'say why you decline' }).max(500), _csrf: z.string().optional() });
const repForm = z.object({ userId: z.string().min(1).max(100), _csrf: z.string().optional() });
const planForm = z.object({
  description: formText(4000), budget: formNumber, problem: formText(2000), urgency: z.enum(['', 'low', 'medium', 'high', 'critical']).optional(),
  timeline: formText(500), consequencesOfWaiting: formText(2000), _csrf: z.string().optional(),
});

const flashes: Readonly<Record<string, string>> = {
  reserved: 'Reserved: the lead is yours. Please report back by the date shown.',
  declined: 'Declined: you will not be offered this lead again.',
  feedback: 'Thank you: feedback recorded.',
  rep: 'Assigned.',
  plan: 'Plan saved.',
  assigned: 'Assigned: the partner has the lead and was told by mail.',
  qualified: 'Decision recorded.',
};
export const flashOf = (req: FastifyRequest): string | null => {
  const done = (req.query as Record<string, unknown>)['done'];
  return typeof done === 'string' ? (flashes[done] ?? null) : null;
};

export async function showLead(deps: WebDeps, req: FastifyRequest, reply: FastifyReply, leadId: string, o: { status?: number; error?: string | null } = {}): Promise<FastifyReply> {
  const auth = authOf(req);
  const v = await leadDetail(deps, auth, leadId);
  if (!v.ok) return sendError(deps, req, reply, v.error);
  const tz = deps.ctx.settings.calendar.timezone;
  const title = v.value.access === 'teaser' ? v.value.headline : v.value.title;
  const extra = v.value.access === 'full' && v.value.can.assign ? { partners: (await deps.ctx.store.partners.listActive()).filter((p) => auth.slice.partnerIds === 'all' || auth.slice.partnerIds.includes(p.id)) } : { partners: [] };
  const team = v.value.access === 'full' && v.value.can.team ? await teamMembers(deps, auth) : [];
  const resellers = v.value.access === 'teaser' && auth.slice.can.passDown
    ? (await deps.ctx.store.partners.descendants(auth.slice.actAs!)).filter((p) => p.data.active) : [];
  const planText = v.value.access === 'full' && v.value.plan !== null ? renderPlan(v.value.plan.plan) : null;
  return page(req, reply, 'lead', title, {
    v: v.value, when: (d: Date | null) => when(d, tz), feedbackLabels, lostReasons: deps.ctx.settings.feedback.lostReasons, team, resellers, planText,
    now: deps.ctx.clock.now().getTime(), ...extra,
  }, { flash: flashOf(req), status: o.status ?? 200, error: o.error ?? null });
}

export function registerPartnerPages(app: FastifyInstance, deps: WebDeps): void {
  const pre = [signedIn(deps), csrfGuard(app)];
  const tz = deps.ctx.settings.calendar.timezone;
  const failed = (req: FastifyRequest, reply: FastifyReply, id: string, e: WebError) =>
    (e.status === 404 || e.status === 403 ? sendError(deps, req, reply, e) : showLead(deps, req, reply, id, { status: e.status, error: e.message }));

  app.get('/picks', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    if (!auth.slice.can.pick) return sendError(deps, req, reply, { code: 'AUTH.FORBIDDEN', message: 'Offers are for partner users.', status: 403 });
    const p = await pickList(deps, auth);
    return page(req, reply, 'picks', 'Offers', { ...p, when: (d: Date) => when(d, tz) }, { flash: flashOf(req) });
  });

  app.post('/leads/:id/reserve', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const r = await reserveLead(deps, authOf(req), id);
    if (!r.ok) return r.error.status === 404 ? sendError(deps, req, reply, r.error) : messagePage(req, reply, r.error.status, 'Not reserved', r.error.message, { href: '/picks', label: 'Back to the offers' });
    return seeOther(reply, `/leads/${encodeURIComponent(id)}?done=reserved`);
  });

  app.post('/leads/:id/decline', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = declineForm.safeParse(req.body);
    if (!body.success) return showLead(deps, req, reply, id, { status: 400, error: 'Say why you decline this lead.' });
    const r = await declineLead(deps, authOf(req), id, body.data.reason);
    return r.ok ? seeOther(reply, '/picks?done=declined') : failed(req, reply, id, r.error);
  });

  app.get('/leads', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    if (!auth.slice.can.pick) return seeOther(reply, auth.slice.can.overview ? '/overview' : '/');
    const all = (req.query as Record<string, unknown>)['all'] === '1';
    const leads = await myLeads(deps, auth, !all);
    return page(req, reply, 'leads', 'My leads', { leads, all, when: (d: Date | null) => when(d, tz), feedbackLabels }, { flash: flashOf(req) });
  });

  app.get('/leads/:id', { preHandler: pre }, async (req, reply) => showLead(deps, req, reply, idParam.parse(req.params).id));

  app.post('/leads/:id/feedback', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = feedbackForm.safeParse(req.body);
    if (!body.success) return showLead(deps, req, reply, id, { status: 400, error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const { _csrf: _c, ...input } = body.data;
    const r = await giveFeedback(deps, authOf(req), id, {
      status: input.status, amount: input.amount ?? null, closeDate: input.closeDate ?? null, lostReason: input.lostReason ?? null, comment: input.comment ?? null,
    });
    return r.ok ? seeOther(reply, `/leads/${encodeURIComponent(id)}?done=feedback`) : failed(req, reply, id, r.error);
  });

  app.post('/leads/:id/plan', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = planForm.safeParse(req.body);
    if (!body.success) return showLead(deps, req, reply, id, { status: 400, error: 'Check the plan fields: the budget must be a number.' });
    const current = (await deps.ctx.store.plans.get(id))?.plan;
    const { _csrf: _c, urgency, ...o } = body.data;
    const opportunity = {
      ...(current?.opportunity ?? {}), description: o.description ?? null, budget: o.budget ?? null, problem: o.problem ?? null,
      urgency: urgency === undefined || urgency === '' ? null : urgency, timeline: o.timeline ?? null, consequencesOfWaiting: o.consequencesOfWaiting ?? null,
    };
    const r = await editPlan(deps, authOf(req), id, { ...(current ?? {}), opportunity });
    return r.ok ? seeOther(reply, `/leads/${encodeURIComponent(id)}?done=plan`) : failed(req, reply, id, r.error);
  });

  app.get('/team', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    if (!auth.slice.can.team) return sendError(deps, req, reply, { code: 'AUTH.FORBIDDEN', message: 'The team view is for partner managers.', status: 403 });
    const [leads, members] = await Promise.all([myLeads(deps, auth), teamMembers(deps, auth)]);
    return page(req, reply, 'team', 'Team', { leads, members, when: (d: Date | null) => when(d, tz) }, { flash: flashOf(req) });
  });

  app.post('/leads/:id/rep', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = repForm.safeParse(req.body);
    if (!body.success) return seeOther(reply, '/team');
    const r = await assignRep(deps, authOf(req), id, body.data.userId);
    return r.ok ? seeOther(reply, '/team?done=rep') : failed(req, reply, id, r.error);
  });

  app.get('/points', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    if (auth.slice.orgKind === 'agency') return sendError(deps, req, reply, { code: 'AUTH.FORBIDDEN', message: 'Points are for partners and the manufacturer.', status: 403 });
    const range = periodRange(deps.ctx);
    if (!range.ok) return sendError(deps, req, reply, { code: 'REQUEST.INVALID', message: range.error.message, status: 400 });
    // Other partners stay anonymous: a leaderboard must not reveal who else is in the channel.
    const rows = (await leaderboard(deps.ctx, range.value)).map((r) => {
      const visible = auth.slice.partnerIds === 'all' || auth.slice.partnerIds.includes(r.partnerId);
      return { rank: r.rank, points: r.points, name: visible ? (r.name ?? r.partnerId) : `Partner ranked ${r.rank}`, mine: r.partnerId === auth.slice.actAs };
    });
    return page(req, reply, 'points', 'Points', { rows, period: range.value.label });
  });
}
