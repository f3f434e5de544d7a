// What the pages and the API read, always through the slice: partner users through leadForPartner (teaser or
// full, the marketplace's single read path) and the slice-filtered views; managers through views restricted to
// their partner ids. The results are plain view models; teasers are built from `teaserOf`, so no contact field
// can reach a template or a JSON body unless the lead is held inside the caller's slice.
import type { Lead } from '../domain/lead.ts';
import { workingStatuses } from '../domain/lead.ts';
import type { Feedback, LeadEvent } from '../domain/offer.ts';
import type { StoredPlan } from '../domain/opportunity-plan.ts';
import type { Partner, User } from '../domain/partner.ts';
import type { Result } from '../domain/result.ts';
import { err, ok } from '../domain/result.ts';
import type { Teaser } from '../domain/teaser.ts';
import { teaserOf } from '../domain/teaser.ts';
import { leadForPartner } from '../services/lead-for-partner.ts';
import { getPlan } from '../services/opportunity-plan.ts';
import { overdueLeads } from '../services/reserve.ts';
import type { Auth } from './auth/authenticate.ts';
import { coversEscalation } from './auth/slice.ts';
import type { WebDeps } from './deps.ts';
import type { WebError } from './errors.ts';
import { leadNotFound } from './errors.ts';
import type { Row } from './present.ts';
import { fullRows, heldTitle, teaserHeadline, teaserRows } from './present.ts';

/**
 * The history as a partner may see it: general events carry other partners' ids (whom a wave went to, who was
 * skipped), and actors may be other organisations' people; a partner sees only what and when, and its own.
 */
function partnerHistory(events: readonly LeadEvent[], own: string | null): LeadEvent[] {
  const keep = ['status', 'amount', 'wave', 'dueAt', 'expiresAt', 'reason', 'feedbackDueAt', 'hoursLeft', 'version'];
  return events.map((e) => ({
    ...e,
    actor: e.partnerId !== null && e.partnerId === own ? e.actor : e.actor === 'system' || e.actor === 'crm' ? e.actor : 'someone',
    data: Object.fromEntries(Object.entries(e.data).filter(([k]) => keep.includes(k))),
  }));
}

export interface PickItem {
  readonly leadId: string;
  readonly headline: string;
  readonly rows: readonly Row[];
  readonly teaser: Teaser;
  readonly expiresAt: Date;
  readonly wave: number;
}

export async function pickList(deps: WebDeps, auth: Auth, limit = 100): Promise<{ items: PickItem[]; overdue: Array<{ id: string; title: string }> }> {
  const partnerId = auth.slice.actAs;
  if (partnerId === null) return { items: [], overdue: [] };
  const store = deps.ctx.store;
  const [offered, late] = await Promise.all([store.views.pickList([partnerId], limit), overdueLeads(store, partnerId, deps.ctx.clock.now())]);
  const teaserCfg = deps.ctx.settings.offers.teaser;
  const items = offered.map(({ offer, lead }) => {
    const teaser = teaserOf(lead, teaserCfg);
    return { leadId: lead.id, headline: teaserHeadline(teaser), rows: teaserRows(teaser), teaser, expiresAt: offer.expiresAt, wave: offer.wave };
  });
  return { items, overdue: late.map((l) => ({ id: l.id, title: heldTitle(l) })) };
}

export interface HeldItem {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly temperature: string;
  readonly partnerId: string | null;
  readonly dueAt: Date | null;
  readonly overdue: boolean;
  readonly repUserId: string | null;
}

async function held(deps: WebDeps, leads: readonly Lead[]): Promise<HeldItem[]> {
  const now = deps.ctx.clock.now().getTime();
  const reps = await deps.ctx.store.identity.reps(leads.map((l) => l.id));
  return leads.map((l) => ({
    id: l.id, title: heldTitle(l), status: l.status, temperature: l.temperature, partnerId: l.partnerId, dueAt: l.feedbackDueAt,
    overdue: l.feedbackDueAt !== null && l.feedbackDueAt.getTime() <= now, repUserId: reps.get(l.id)?.userId ?? l.reservedByUserId,
  }));
}

/** The caller's own organisation's leads (a sales rep: only theirs), overdue first. */
export async function myLeads(deps: WebDeps, auth: Auth, open = true): Promise<HeldItem[]> {
  if (auth.slice.actAs === null) return [];
  const statuses = open ? workingStatuses : [...workingStatuses, 'won', 'lost', 'withdrawn'] as const;
  const leads = await deps.ctx.store.views.heldLeads({ ...auth.slice.filter, partnerIds: [auth.slice.actAs] }, { statuses, limit: 500 });
  return held(deps, leads);
}

/** Leads held by any partner of the caller's slice (distributor, channel manager, admin views). */
export async function sliceLeads(deps: WebDeps, auth: Auth, limit = 300): Promise<HeldItem[]> {
  const statuses = [...workingStatuses, 'won', 'lost'] as const;
  return held(deps, await deps.ctx.store.views.heldLeads(auth.slice.filter, { statuses, limit }));
}

export type LeadView =
  | { readonly access: 'teaser'; readonly leadId: string; readonly headline: string; readonly rows: readonly Row[]; readonly teaser: Teaser; readonly expiresAt: Date }
  | {
    readonly access: 'full';
    readonly lead: Lead;
    readonly title: string;
    readonly rows: readonly Row[];
    readonly history: readonly LeadEvent[];
    readonly feedback: readonly Feedback[];
    readonly plan: StoredPlan | null;
    /** What the caller may do here. */
    readonly can: { readonly feedback: boolean; readonly assign: boolean; readonly qualify: boolean; readonly explain: boolean; readonly team: boolean; readonly plan: boolean };
  };

export async function leadDetail(deps: WebDeps, auth: Auth, leadId: string): Promise<Result<LeadView, WebError>> {
  const s = auth.slice;
  const store = deps.ctx.store;
  const full = async (lead: Lead, history: readonly LeadEvent[], feedback: readonly Feedback[] | null, can: Partial<Extract<LeadView, { access: 'full' }>['can']>): Promise<LeadView> => ({
    access: 'full', lead, title: heldTitle(lead), rows: fullRows(lead), history,
    feedback: feedback ?? await store.feedback.listByLead(lead.id), plan: await getPlan(deps.ctx, lead.id),
    can: { feedback: false, assign: false, qualify: false, explain: s.can.explain, team: false, plan: false, ...can },
  });
  // 1. The caller's own organisation: teaser while offered, everything once held (a sales rep: only their own).
  if (s.actAs !== null) {
    const own = await store.views.heldLead(leadId, { ...s.filter, partnerIds: [s.actAs] });
    const v = await leadForPartner(deps.ctx, leadId, s.actAs);
    if (v.ok && v.value.access === 'teaser') {
      const t = v.value.teaser;
      return ok({ access: 'teaser', leadId, headline: teaserHeadline(t), rows: teaserRows(t), teaser: t, expiresAt: v.value.offer.expiresAt });
    }
    if (v.ok && v.value.access === 'full' && own !== null) {
      const working = workingStatuses.includes(own.status);
      return ok(await full(own, partnerHistory(v.value.history, s.actAs), v.value.feedback, { feedback: working, team: s.can.team && working, plan: working || own.status === 'won' }));
    }
  }
  // 2. Leads held inside the slice (a distributor's resellers, a channel manager's portfolio, admins).
  if (s.can.overview) {
    const lead = await store.views.heldLead(leadId, s.filter);
    if (lead !== null) {
      const events = await store.events.listByLead(lead.id);
      const visible = s.partnerIds === 'all' || s.orgKind === 'manufacturer' ? events
        : partnerHistory(events.filter((e) => e.partnerId === null || s.partnerIds.includes(e.partnerId)), s.actAs);
      return ok(await full(lead, visible, null, { plan: s.can.explain && (workingStatuses.includes(lead.status) || lead.status === 'won') }));
    }
  }
  // 3. Escalations a channel manager covers.
  if (s.can.assignEscalated) {
    const lead = await store.views.escalatedLead(leadId);
    if (lead !== null && coversEscalation(s, lead, (await store.offers.listByLead(lead.id)).map((o) => o.partnerId))) {
      return ok(await full(lead, await store.events.listByLead(lead.id), null, { assign: true }));
    }
  }
  // 4. The qualification queue.
  if (s.can.qualify) {
    const lead = await store.views.queueLead(leadId);
    if (lead !== null) return ok(await full(lead, await store.events.listByLead(lead.id), null, { qualify: true }));
  }
  return err(leadNotFound(leadId));
}

/** Partners of the slice with their load and whether the feedback gate blocks them. */
export async function slicePartners(deps: WebDeps, auth: Auth): Promise<Array<{ partner: Partner; open: number; overdue: number; blocked: boolean }>> {
  const s = auth.slice;
  const all = await deps.ctx.store.partners.list();
  const mine = s.partnerIds === 'all' ? all : all.filter((p) => s.partnerIds.includes(p.id));
  if (mine.length === 0) return [];
  const stats = await deps.ctx.store.partners.stats(mine.map((p) => p.id), deps.ctx.clock.now(), deps.ctx.settings.matching.fairness.windowDays);
  return mine.map((p) => {
    const st = stats.get(p.id);
    return { partner: p, open: st?.open ?? 0, overdue: st?.overdue ?? 0, blocked: (st?.overdue ?? 0) > 0 };
  });
}

export async function escalations(deps: WebDeps, auth: Auth): Promise<Array<{ id: string; title: string; country: string | null }>> {
  if (!auth.slice.can.assignEscalated) return [];
  const out: Array<{ id: string; title: string; country: string | null }> = [];
  for (const lead of await deps.ctx.store.views.escalated(500)) {
    if (coversEscalation(auth.slice, lead, (await deps.ctx.store.offers.listByLead(lead.id)).map((o) => o.partnerId))) {
      out.push({ id: lead.id, title: heldTitle(lead), country: lead.data.country });
    }
  }
  return out;
}

/** Sales reps (and managers) of the caller's organisation a lead can be given to. */
export async function teamMembers(deps: WebDeps, auth: Auth): Promise<User[]> {
  if (!auth.slice.can.team) return [];
  return (await deps.ctx.store.users.listByOrg(auth.slice.actAs!)).filter((u) => u.active && u.roles.some((r) => r === 'sales_rep' || r === 'partner_manager'));
}
