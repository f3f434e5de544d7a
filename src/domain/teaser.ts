// The teaser: what an offer shows before reservation (glossary). Built from a fixed catalogue of safe fields,
// so no configuration can ever put a name, email, phone, street, title or website into it: contact fields
// (lead.ts `contactFields`) are not in the catalogue, and neither are the company name, free-text remarks or
// exact coordinates, which identify the customer as surely. Derived fields blur what is shown: the postcode
// area instead of the postcode, a budget band instead of the budget, the length of the remarks instead of them.
import type { Lead } from './lead.ts';

export const teaserFields = [
  'industry', 'employees', 'city', 'postalArea', 'region', 'country', 'productInterest', 'budgetBand', 'timeframe',
  'score', 'source', 'campaign', 'temperature', 'remarksLength',
] as const;
export type TeaserField = (typeof teaserFields)[number];

export interface TeaserOptions {
  readonly fields: readonly TeaserField[];
  /** Leading postcode characters shown as the postcode area. */
  readonly postalAreaLength: number;
  /** Ascending upper bounds of the budget bands. */
  readonly budgetBands: readonly number[];
}

export type TeaserValue = string | number | readonly string[] | null;
export type Teaser = Readonly<Partial<Record<TeaserField, TeaserValue>>>;

// One formatter for the process: toLocaleString builds a new Intl.NumberFormat per call, which made budget
// bands the most expensive part of rendering a pick list (measured: ~2x the pick-list rate with one formatter).
const amountFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmt = (n: number): string => amountFormat.format(n);

/** "< 10,000", "10,000–50,000", "≥ 250,000"; null without a budget. */
export function budgetBand(budget: number | null, bands: readonly number[]): string | null {
  if (budget === null) return null;
  const sorted = [...bands].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  if (budget < sorted[0]!) return `< ${fmt(sorted[0]!)}`;
  for (let i = 1; i < sorted.length; i++) if (budget < sorted[i]!) return `${fmt(sorted[i - 1]!)}–${fmt(sorted[i]!)}`;
  return `≥ ${fmt(sorted[sorted.length - 1]!)}`;
}

function valueOf(lead: Pick<Lead, 'data' | 'temperature'>, field: TeaserField, o: TeaserOptions): TeaserValue {
  const d = lead.data;
  switch (field) {
    case 'postalArea':
      return d.postalCode === null ? null : d.postalCode.replace(/\s+/g, '').slice(0, o.postalAreaLength);
    case 'budgetBand':
      return budgetBand(d.budget, o.budgetBands);
    case 'remarksLength':
      return d.remarks?.trim().length ?? 0;
    case 'temperature':
      return lead.temperature;
    default:
      return d[field];
  }
}

export function teaserOf(lead: Pick<Lead, 'data' | 'temperature'>, o: TeaserOptions): Teaser {
  const out: Partial<Record<TeaserField, TeaserValue>> = {};
  for (const f of o.fields) out[f] = valueOf(lead, f, o);
  return out;
}
