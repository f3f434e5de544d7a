// Which mails a change causes, decided from the lead history (lead_events) and deadline notices, inside the
// transaction that writes the mail outbox rows. Two callers:
// - a web request plans the events its own change appended, in the same transaction as the change;
// - the background job plans everything after its cursor (changes made by the CLI, the sync or `tick`).
// Dedupe keys make planning an event twice queue nothing new, so both may see the same event.
// Mails reflect the state at planning time: an offer that closed meanwhile or a lead no longer held is skipped.
import type { Lead } from '../domain/lead.ts';
import { workingStatuses } from '../domain/lead.ts';
import type { OutgoingMail } from '../domain/mail.ts';
import type { NotificationPrefs } from '../domain/notification-prefs.ts';
import { defaultPrefs, notificationPrefsSchema, offerWanted, quietUntil } from '../domain/notification-prefs.ts';
import type { LeadEvent } from '../domain/offer.ts';
import type { User, UserRole } from '../domain/partner.ts';
import type { Store } from '../domain/ports.ts';
import { teaserOf } from '../domain/teaser.ts';
import type { ServiceSettings } from '../services/context.ts';
import { computeSlice, coversEscalation } from '../web/auth/slice.ts';
import type { MailConfig } from './config-schema.ts';
import type { ActionUrl, RenderedMail } from './compose.ts';
import { blockedMail, escalatedMail, offerMail, reminderMail, reservedMail, revokedMail } from './compose.ts';
import type { LinkAction } from './links.ts';
import { linkActions, signActionLink } from './links.ts';

export interface PlannerDeps {
  /** web.publicUrl without a trailing slash. */
  readonly base: string;
  /** web.secret; without it mails carry plain links to the lead page instead of one-click buttons. */
  readonly secret: string | null;
  readonly actionLinkDays: number;
  readonly defaults: MailConfig['defaults'];
  readonly settings: ServiceSettings;
}

export const EVENT_CURSOR = 'mail.eventCursor';
export const NOTICE_CURSOR = 'mail.noticeCursor';
const DAY = 86_400_000;
const managers: readonly UserRole[] = ['partner_manager', 'distributor_manager'];
const partnerPeople: readonly UserRole[] = ['partner_manager', 'distributor_manager', 'sales_rep'];

export function prefsFor(deps: PlannerDeps, stored: NotificationPrefs | null): NotificationPrefs {
  if (stored !== null) return stored;
  return notificationPrefsSchema.parse({ ...defaultPrefs(deps.defaults.timezone), offers: deps.defaults.offers, digestTimes: deps.defaults.digestTimes });
}

export function actionUrl(deps: PlannerDeps, userId: string, leadId: string, now: Date): ActionUrl {
  const secret = deps.secret;
  return (action) => {
    if (secret === null || !(linkActions as readonly string[]).includes(action)) return `${deps.base}/leads/${encodeURIComponent(leadId)}`;
    const token = signActionLink(secret, { userId, leadId, action: action as LinkAction, expiresAt: new Date(now.getTime() + deps.actionLinkDays * DAY) });
    return `${deps.base}/a/${token}`;
  };
}

class Plan {
  readonly mails: OutgoingMail[] = [];
  private readonly prefs = new Map<string, NotificationPrefs>();
  constructor(readonly tx: Store, readonly deps: PlannerDeps, readonly now: Date) {}

  async prefsOf(user: User): Promise<NotificationPrefs> {
    let p = this.prefs.get(user.id);
    if (p === undefined) {
      p = prefsFor(this.deps, await this.tx.identity.preferences(user.id));
      this.prefs.set(user.id, p);
    }
    return p;
  }

  async people(partnerId: string, roles: readonly UserRole[]): Promise<User[]> {
    return (await this.tx.users.listByOrg(partnerId)).filter((u) => u.active && u.roles.some((r) => roles.includes(r)));
  }

  async add(key: string, user: User, kind: OutgoingMail['kind'], leadId: string | null, m: RenderedMail, quiet = true): Promise<void> {
    const prefs = await this.prefsOf(user);
    const until = quiet ? quietUntil(prefs, this.now.getTime()) : null;
    this.mails.push({
      dedupeKey: key, kind, userId: user.id, leadId, to: user.email, subject: m.subject, html: m.html, text: m.text,
      createdAt: this.now, notBefore: until === null ? this.now : new Date(until),
    });
  }
}

/** Plan the mails for these events; returns the number queued now (dedupe keys drop repeats). */
export async function planEvents(tx: Store, deps: PlannerDeps, events: ReadonlyArray<{ id: number; event: LeadEvent }>, now: Date): Promise<number> {
  const plan = new Plan(tx, deps, now);
  for (const { id, event } of events) {
    if (event.type === 'offered') await planOffered(plan, id, event);
    else if (event.type === 'reserved' || event.type === 'assigned') await planReserved(plan, id, event);
    else if (event.type === 'reminder') await planReminder(plan, id, event);
    else if (event.type === 'revoked') await planRevoked(plan, id, event);
    else if (event.type === 'escalated') await planEscalated(plan, id, event);
  }
  return tx.mail.enqueue(plan.mails);
}

async function planOffered(plan: Plan, id: number, e: LeadEvent): Promise<void> {
  const partners = Array.isArray(e.data['partners']) ? e.data['partners'].filter((x): x is string => typeof x === 'string') : [];
  if (partners.length === 0) return;
  const lead = await plan.tx.leads.get(e.leadId);
  if (lead === null || lead.status !== 'offered') return;
  const offers = new Map((await plan.tx.offers.listByLead(lead.id)).filter((o) => o.status === 'open').map((o) => [o.partnerId, o]));
  const teaser = teaserOf(lead, plan.deps.settings.offers.teaser);
  const facts = { productInterest: lead.data.productInterest, region: lead.data.region, country: lead.data.country, temperature: lead.temperature };
  for (const partnerId of partners) {
    const offer = offers.get(partnerId);
    if (offer === undefined) continue;
    for (const user of await plan.people(partnerId, partnerPeople)) {
      const prefs = await plan.prefsOf(user);
      if (!offerWanted(prefs, facts)) continue;
      if (prefs.offers === 'digest') {
        await plan.tx.mail.addDigestItems([{ userId: user.id, leadId: lead.id, offerId: offer.id, createdAt: plan.now }]);
        continue;
      }
      const reserve = actionUrl(plan.deps, user.id, lead.id, plan.now)('reserve');
      await plan.add(`offer:${id}:${user.id}`, user, 'offer', lead.id, offerMail(plan.deps.base, teaser, offer.expiresAt, reserve, prefs.timezone));
    }
  }
}

async function holderPeople(plan: Plan, lead: Lead, actor: string | null): Promise<User[]> {
  const partnerId = lead.partnerId!;
  const rep = (await plan.tx.identity.reps([lead.id])).get(lead.id)?.userId ?? lead.reservedByUserId ?? actor;
  const all = await plan.people(partnerId, partnerPeople);
  return all.filter((u) => u.id === rep || u.roles.some((r) => managers.includes(r)));
}

async function planReserved(plan: Plan, id: number, e: LeadEvent): Promise<void> {
  const lead = await plan.tx.leads.get(e.leadId);
  if (lead === null || lead.partnerId === null || lead.partnerId !== e.partnerId || !workingStatuses.includes(lead.status)) return;
  for (const user of await holderPeople(plan, lead, e.actor)) {
    const prefs = await plan.prefsOf(user);
    const m = reservedMail(plan.deps.base, lead, actionUrl(plan.deps, user.id, lead.id, plan.now), prefs.timezone, e.type === 'assigned');
    await plan.add(`reserved:${id}:${user.id}`, user, 'reserved', lead.id, m, false);
  }
}

async function planReminder(plan: Plan, id: number, e: LeadEvent): Promise<void> {
  const lead = await plan.tx.leads.get(e.leadId);
  if (lead === null || lead.partnerId === null || lead.partnerId !== e.partnerId || !workingStatuses.includes(lead.status)) return;
  const dueText = typeof e.data['dueAt'] === 'string' ? new Date(e.data['dueAt']) : lead.feedbackDueAt;
  const due = dueText !== null && !Number.isNaN(dueText.getTime()) ? dueText : plan.now;
  for (const user of await holderPeople(plan, lead, null)) {
    const prefs = await plan.prefsOf(user);
    if (!prefs.reminders) continue;
    await plan.add(`reminder:${id}:${user.id}`, user, 'reminder', lead.id, reminderMail(plan.deps.base, lead, actionUrl(plan.deps, user.id, lead.id, plan.now), due, prefs.timezone));
  }
}

async function planRevoked(plan: Plan, id: number, e: LeadEvent): Promise<void> {
  if (e.partnerId === null) return;
  const lead = await plan.tx.leads.get(e.leadId);
  if (lead === null) return;
  for (const user of await plan.people(e.partnerId, managers)) {
    await plan.add(`revoked:${id}:${user.id}`, user, 'revoked', lead.id, revokedMail(plan.deps.base, lead, plan.deps.settings.feedback.graceHours));
  }
}

async function planEscalated(plan: Plan, id: number, e: LeadEvent): Promise<void> {
  const lead = await plan.tx.leads.get(e.leadId);
  if (lead === null || lead.status !== 'expired') return;
  const offeredTo = (await plan.tx.offers.listByLead(lead.id)).map((o) => o.partnerId);
  const staff = (await plan.tx.identity.listUsers()).filter((u) => u.active && u.orgId === 'manufacturer');
  const covering: User[] = [];
  for (const u of staff.filter((x) => x.roles.includes('channel_manager'))) {
    if (coversEscalation(await computeSlice(plan.tx, u), lead, offeredTo)) covering.push(u);
  }
  // Nobody's territory: the admins hear of it, so no lead is left without a person.
  const to = covering.length > 0 ? covering : staff.filter((u) => u.roles.includes('admin'));
  const reason = typeof e.data['reason'] === 'string' ? e.data['reason'] : 'no partner reserved it';
  for (const user of to) await plan.add(`escalated:${id}:${user.id}`, user, 'escalated', lead.id, escalatedMail(plan.deps.base, lead, reason));
}

/** Block notices: partners that became overdue, one mail per partner and tick run, listing its overdue leads. */
export async function planNotices(tx: Store, deps: PlannerDeps, since: Date, now: Date): Promise<{ queued: number; cursor: Date | null }> {
  const notices = (await tx.mail.noticesSince(since, 1000)).filter((n) => n.kind === 'overdue');
  const plan = new Plan(tx, deps, now);
  const groups = new Map<string, string[]>();
  for (const n of notices) {
    const key = `${n.partnerId}\u0000${n.at.toISOString()}`;
    groups.set(key, [...(groups.get(key) ?? []), n.leadId]);
  }
  for (const [key, leadIds] of groups) {
    const [partnerId, at] = key.split('\u0000') as [string, string];
    const leads = (await Promise.all(leadIds.map((l) => tx.leads.get(l)))).filter((l): l is Lead => l !== null && l.partnerId === partnerId && workingStatuses.includes(l.status));
    if (leads.length === 0) continue;
    for (const user of await plan.people(partnerId, partnerPeople)) {
      const own = user.roles.some((r) => managers.includes(r)) ? leads : leads.filter((l) => l.reservedByUserId === user.id);
      if (own.length > 0) await plan.add(`blocked:${partnerId}:${at}:${user.id}`, user, 'blocked', own[0]!.id, blockedMail(deps.base, own));
    }
  }
  const last = notices.at(-1)?.at ?? null;
  return { queued: await tx.mail.enqueue(plan.mails), cursor: last };
}
