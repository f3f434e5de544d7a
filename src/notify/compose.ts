// Mail content: every kind of mail is one MailModel (heading, paragraphs, sections of rows and buttons) rendered
// by the same two templates, HTML (eta, autoEscape on: lead data cannot inject markup) and plain text (no
// escaping: text is not HTML, so "<b>" stays "<b>"). Responsive: one 600px column that becomes full width on
// phones, buttons stack.
import { join } from 'node:path';
import { Eta } from 'eta';
import type { Lead } from '../domain/lead.ts';
import type { Teaser } from '../domain/teaser.ts';
import type { Row } from '../web/present.ts';
import { feedbackLabels, fullRows, heldTitle, oneLine, teaserHeadline, teaserRows, when } from '../web/present.ts';

export interface Button { readonly label: string; readonly url: string; readonly primary?: boolean }
export interface Section { readonly heading?: string; readonly rows: readonly Row[]; readonly buttons: readonly Button[] }
export interface MailModel {
  readonly subject: string;
  readonly preheader: string;
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly sections: readonly Section[];
  readonly link?: { readonly label: string; readonly url: string };
  readonly footer: readonly string[];
}
export interface RenderedMail { readonly subject: string; readonly html: string; readonly text: string }

const dir = join(import.meta.dirname, 'templates');
const htmlEta = new Eta({ views: dir, autoEscape: true, cache: true });
const textEta = new Eta({ views: dir, autoEscape: false, cache: true });

export function renderMail(m: MailModel): RenderedMail {
  const subject = oneLine(m.subject, 150);
  const model = { ...m, subject };
  return { subject, html: htmlEta.render('mail.html.eta', model), text: textEta.render('mail.txt.eta', model).replace(/\n{3,}/g, '\n\n').trim() + '\n' };
}

const prefsFooter = (base: string): string => `You get this mail because of your notification settings: ${base}/settings`;

/** Buttons that record feedback in one click (plus one confirming tap on the page they open). */
export type ActionUrl = (action: string) => string;
const quickStatuses = ['contacted', 'meeting', 'proposal', 'not_reachable', 'won', 'lost'] as const;

function feedbackButtons(url: ActionUrl): Button[] {
  return quickStatuses.map((s, i) => ({ label: feedbackLabels[s], url: url(`feedback:${s}`), primary: i === 0 }));
}

export function magicLinkMail(base: string, url: string, minutes: number): RenderedMail {
  return renderMail({
    subject: 'Your sign-in link', preheader: `Valid for ${minutes} minutes, once.`, heading: 'Sign in to leadrelay',
    paragraphs: [`This link signs you in. It works once and for ${minutes} minutes. If you did not ask for it, ignore this mail.`],
    sections: [{ rows: [], buttons: [{ label: 'Sign in', url, primary: true }] }],
    link: { label: 'Or open this address', url }, footer: [`Sent by leadrelay at ${base}.`],
  });
}

export function offerMail(base: string, teaser: Teaser, expiresAt: Date, reserveUrl: string, tz: string): RenderedMail {
  const headline = teaserHeadline(teaser);
  return renderMail({
    subject: `New lead for you: ${headline}`, preheader: `Open until ${when(expiresAt, tz)}. First to reserve wins.`,
    heading: 'A new lead is offered to you',
    paragraphs: [`${headline}. The first partner to reserve it gets the full contact details. Open until ${when(expiresAt, tz)}.`],
    sections: [{ rows: teaserRows(teaser), buttons: [{ label: 'Reserve this lead', url: reserveUrl, primary: true }] }],
    link: { label: 'See all offers', url: `${base}/picks` }, footer: [prefsFooter(base)],
  });
}

export function digestMail(base: string, items: ReadonlyArray<{ teaser: Teaser; expiresAt: Date; reserveUrl: string }>, tz: string): RenderedMail {
  return renderMail({
    subject: `${items.length} new lead${items.length === 1 ? '' : 's'} offered to you`, preheader: 'Your digest of new offers.',
    heading: `${items.length} new lead${items.length === 1 ? '' : 's'} for you`,
    paragraphs: ['These leads are offered to your organisation. The first partner to reserve one gets its contact details.'],
    sections: items.map((i) => ({
      heading: teaserHeadline(i.teaser), rows: [...teaserRows(i.teaser), { label: 'Open until', value: when(i.expiresAt, tz) }],
      buttons: [{ label: 'Reserve', url: i.reserveUrl, primary: true }],
    })),
    link: { label: 'See all offers', url: `${base}/picks` }, footer: [prefsFooter(base)],
  });
}

export function reservedMail(base: string, lead: Lead, url: ActionUrl, tz: string, assigned: boolean): RenderedMail {
  const title = heldTitle(lead);
  return renderMail({
    subject: `${assigned ? 'Assigned to you' : 'Reserved'}: ${title}`, preheader: `First feedback due ${when(lead.feedbackDueAt, tz)}.`,
    heading: assigned ? 'A lead was assigned to your organisation' : 'The lead is yours',
    paragraphs: [
      `Here are the full details. Please report back by ${when(lead.feedbackDueAt, tz)}: tap a button below, confirm, done.`,
    ],
    sections: [{ rows: fullRows(lead), buttons: [] }, { heading: 'What happened?', rows: [], buttons: feedbackButtons(url) }],
    link: { label: 'Open the lead', url: `${base}/leads/${encodeURIComponent(lead.id)}` }, footer: [prefsFooter(base)],
  });
}

export function reminderMail(base: string, lead: Lead, url: ActionUrl, dueAt: Date, tz: string): RenderedMail {
  const title = heldTitle(lead);
  return renderMail({
    subject: `Feedback due ${when(dueAt, tz)}: ${title}`, preheader: 'One tap is enough.',
    heading: 'How is this lead going?',
    paragraphs: [`Your feedback on ${title} is due ${when(dueAt, tz)}. Without it you cannot reserve new leads, and the lead may be taken back.`],
    sections: [{ rows: fullRows(lead).slice(0, 8), buttons: feedbackButtons(url) }],
    link: { label: 'Open the lead', url: `${base}/leads/${encodeURIComponent(lead.id)}` }, footer: [prefsFooter(base)],
  });
}

export function blockedMail(base: string, leads: readonly Lead[]): RenderedMail {
  return renderMail({
    subject: 'Feedback overdue: reserving is paused', preheader: 'Report on your leads to reserve again.',
    heading: 'You cannot reserve new leads right now',
    paragraphs: ['Feedback is overdue on the leads below. As soon as you report on them you can reserve again. You still see new offers.'],
    sections: leads.map((l) => ({ heading: heldTitle(l), rows: [], buttons: [{ label: 'Give feedback', url: `${base}/leads/${encodeURIComponent(l.id)}`, primary: true }] })),
    footer: [prefsFooter(base)],
  });
}

export function revokedMail(base: string, lead: Lead, graceHours: number): RenderedMail {
  return renderMail({
    subject: `Lead taken back: ${heldTitle(lead)}`, preheader: 'No feedback arrived in time.',
    heading: 'A lead was taken back from your organisation',
    paragraphs: [`No feedback arrived within ${graceHours} hours after the deadline, so the lead was offered to other partners. Please keep your other leads up to date.`],
    sections: [], link: { label: 'Your leads', url: `${base}/leads` }, footer: [prefsFooter(base)],
  });
}

export function escalatedMail(base: string, lead: Lead, reason: string): RenderedMail {
  return renderMail({
    subject: `Unclaimed lead: ${heldTitle(lead)}`, preheader: reason,
    heading: 'A lead found no partner',
    paragraphs: [`Every wave ended without a reservation (${reason}). Assign it to a partner or re-offer it.`],
    sections: [{ rows: fullRows(lead).slice(0, 12), buttons: [{ label: 'Open and assign', url: `${base}/leads/${encodeURIComponent(lead.id)}`, primary: true }] }],
    link: { label: 'Why no partner matched', url: `${base}/leads/${encodeURIComponent(lead.id)}/explain` }, footer: [prefsFooter(base)],
  });
}
