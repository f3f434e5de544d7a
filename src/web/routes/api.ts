// The JSON API under /api/v1, documented by OpenAPI (/api/v1/openapi.json). Same operations and queries as the
// pages, so the same slice rules; bodies and params validated by zod; failures are `{ error: { code, message } }`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { temperatures } from '../../domain/lead.ts';
import { feedbackStatuses } from '../../domain/offer.ts';
import { notificationPrefsSchema } from '../../domain/notification-prefs.ts';
import type { Result } from '../../domain/result.ts';
import { prefsFor } from '../../notify/planner.ts';
import { leaderboard, periodRange } from '../../services/points.ts';
import type { WebDeps } from '../deps.ts';
import type { WebError } from '../errors.ts';
import { errorBody } from '../errors.ts';
import { assignEscalated, assignRep, declineLead, editPlan, giveFeedback, passDown, qualifyLead, reserveLead } from '../operations.ts';
import { escalations, leadDetail, myLeads, pickList, sliceLeads, slicePartners } from '../queries.ts';
import { idParam } from '../zod-schema.ts';
import { saveUser, userInput } from './admin-pages.ts';
import { actionLimit, authOf, csrfGuard, signedIn } from './guards.ts';

const partnerBody = z.strictObject({ partnerId: z.string().min(1).max(100) });

function send<T>(reply: FastifyReply, r: Result<T, WebError>, map: (v: T) => unknown = (v) => v): unknown {
  if (!r.ok) return reply.code(r.error.status).send(errorBody(r.error));
  return map(r.value);
}

const forbidden = (reply: FastifyReply, message: string) => reply.code(403).send(errorBody({ code: 'AUTH.FORBIDDEN', message, status: 403 }));

const leadSummary = (l: { id: string; status: string; temperature: string; partnerId: string | null; reservedAt: Date | null; feedbackDueAt: Date | null }) =>
  ({ id: l.id, status: l.status, temperature: l.temperature, partnerId: l.partnerId, reservedAt: l.reservedAt, feedbackDueAt: l.feedbackDueAt });

export function registerApi(app: FastifyInstance, deps: WebDeps): void {
  const pre = [signedIn(deps), csrfGuard(app)];
  const read = (tag: string, summary: string, extra: object = {}) => ({ preHandler: pre, schema: { tags: [tag], summary, ...extra } });
  const write = (tag: string, summary: string, extra: object = {}) => ({ ...read(tag, summary, extra), config: actionLimit(deps) });
  const id = (req: FastifyRequest) => (req.params as z.infer<typeof idParam>).id;

  app.get('/api/v1/me', read('me', 'The signed-in user and what they may do'), async (req) => {
    const a = authOf(req);
    return { user: { id: a.user.id, email: a.user.email, name: a.user.name, orgId: a.user.orgId, roles: [...a.slice.roles] }, actAs: a.slice.actAs, can: a.slice.can };
  });

  app.get('/api/v1/offers', read('partner', 'The pick list: open offers to your organisation, teasers only'), async (req) => {
    const p = await pickList(deps, authOf(req));
    return { offers: p.items.map((i) => ({ leadId: i.leadId, headline: i.headline, teaser: i.teaser, expiresAt: i.expiresAt, wave: i.wave })), overdueLeadIds: p.overdue.map((o) => o.id) };
  });

  app.get('/api/v1/leads', read('partner', 'Leads your organisation holds (managers: your slice), overdue first', {
    querystring: z.strictObject({ scope: z.enum(['mine', 'slice']).default('mine'), closed: z.enum(['0', '1']).default('0') }),
  }), async (req) => {
    const q = req.query as { scope: 'mine' | 'slice'; closed: '0' | '1' };
    const a = authOf(req);
    const items = q.scope === 'slice' ? await sliceLeads(deps, a) : await myLeads(deps, a, q.closed === '0');
    return { leads: items };
  });

  app.get('/api/v1/leads/:id', read('partner', 'One lead: the teaser while offered to you, everything once held in your slice', { params: idParam }), async (req, reply) => {
    const v = await leadDetail(deps, authOf(req), id(req));
    return send(reply, v, (x) => (x.access === 'teaser'
      ? { access: 'teaser', leadId: x.leadId, teaser: x.teaser, expiresAt: x.expiresAt }
      : { access: 'full', lead: { ...leadSummary(x.lead), data: x.lead.data }, history: x.history, feedback: x.feedback, plan: x.plan?.plan ?? null, can: x.can }));
  });

  app.post('/api/v1/leads/:id/reserve', write('partner', 'Reserve an offered lead (first come, first served)', { params: idParam }), async (req, reply) =>
    send(reply, await reserveLead(deps, authOf(req), id(req)), leadSummary));

  app.post('/api/v1/leads/:id/decline', write('partner', 'Decline an offer, with a reason', {
    params: idParam, body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  }), async (req, reply) => send(reply, await declineLead(deps, authOf(req), id(req), (req.body as { reason: string }).reason), () => ({ declined: true })));

  app.post('/api/v1/leads/:id/feedback', write('partner', 'Report on a lead your organisation holds', {
    params: idParam,
    body: z.strictObject({
      status: z.enum(feedbackStatuses), amount: z.number().nonnegative().nullable().optional(), closeDate: z.string().max(10).nullable().optional(),
      lostReason: z.string().max(200).nullable().optional(), comment: z.string().max(2000).nullable().optional(),
    }),
  }), async (req, reply) => send(reply, await giveFeedback(deps, authOf(req), id(req), req.body as Parameters<typeof giveFeedback>[3]), leadSummary));

  app.put('/api/v1/leads/:id/plan', write('partner', 'Replace the opportunity plan of a held lead', {
    params: idParam, body: z.strictObject({ plan: z.record(z.string(), z.unknown()) }),
  }), async (req, reply) => send(reply, await editPlan(deps, authOf(req), id(req), (req.body as { plan: unknown }).plan), (p) => ({ version: p.version, plan: p.plan })));

  app.post('/api/v1/leads/:id/rep', write('partner', 'Give a held lead to a sales rep of your organisation', {
    params: idParam, body: z.strictObject({ userId: z.string().min(1).max(100) }),
  }), async (req, reply) => send(reply, await assignRep(deps, authOf(req), id(req), (req.body as { userId: string }).userId), () => ({ assigned: true })));

  app.post('/api/v1/leads/:id/assign', write('manager', 'Assign an escalated lead to a partner of your portfolio', { params: idParam, body: partnerBody }),
    async (req, reply) => send(reply, await assignEscalated(deps, authOf(req), id(req), (req.body as { partnerId: string }).partnerId), leadSummary));

  app.post('/api/v1/leads/:id/pass', write('manager', 'Distributors: pass a lead offered to you to one of your resellers', { params: idParam, body: partnerBody }),
    async (req, reply) => send(reply, await passDown(deps, authOf(req), id(req), (req.body as { partnerId: string }).partnerId), leadSummary));

  app.get('/api/v1/queue', read('agency', 'The qualification queue'), async (req, reply) => {
    if (!authOf(req).slice.can.qualify) return forbidden(reply, 'The qualification queue is for qualifiers.');
    return { leads: (await deps.ctx.store.views.queue(200)).map((l) => ({ ...leadSummary(l), data: l.data, reasons: l.qualification?.reasons ?? [] })) };
  });

  app.post('/api/v1/queue/:id', write('agency', 'Complete and decide a lead in the qualification queue', {
    params: idParam,
    body: z.strictObject({
      decision: z.enum(['qualified', 'rejected', 'rules']), set: z.record(z.string(), z.unknown()).optional(), temperature: z.enum(temperatures).optional(),
      remarks: z.string().max(4000).optional(), reason: z.string().max(500).optional(),
    }),
  }), async (req, reply) => send(reply, await qualifyLead(deps, authOf(req), id(req), req.body as Parameters<typeof qualifyLead>[3]), leadSummary));

  app.get('/api/v1/partners', read('manager', 'Partners of your slice: load, overdue feedback, blocked'), async (req, reply) => {
    const a = authOf(req);
    if (!a.slice.can.overview) return forbidden(reply, 'The partners overview is for distributor and channel managers.');
    return { partners: (await slicePartners(deps, a)).map((p) => ({ id: p.partner.id, name: p.partner.data.name, kind: p.partner.data.kind, parentId: p.partner.parentId, active: p.partner.data.active, open: p.open, overdue: p.overdue, blocked: p.blocked })) };
  });

  app.get('/api/v1/escalations', read('manager', 'Escalated (unclaimed) leads you can assign'), async (req, reply) => {
    const a = authOf(req);
    if (!a.slice.can.assignEscalated) return forbidden(reply, 'Escalations are for channel managers.');
    return { leads: await escalations(deps, a) };
  });

  app.get('/api/v1/users', read('admin', 'All users (admins)'), async (req, reply) => {
    if (!authOf(req).slice.can.admin) return forbidden(reply, 'Only admins manage users.');
    return { users: await deps.ctx.store.identity.listUsers() };
  });

  app.post('/api/v1/users', write('admin', 'Create or update a user by email (admins)', { body: userInput }), async (req, reply) =>
    send(reply, await saveUser(deps, authOf(req), req.body as z.infer<typeof userInput>)));

  app.get('/api/v1/me/notifications', read('me', 'Your notification preferences'), async (req) =>
    prefsFor(deps.notifier.deps, await deps.ctx.store.identity.preferences(authOf(req).user.id)));

  app.put('/api/v1/me/notifications', write('me', 'Replace your notification preferences', { body: notificationPrefsSchema }), async (req) => {
    const prefs = req.body as z.infer<typeof notificationPrefsSchema>;
    await deps.ctx.store.identity.setPreferences(authOf(req).user.id, prefs, deps.ctx.clock.now());
    return prefs;
  });

  app.get('/api/v1/points', read('partner', 'The leaderboard of the current period (partners outside your slice anonymous)'), async (req, reply) => {
    const a = authOf(req);
    if (a.slice.orgKind === 'agency') return forbidden(reply, 'Points are for partners and the manufacturer.');
    const range = periodRange(deps.ctx);
    if (!range.ok) return reply.code(400).send(errorBody({ code: 'REQUEST.INVALID', message: range.error.message, status: 400 }));
    return {
      period: range.value.label,
      rows: (await leaderboard(deps.ctx, range.value)).map((r) => {
        const visible = a.slice.partnerIds === 'all' || a.slice.partnerIds.includes(r.partnerId);
        return { rank: r.rank, points: r.points, partnerId: visible ? r.partnerId : null, name: visible ? r.name : null };
      }),
    };
  });
}
