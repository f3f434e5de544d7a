// Manager pages: the partners overview (distributor managers: their resellers; channel managers: their
// portfolio; admins: all) with leads, status, blocked partners and escalations; direct assignment and passing a
// lead down; the match explanation; the qualification queue (agencies); the admin page (users, roles, partners).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { temperatures } from '../../domain/lead.ts';
import type { WebDeps } from '../deps.ts';
import { explainFor } from '../explain.ts';
import { assignEscalated, passDown, qualifyLead } from '../operations.ts';
import { when } from '../present.ts';
import { escalations, leadDetail, sliceLeads, slicePartners } from '../queries.ts';
import { messagePage, page } from '../render.ts';
import { sendError } from '../app.ts';
import { formText, idParam } from '../zod-schema.ts';
import { registerAdminPages } from './admin-pages.ts';
import { actionLimit, authOf, csrfGuard, seeOther, signedIn } from './guards.ts';
import { flashOf, showLead } from './partner-pages.ts';

const partnerForm = z.object({ partnerId: z.string().min(1).max(100), _csrf: z.string().optional() });
const qualifyForm = z.object({
  decision: z.enum(['qualified', 'rejected', 'rules']), temperature: z.enum(['', ...temperatures]).optional(),
  remarks: formText(4000), reason: formText(500), _csrf: z.string().optional(),
}).catchall(z.string().max(2000));

const forbidden = (message: string) => ({ code: 'AUTH.FORBIDDEN' as const, message, status: 403 });

export function registerManagerPages(app: FastifyInstance, deps: WebDeps): void {
  const pre = [signedIn(deps), csrfGuard(app)];
  const tz = deps.ctx.settings.calendar.timezone;

  app.get('/overview', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    if (!auth.slice.can.overview) return sendError(deps, req, reply, forbidden('The partners overview is for distributor and channel managers.'));
    const [partners, leads, escalated] = await Promise.all([slicePartners(deps, auth), sliceLeads(deps, auth), escalations(deps, auth)]);
    const names = new Map(partners.map((p) => [p.partner.id, p.partner.data.name]));
    return page(req, reply, 'overview', 'Partners', {
      partners, leads, escalated, names, when: (d: Date | null) => when(d, tz), blocked: partners.filter((p) => p.blocked).length,
    }, { flash: flashOf(req) });
  });

  app.post('/leads/:id/assign', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = partnerForm.safeParse(req.body);
    if (!body.success) return showLead(deps, req, reply, id, { status: 400, error: 'Pick a partner.' });
    const r = await assignEscalated(deps, authOf(req), id, body.data.partnerId);
    if (!r.ok) return r.error.status === 404 ? sendError(deps, req, reply, r.error) : showLead(deps, req, reply, id, { status: r.error.status, error: r.error.message });
    return seeOther(reply, '/overview?done=assigned');
  });

  app.post('/leads/:id/pass', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = partnerForm.safeParse(req.body);
    if (!body.success) return showLead(deps, req, reply, id, { status: 400, error: 'Pick a reseller.' });
    const r = await passDown(deps, authOf(req), id, body.data.partnerId);
    if (!r.ok) return r.error.status === 404 ? sendError(deps, req, reply, r.error) : showLead(deps, req, reply, id, { status: r.error.status, error: r.error.message });
    return seeOther(reply, '/overview?done=assigned');
  });

  app.get('/leads/:id/explain', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    const { id } = idParam.parse(req.params);
    if (!auth.slice.can.explain) return sendError(deps, req, reply, forbidden('The match explanation is for channel managers.'));
    const v = await leadDetail(deps, auth, id);
    if (!v.ok || v.value.access !== 'full') return sendError(deps, req, reply, v.ok ? forbidden('Not available.') : v.error);
    return page(req, reply, 'explain', `Why: ${v.value.title}`, { leadId: id, title: v.value.title, x: await explainFor(deps, auth.slice, v.value.lead) });
  });

  app.get('/queue', { preHandler: pre }, async (req, reply) => {
    const auth = authOf(req);
    if (!auth.slice.can.qualify) return sendError(deps, req, reply, forbidden('The qualification queue is for qualifiers.'));
    const leads = await deps.ctx.store.views.queue(200);
    return page(req, reply, 'queue', 'Qualification queue', {
      leads: leads.map((l) => ({ id: l.id, status: l.status, company: l.data.company, country: l.data.country, reasons: (l.qualification?.reasons ?? []).map((r) => r.message).slice(0, 3) })),
      when: (d: Date | null) => when(d, tz),
    }, { flash: flashOf(req) });
  });

  app.post('/queue/:id', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const body = qualifyForm.safeParse(req.body);
    if (!body.success) return showLead(deps, req, reply, id, { status: 400, error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const { decision, temperature, remarks, reason, _csrf: _c, ...rest } = body.data;
    // Fields to fill come as set.<field> inputs; empty ones are left alone.
    const set = Object.fromEntries(Object.entries(rest).filter(([k, v]) => k.startsWith('set.') && v.trim() !== '').map(([k, v]) => [k.slice(4), coerce(k.slice(4), v.trim())]));
    const r = await qualifyLead(deps, authOf(req), id, {
      decision, set, ...(temperature === undefined || temperature === '' ? {} : { temperature }), ...(remarks === undefined ? {} : { remarks }), ...(reason === undefined ? {} : { reason }),
    });
    if (!r.ok) return r.error.status === 404 ? sendError(deps, req, reply, r.error) : showLead(deps, req, reply, id, { status: r.error.status, error: r.error.message });
    return r.value.status === 'needs_qualification'
      ? messagePage(req, reply, 200, 'Still needs work', 'The rules still see open points; they are listed on the lead.', { href: `/leads/${encodeURIComponent(id)}`, label: 'Back to the lead' })
      : seeOther(reply, '/queue?done=qualified');
  });

  registerAdminPages(app, deps);
}

/** Queue form values are text; numeric and list fields of the canonical lead need their type. */
function coerce(field: string, value: string): unknown {
  if (['employees', 'budget', 'score', 'latitude', 'longitude'].includes(field)) return Number(value.replace(/[\s,]/g, ''));
  if (field === 'productInterest') return value.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== '');
  return value;
}
