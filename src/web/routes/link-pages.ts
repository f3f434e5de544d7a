// One-click links from mails (notify/links.ts). GET only shows what the link will do and a button; the POST
// from that page records it, with the link's nonce stored in the same transaction, so a mail scanner that
// prefetches links changes nothing and a used link cannot be replayed. A tampered, expired, used or other
// person's link gets a page saying so, and nothing changes. No session is needed: the signed link is the
// recipient's authority for exactly this one action on this one lead, checked again against their slice.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FeedbackStatus } from '../../domain/offer.ts';
import { feedbackStatuses } from '../../domain/offer.ts';
import type { Store } from '../../domain/ports.ts';
import { err, ok } from '../../domain/result.ts';
import type { ActionLink } from '../../notify/links.ts';
import { verifyActionLink } from '../../notify/links.ts';
import type { Auth } from '../auth/authenticate.ts';
import { computeSlice } from '../auth/slice.ts';
import type { WebDeps } from '../deps.ts';
import type { WebError } from '../errors.ts';
import { webError } from '../errors.ts';
import type { Outcome } from '../operations.ts';
import { giveFeedback, reserveLead } from '../operations.ts';
import { feedbackLabels, when } from '../present.ts';
import { leadDetail } from '../queries.ts';
import { messagePage, page } from '../render.ts';
import { formNumber, formText } from '../zod-schema.ts';
import { actionLimit, csrfGuard } from './guards.ts';

const tokenParam = z.strictObject({ token: z.string().min(1).max(1024) });
const confirmForm = z.object({ amount: formNumber, closeDate: formText(10), lostReason: formText(200), comment: formText(2000), _csrf: z.string().optional() });

type Checked = { ok: true; link: ActionLink; auth: Auth } | { ok: false; error: WebError };

async function check(deps: WebDeps, req: FastifyRequest, token: string): Promise<Checked> {
  const v = verifyActionLink(deps.web.secret, token, deps.ctx.clock.now());
  if (!v.ok) {
    if (v.reason === 'expired') return { ok: false, error: webError('LINK.EXPIRED', 'This button has expired. Open the lead in leadrelay to report instead.') };
    return { ok: false, error: webError('LINK.TAMPERED', 'This link is not valid: it may have been cut or changed. Open the lead in leadrelay instead.') };
  }
  const link = v.link;
  if (req.auth !== null && req.auth.user.id !== link.userId) {
    return { ok: false, error: webError('LINK.WRONG_USER', 'This button was sent to someone else. Nothing was recorded.') };
  }
  if (await deps.ctx.store.identity.actionLinkUsed(link.nonce)) {
    return { ok: false, error: webError('LINK.USED', 'This button was used already; your answer was recorded then.') };
  }
  const user = await deps.ctx.store.users.get(link.userId);
  if (user === null || !user.active) return { ok: false, error: webError('LINK.WRONG_USER', 'This link belongs to an account that is no longer active.') };
  return { ok: true, link, auth: { user, slice: await computeSlice(deps.ctx.store, user), via: 'link', sessionHash: req.auth?.sessionHash ?? null } };
}

const statusOf = (link: ActionLink): FeedbackStatus | null => {
  const s = link.action.startsWith('feedback:') ? link.action.slice('feedback:'.length) : null;
  return s !== null && (feedbackStatuses as readonly string[]).includes(s) ? (s as FeedbackStatus) : null;
};

export function registerLinkPages(app: FastifyInstance, deps: WebDeps): void {
  const refuse = (req: FastifyRequest, reply: FastifyReply, e: WebError) =>
    messagePage(req, reply, e.status, e.code === 'LINK.USED' ? 'Already recorded' : 'This link cannot be used', e.message, { href: '/leads', label: 'Open leadrelay' });

  app.get('/a/:token', async (req, reply) => {
    const { token } = tokenParam.parse(req.params);
    const c = await check(deps, req, token);
    if (!c.ok) return refuse(req, reply, c.error);
    const v = await leadDetail(deps, c.auth, c.link.leadId);
    if (!v.ok) return refuse(req, reply, webError('LINK.WRONG_USER', 'This lead is no longer yours to report on. Nothing was recorded.'));
    const status = statusOf(c.link);
    return page(req, reply, 'action', status === null ? 'Reserve this lead?' : `${feedbackLabels[status]}?`, {
      token, status, label: status === null ? 'Reserve' : feedbackLabels[status], v: v.value, lostReasons: deps.ctx.settings.feedback.lostReasons,
      when: (d: Date | null) => when(d, deps.ctx.settings.calendar.timezone),
    });
  });

  app.post('/a/:token', { preHandler: csrfGuard(app), config: actionLimit(deps) }, async (req, reply) => {
    const { token } = tokenParam.parse(req.params);
    const c = await check(deps, req, token);
    if (!c.ok) return refuse(req, reply, c.error);
    const link = c.link;
    // The nonce is spent in the same transaction as the change; if the change fails, so does spending it.
    const spend = async (tx: Store): Promise<Outcome<true>> =>
      ((await tx.identity.useActionLink({ nonce: link.nonce, userId: link.userId, leadId: link.leadId, action: link.action, at: deps.ctx.clock.now() }))
        ? ok(true as const) : err(webError('LINK.USED', 'This button was used already; your answer was recorded then.')));
    const status = statusOf(link);
    let r: Outcome<unknown>;
    if (status === null) r = await reserveLead(deps, c.auth, link.leadId, spend);
    else {
      const f = confirmForm.safeParse(req.body);
      if (!f.success) return messagePage(req, reply, 400, 'Check the form', 'The amount must be a number; go back and try again.');
      r = await giveFeedback(deps, c.auth, link.leadId, {
        status, amount: f.data.amount ?? null, closeDate: f.data.closeDate ?? null, lostReason: f.data.lostReason ?? null, comment: f.data.comment ?? null,
      }, spend);
    }
    if (!r.ok) return refuse(req, reply, r.error.status === 404 ? webError('LINK.WRONG_USER', 'This lead is no longer yours to report on. Nothing was recorded.') : r.error);
    return messagePage(req, reply, 200, 'Thank you', status === null ? 'Reserved: the lead is yours. The full details are on their way by mail.' : `Recorded: ${feedbackLabels[status]}.`, {
      href: `/leads/${encodeURIComponent(link.leadId)}`, label: 'Open the lead',
    });
  });
}
