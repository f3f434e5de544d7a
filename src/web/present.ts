// How leads look to people, in pages and mails alike: labelled rows of plain strings. Templates escape them
// (eta autoEscape for HTML; plain text stays plain), so nothing here builds markup. A teaser row set can only be
// built from a Teaser (domain/teaser.ts), which cannot hold contact data; full rows need the Lead itself, and
// callers only have one after leadForPartner / the slice said `full`.
import type { Lead } from '../domain/lead.ts';
import type { FeedbackStatus } from '../domain/offer.ts';
import type { Teaser, TeaserField, TeaserValue } from '../domain/teaser.ts';

export interface Row { readonly label: string; readonly value: string; readonly long?: boolean; /** tel:, mailto: or https: for one-tap contact. */ readonly href?: string }

const teaserLabels: Readonly<Record<TeaserField, string>> = {
  industry: 'Industry', employees: 'Employees', city: 'City', postalArea: 'Postcode area', region: 'Region', country: 'Country',
  productInterest: 'Products', budgetBand: 'Budget', timeframe: 'Timeframe', score: 'Score', source: 'Source',
  campaign: 'Campaign', temperature: 'Temperature', remarksLength: 'Remarks',
};

export const temperatureLabel = (t: string): string => ({ hot: 'Hot', warm: 'Warm', cold: 'Cold' } as Record<string, string>)[t] ?? t;

export const feedbackLabels: Readonly<Record<FeedbackStatus, string>> = {
  contacted: 'Contacted', meeting: 'Meeting scheduled', proposal: 'Proposal sent', won: 'Won', lost: 'Lost',
  not_reachable: 'Not reachable', returned: 'Not ready (return)',
};

export function show(v: TeaserValue | number | boolean | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length === 0 ? '—' : v.join(', ');
  if (typeof v === 'number') return numberFormat.format(v);
  return String(v);
}

/** Teaser rows in the configured order. Temperature and source always come first: shown honestly, up front. */
export function teaserRows(t: Teaser): Row[] {
  const first: TeaserField[] = ['temperature', 'source'];
  const keys = Object.keys(t) as TeaserField[];
  const ordered = [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k))];
  return ordered.map((k) => {
    const v = t[k];
    if (k === 'temperature') return { label: teaserLabels[k], value: typeof v === 'string' ? temperatureLabel(v) : show(v) };
    if (k === 'remarksLength') return { label: teaserLabels[k], value: typeof v === 'number' && v > 0 ? `${v} characters (shown after reservation)` : 'none' };
    return { label: teaserLabels[k], value: show(v) };
  });
}

/** A one-line headline of a teaser: products, area, temperature. */
export function teaserHeadline(t: Teaser): string {
  const products = Array.isArray(t.productInterest) && t.productInterest.length > 0 ? t.productInterest.join(', ') : 'Lead';
  const place = [t.region, t.city, t.country].find((x) => typeof x === 'string' && x !== '');
  const area = typeof t.postalArea === 'string' && t.postalArea !== '' ? `${place === undefined ? '' : `${String(place)} `}${t.postalArea}…` : place;
  const temp = typeof t.temperature === 'string' ? temperatureLabel(t.temperature) : null;
  return oneLine([products, area, temp].filter((x) => x !== undefined && x !== null).join(' · '));
}

/** Subjects and headlines: one line, bounded (header injection is nodemailer's to prevent; length is ours). */
export function oneLine(s: string, max = 120): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function personName(lead: Lead): string {
  const n = [lead.data.firstName, lead.data.lastName].filter((x) => x !== null && x !== '').join(' ');
  return n === '' ? '—' : n;
}

/** Everything a partner holding the lead (or its manufacturer staff) sees. */
export function fullRows(lead: Lead): Row[] {
  const d = lead.data;
  const place = [d.postalCode, d.city].filter((x) => x !== null && x !== '').join(' ');
  const rows: Row[] = [
    { label: 'Temperature', value: temperatureLabel(lead.temperature) },
    { label: 'Source', value: show(d.source) },
    { label: 'Name', value: personName(lead) },
    { label: 'Company', value: show(d.company) },
    { label: 'Title', value: show(d.title) },
    { label: 'Email', value: show(d.email), ...(d.email === null ? {} : { href: `mailto:${d.email}` }) },
    { label: 'Phone', value: show(d.phone), ...(d.phone === null ? {} : { href: `tel:${d.phone.replace(/[^\d+]/g, '')}` }) },
    { label: 'Street', value: show(d.street) },
    { label: 'Place', value: place === '' ? '—' : place },
    { label: 'Region', value: show(d.region) },
    { label: 'Country', value: show(d.country) },
    { label: 'Website', value: show(d.website), ...(d.website !== null && /^https?:\/\//i.test(d.website) ? { href: d.website } : {}) },
    { label: 'Industry', value: show(d.industry) },
    { label: 'Employees', value: show(d.employees) },
    { label: 'Products', value: show(d.productInterest) },
    { label: 'Budget', value: show(d.budget) },
    { label: 'Timeframe', value: show(d.timeframe) },
    { label: 'Campaign', value: show(d.campaign) },
    { label: 'Remarks', value: show(d.remarks), long: true },
  ];
  for (const [k, v] of Object.entries(d.custom)) rows.push({ label: k, value: show(v), long: typeof v === 'string' && v.length > 80 });
  return rows;
}

/** The short identification of a held lead: company or person, and place. */
export function heldTitle(lead: Lead): string {
  const who = lead.data.company ?? personName(lead);
  const where = lead.data.city ?? lead.data.country ?? '';
  return oneLine(where === '' ? who : `${who} · ${where}`);
}

// Intl formatters are expensive to build (a quarter millisecond each): one per time zone, reused. A pick
// list of 100 teasers formats 100 dates.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function when(d: Date | null, timeZone = 'UTC'): string {
  if (d === null) return '—';
  let f = dateFormats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
    dateFormats.set(timeZone, f);
  }
  return f.format(d);
}
