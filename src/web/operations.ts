// Every change the web client can make, authorised against the caller's slice *before* a service runs, and run
// in one transaction with the mails it causes (outbox rows commit with the change; the sender is kicked after
// the commit). Pages, the JSON API and one-click mail links all come through here, so the rules are written
// once. A failed service result rolls back everything the operation wrote (e.g. a used link's nonce).
import type { DomainError } from '../domain/errors.ts';
import type { Lead } from '../domain/lead.ts';
import type { FeedbackStatus } from '../domain/offer.ts';
import type { StoredPlan } from '../domain/opportunity-plan.ts';
import type { Store } from '../domain/ports.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { ServiceContext } from '../services/context.ts';
import { recordFeedback } from '../services/feedback.ts';
import { savePlan } from '../services/opportunity-plan.ts';
import type { QualifierDecision } from '../services/qualification-queue.ts';
import { resolveQualification } from '../services/qualification-queue.ts';
import { decline, reserve } from '../services/reserve.ts';
import type { Temperature } from '../domain/lead.ts';
import type { Auth } from './auth/authenticate.ts';
import { coversEscalation, seesPartner } from './auth/slice.ts';
import type { WebDeps } from './deps.ts';
import type { WebError } from './errors.ts';
import { fail, fromDomain, leadNotFound, webError } from './errors.ts';

export type Outcome<T> = Result<T, WebError>;

class Rollback extends Error {
  constructor(readonly result: Outcome<never>) { super('rollback'); }
}

/**
 * Run `fn` in one transaction with the mail planner: the events it appends become outbox mails in the same
 * transaction. An Err result rolls the whole transaction back.
 */
export async function change<T>(deps: WebDeps, fn: (ctx: ServiceContext, tx: Store) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    const r = await deps.ctx.store.transaction(async (tx) => {
      const before = await tx.mail.lastEventId();
      const out = await fn({ ...deps.ctx, store: tx }, tx);
      if (!out.ok) throw new Rollback(out);
      await deps.notifier.planInTransaction(tx, before);
      return out;
    });
    deps.notifier.kick();
    return r;
  } catch (e) {
    if (e instanceof Rollback) return e.result;
    throw e;
  }
}

const domain = <T>(r: Result<T, DomainError>): Outcome<T> => (r.ok ? ok(r.value) : err(fromDomain(r.error)));

function needs(auth: Auth, allowed: boolean, what: string): WebError | null {
  return allowed ? null : webError('AUTH.FORBIDDEN', `Your role cannot ${what}. Ask your administrator if you need it.`);
}

export async function reserveLead(deps: WebDeps, auth: Auth, leadId: string, inTx?: (tx: Store) => Promise<Outcome<true>>): Promise<Outcome<Lead>> {
  const denied = needs(auth, auth.slice.can.pick, 'reserve leads');
  if (denied !== null) return err(denied);
  const partnerId = auth.slice.actAs!;
  return change(deps, async (ctx, tx) => {
    const pre = inTx === undefined ? ok(true as const) : await inTx(tx);
    if (!pre.ok) return pre;
    // Only a lead once offered to the caller's own organisation exists for it; the service then says why not
    // (taken, declined, ended, feedback overdue).
    if (!(await tx.offers.listByLead(leadId)).some((o) => o.partnerId === partnerId)) return err(leadNotFound(leadId));
    return domain(await reserve(ctx, { leadId, partnerId, userId: auth.user.id }));
  });
}

export async function declineLead(deps: WebDeps, auth: Auth, leadId: string, reason: string): Promise<Outcome<true>> {
  const denied = needs(auth, auth.slice.can.pick, 'decline offers');
  if (denied !== null) return err(denied);
  const partnerId = auth.slice.actAs!;
  return change(deps, async (ctx, tx) => {
    if ((await tx.views.openOffer(leadId, [partnerId])) === null) return err(leadNotFound(leadId));
    return domain(await decline(ctx, leadId, partnerId, reason));
  });
}

export interface FeedbackInput {
  readonly status: FeedbackStatus;
  readonly amount?: number | null;
  readonly closeDate?: string | null;
  readonly lostReason?: string | null;
  readonly comment?: string | null;
}

export async function giveFeedback(deps: WebDeps, auth: Auth, leadId: string, input: FeedbackInput, inTx?: (tx: Store) => Promise<Outcome<true>>): Promise<Outcome<Lead>> {
  const denied = needs(auth, auth.slice.can.pick, 'give feedback');
  if (denied !== null) return err(denied);
  const partnerId = auth.slice.actAs!;
  return change(deps, async (ctx, tx) => {
    const pre = inTx === undefined ? ok(true as const) : await inTx(tx);
    if (!pre.ok) return pre;
    // Feedback is the holding organisation's own (a distributor sees its resellers' leads but reports on its own).
    const held = await tx.views.heldLead(leadId, { ...auth.slice.filter, partnerIds: [partnerId] });
    if (held === null) return err(leadNotFound(leadId));
    return domain(await recordFeedback(ctx, { leadId, partnerId, userId: auth.user.id, ...input }));
  });
}

export async function assignRep(deps: WebDeps, auth: Auth, leadId: string, repUserId: string): Promise<Outcome<true>> {
  const denied = needs(auth, auth.slice.can.team, 'assign leads to sales reps');
  if (denied !== null) return err(denied);
  const partnerId = auth.slice.actAs!;
  return change(deps, async (ctx, tx) => {
    const lead = await tx.views.heldLead(leadId, { partnerIds: [partnerId] });
    if (lead === null) return err(leadNotFound(leadId));
    const rep = await tx.users.get(repUserId);
    if (rep === null || !rep.active || rep.orgId !== partnerId || !rep.roles.some((r) => r === 'sales_rep' || r === 'partner_manager')) {
      return fail('USER.NOT_FOUND', 'Pick a sales rep of your own organisation.');
    }
    await tx.identity.assignRep({ leadId, partnerId, userId: rep.id, assignedBy: auth.user.id, at: ctx.clock.now() });
    return ok(true as const);
  });
}

/** A channel manager (or admin) gives an escalated lead directly to a partner of their portfolio. */
export async function assignEscalated(deps: WebDeps, auth: Auth, leadId: string, partnerId: string): Promise<Outcome<Lead>> {
  const denied = needs(auth, auth.slice.can.assignEscalated, 'assign leads to partners');
  if (denied !== null) return err(denied);
  return change(deps, async (ctx, tx) => {
    const lead = await tx.views.escalatedLead(leadId);
    const offeredTo = lead === null ? [] : (await tx.offers.listByLead(leadId)).map((o) => o.partnerId);
    if (lead === null || !coversEscalation(auth.slice, lead, offeredTo)) return err(leadNotFound(leadId));
    if (!seesPartner(auth.slice, partnerId)) return fail('AUTH.FORBIDDEN', 'That partner is not in your portfolio.');
    return domain(await reserve(ctx, { leadId, partnerId, userId: null, assignment: { by: auth.user.id } }));
  });
}

/** A distributor passes a lead offered to it straight to one of its resellers. */
export async function passDown(deps: WebDeps, auth: Auth, leadId: string, resellerId: string): Promise<Outcome<Lead>> {
  const denied = needs(auth, auth.slice.can.passDown, 'pass leads to resellers');
  if (denied !== null) return err(denied);
  const own = auth.slice.actAs!;
  return change(deps, async (ctx, tx) => {
    if ((await tx.views.openOffer(leadId, [own])) === null) return err(leadNotFound(leadId));
    if (resellerId === own || !seesPartner(auth.slice, resellerId)) return fail('AUTH.FORBIDDEN', 'Pick one of your own resellers.');
    return domain(await reserve(ctx, { leadId, partnerId: resellerId, userId: null, assignment: { by: auth.user.id } }));
  });
}

export interface QualifyInput {
  readonly decision: QualifierDecision;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly temperature?: Temperature;
  readonly remarks?: string;
  readonly reason?: string;
}

export async function qualifyLead(deps: WebDeps, auth: Auth, leadId: string, input: QualifyInput): Promise<Outcome<Lead>> {
  const denied = needs(auth, auth.slice.can.qualify, 'work the qualification queue');
  if (denied !== null) return err(denied);
  return change(deps, async (ctx, tx) => {
    if ((await tx.views.queueLead(leadId)) === null) return err(leadNotFound(leadId));
    return domain(await resolveQualification(ctx, { leadId, by: auth.user.id, ...input }));
  });
}

/** The holding partner's people and the channel managers / admins whose slice holds the lead edit its plan. */
export async function editPlan(deps: WebDeps, auth: Auth, leadId: string, plan: unknown): Promise<Outcome<StoredPlan>> {
  const s = auth.slice;
  const mayEdit = s.can.pick || s.can.explain;
  const denied = needs(auth, mayEdit, 'edit opportunity plans');
  if (denied !== null) return err(denied);
  return change(deps, async (ctx, tx) => {
    const filter = s.can.explain ? s.filter : { ...s.filter, partnerIds: s.actAs === null ? [] : [s.actAs] };
    if ((await tx.views.heldLead(leadId, filter)) === null) return err(leadNotFound(leadId));
    return domain(await savePlan(ctx, { leadId, editor: { userId: auth.user.id }, plan }));
  });
}
