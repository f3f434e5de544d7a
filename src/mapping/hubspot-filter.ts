// HubSpot conditions (`mql`, `track`, `where` in mappings/hubspot/*.yaml) are CRM search filters in HubSpot's own
// JSON form, so an admin can copy them from the API docs: `{ filterGroups: [{ filters: [{ propertyName, operator,
// value | values | highValue }] }] }`, groups OR-ed, filters AND-ed.
// https://developers.hubspot.com/docs/guides/api/crm/search#filter-search-results
// Search allows at most 5 groups, 10 filters per group and 25 filters in all (since August 2024); leadrelay adds its
// own filters to every group (the hs_lastmodifieddate window, or an hs_object_id floor), so conditions get less.
// https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api
import { z } from 'zod';

export const hubspotOperators = [
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
] as const;
export type HubSpotOperator = (typeof hubspotOperators)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const propertyName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.]*$/, { error: 'not a valid HubSpot property name' });

export const hubspotFilterSchema = z.strictObject({
  propertyName: propertyName.describe('The internal property name (lifecyclestage, hs_lead_status, ...).'),
  operator: z.enum(hubspotOperators),
  value: scalar.optional().describe('EQ, NEQ, LT, LTE, GT, GTE, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN; BETWEEN: the low end.'),
  highValue: scalar.optional().describe('BETWEEN: the high end.'),
  values: z.array(scalar).optional().describe('IN, NOT_IN: the allowed values.'),
});
export type HubSpotFilterInput = z.infer<typeof hubspotFilterSchema>;

export const hubspotConditionSchema = z.strictObject({
  filterGroups: z.array(z.strictObject({ filters: z.array(hubspotFilterSchema).min(1) })).min(1),
}).describe('A HubSpot CRM search filter: filterGroups (OR) of filters (AND).');
export type HubSpotConditionInput = z.infer<typeof hubspotConditionSchema>;

/** A filter as sent to the search API: values are strings on the wire. */
export interface HubSpotFilter {
  readonly propertyName: string;
  readonly operator: HubSpotOperator;
  readonly value?: string;
  readonly highValue?: string;
  readonly values?: readonly string[];
}
export interface HubSpotFilterGroup { readonly filters: readonly HubSpotFilter[] }

/** Search limits. https://developers.hubspot.com/docs/guides/api/crm/search#limitations */
export const searchLimits = { groups: 5, filtersPerGroup: 10, filters: 25 } as const;

export interface FilterProblem {
  /** Path inside the condition, e.g. ['filterGroups', 0, 'filters', 1, 'value']. */
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly hint: string;
}

const needsValue = new Set<HubSpotOperator>(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);
const needsValues = new Set<HubSpotOperator>(['IN', 'NOT_IN']);

/**
 * Operator/value consistency and the search limits, given how many filters leadrelay adds to each group
 * (`reserved`) and how many groups other conditions of the same query take (`otherGroups`).
 */
export function checkHubSpotCondition(c: HubSpotConditionInput, opts: { reserved: number; otherGroups?: number }): FilterProblem[] {
  const problems: FilterProblem[] = [];
  c.filterGroups.forEach((g, gi) => {
    g.filters.forEach((f, fi) => {
      const at = ['filterGroups', gi, 'filters', fi];
      const has = (k: 'value' | 'highValue' | 'values'): boolean => f[k] !== undefined;
      if (needsValue.has(f.operator) && !has('value')) problems.push({ path: at, message: `${f.operator} needs a value`, hint: 'add `value: ...`' });
      if (needsValues.has(f.operator) && (f.values === undefined || f.values.length === 0)) problems.push({ path: at, message: `${f.operator} needs a list of values`, hint: 'add `values: [A, B]`' });
      if (f.operator === 'BETWEEN' && (!has('value') || !has('highValue'))) problems.push({ path: at, message: 'BETWEEN needs value and highValue', hint: 'add `value: <low>` and `highValue: <high>`' });
      if ((f.operator === 'HAS_PROPERTY' || f.operator === 'NOT_HAS_PROPERTY') && (has('value') || has('values'))) {
        problems.push({ path: at, message: `${f.operator} takes no value`, hint: 'remove value / values' });
      }
      if (!needsValues.has(f.operator) && has('values')) problems.push({ path: [...at, 'values'], message: `values is only used with IN and NOT_IN (operator is ${f.operator})`, hint: 'use `value:`, or operator IN' });
    });
    const room = searchLimits.filtersPerGroup - opts.reserved;
    if (g.filters.length > room) {
      problems.push({ path: ['filterGroups', gi, 'filters'], message: `${g.filters.length} filters in one group; at most ${room} fit`, hint: `HubSpot allows ${searchLimits.filtersPerGroup} filters per group and leadrelay adds ${opts.reserved} (its change window); split the group or drop a filter` });
    }
  });
  const groups = c.filterGroups.length + (opts.otherGroups ?? 0);
  if (groups > searchLimits.groups) {
    problems.push({ path: ['filterGroups'], message: `${groups} filter groups in one search; HubSpot allows ${searchLimits.groups}`, hint: 'mql and track share one search: use fewer groups' });
  }
  const total = c.filterGroups.reduce((n, g) => n + g.filters.length + opts.reserved, 0);
  if (total > searchLimits.filters) {
    problems.push({ path: ['filterGroups'], message: `${total} filters in all, counting leadrelay's ${opts.reserved} per group; HubSpot allows ${searchLimits.filters}`, hint: 'use fewer groups or filters' });
  }
  return problems;
}

const wire = (v: string | number | boolean): string => String(v);

/** The condition as sent to the API (string values). */
export function toFilterGroups(c: HubSpotConditionInput): HubSpotFilterGroup[] {
  return c.filterGroups.map((g) => ({
    filters: g.filters.map((f) => ({
      propertyName: f.propertyName, operator: f.operator,
      ...(f.value === undefined ? {} : { value: wire(f.value) }),
      ...(f.highValue === undefined ? {} : { highValue: wire(f.highValue) }),
      ...(f.values === undefined ? {} : { values: f.values.map(wire) }),
    })),
  }));
}

/** Readable text for logs and `explain`: `lifecyclestage = marketingqualifiedlead OR (...)`. */
export function describeFilterGroups(groups: readonly HubSpotFilterGroup[]): string {
  const one = (f: HubSpotFilter): string => {
    switch (f.operator) {
      case 'HAS_PROPERTY': return `${f.propertyName} is set`;
      case 'NOT_HAS_PROPERTY': return `${f.propertyName} is empty`;
      case 'IN': case 'NOT_IN': return `${f.propertyName} ${f.operator === 'IN' ? 'in' : 'not in'} (${(f.values ?? []).join(', ')})`;
      case 'BETWEEN': return `${f.propertyName} between ${f.value ?? ''} and ${f.highValue ?? ''}`;
      default: return `${f.propertyName} ${f.operator} ${f.value ?? ''}`;
    }
  };
  const parts = groups.map((g) => g.filters.map(one).join(' AND '));
  return parts.length === 1 ? (parts[0] ?? '') : parts.map((p) => `(${p})`).join(' OR ');
}

/** The properties a condition reads, with the kind of literal they are compared with (for setup). */
export function conditionProperties(groups: readonly HubSpotFilterGroup[]): Array<{ field: string; literalType: string | null }> {
  return groups.flatMap((g) => g.filters.map((f) => {
    const v = f.value ?? f.values?.[0];
    const literalType = v === undefined ? null : /^(true|false)$/.test(v) ? 'BOOLEAN' : /^-?\d+$/.test(v) ? 'INTEGER' : /^-?\d*\.\d+$/.test(v) ? 'DECIMAL' : 'STRING';
    return { field: f.propertyName, literalType };
  }));
}
