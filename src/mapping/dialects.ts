// What differs between CRMs in a mapping file, in one table (CONVENTIONS rule 1: no `if (crm === ...)` spread
// through the module): the language of `mql` / `track` / `where` (a SOQL WHERE clause for Salesforce, a CRM search
// filter for HubSpot), which `from` paths reach an associated record, and keys only one CRM understands.
import type { CrmKind } from '../domain/lead.ts';
import { checkHubSpotCondition, conditionProperties, describeFilterGroups, hubspotConditionSchema, toFilterGroups } from './hubspot-filter.ts';
import type { HubSpotFilterGroup } from './hubspot-filter.ts';
import { apiNameHint, apiNameMessage } from './schema.ts';
import { checkSoqlCondition } from './soql.ts';
import type { Entity } from './targets.ts';

export type ConditionKey = 'mql' | 'track' | 'where';

export interface DialectProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly hint: string;
  /** Report at the key's line (a key that should not be there) rather than its value's. */
  readonly key?: boolean;
}

/** A condition as loaded: `text` for people (and SOQL for Salesforce), `filterGroups` for HubSpot's search. */
export interface ParsedCondition {
  readonly text: string;
  readonly filterGroups: readonly HubSpotFilterGroup[] | null;
}

/** The parts of a file the dialect checks, as far as they parse. */
export interface DialectFile {
  readonly entity: Entity;
  readonly object: string | null;
  readonly conditions: ReadonlyArray<readonly [ConditionKey, unknown]>;
  readonly froms: ReadonlyArray<readonly [string, string]>;
  readonly mode: string | null;
  readonly pipeline: unknown;
}

export interface Dialect {
  /** Problems only this CRM sees in a file (condition language, associated paths, CRM-only keys). */
  check(file: DialectFile): DialectProblem[];
  /** A valid condition, parsed; null when it does not parse (check() reported why). */
  parse(raw: unknown): ParsedCondition | null;
  /** The fields a valid condition reads, with the literal type they are compared with. */
  conditionFields(object: string, c: ParsedCondition): Array<{ field: string; literalType: string | null }>;
  /** Where a `from` lives: the mapped object itself, or an associated one (`company.name` → companies.name). */
  resolve(object: string, from: string): { object: string; field: string };
}

const salesforce: Dialect = {
  check(file) {
    const problems: DialectProblem[] = [];
    for (const [key, raw] of file.conditions) {
      if (typeof raw !== 'string') {
        problems.push({ path: [key], message: 'a Salesforce condition is a SOQL WHERE clause (text)', hint: "write it as text, e.g. \"Status = 'Marketing Qualified'\"" });
        continue;
      }
      if (file.object === null) continue;
      const r = checkSoqlCondition(file.object, raw);
      if (!r.ok) problems.push({ path: [key], message: r.message, hint: r.hint });
    }
    for (const [target, from] of file.froms) {
      if (from.includes('.')) problems.push({ path: ['fields', target, 'from'], message: apiNameMessage, hint: apiNameHint });
    }
    if (file.pipeline !== undefined) problems.push({ path: ['pipeline'], message: 'pipeline is a HubSpot key', hint: 'remove it (Salesforce opportunities use StageName only)', key: true });
    return problems;
  },
  parse: (raw) => (typeof raw === 'string' ? { text: raw, filterGroups: null } : null),
  conditionFields(object, c) {
    const r = checkSoqlCondition(object, c.text);
    return r.ok ? [...r.fields] : [];
  },
  resolve: (object, from) => ({ object, field: from }),
};

/** HubSpot contacts reach their primary associated company's properties as `company.<property>`. */
const associated: Readonly<Record<string, Readonly<Record<string, string>>>> = { contacts: { company: 'companies' } };

const reservedFilters = (entity: Entity): number => (entity === 'lead' ? 2 : 1);

const hubspot: Dialect = {
  check(file) {
    const problems: DialectProblem[] = [];
    const groups = new Map<ConditionKey, number>();
    for (const [key, raw] of file.conditions) {
      if (typeof raw === 'string') {
        problems.push({ path: [key], message: 'a HubSpot condition is a CRM search filter, not text', hint: 'write { filterGroups: [{ filters: [{ propertyName: lifecyclestage, operator: EQ, value: marketingqualifiedlead }] }] }' });
        continue;
      }
      const parsed = hubspotConditionSchema.safeParse(raw);
      if (!parsed.success) continue; // the schema reported it
      groups.set(key, parsed.data.filterGroups.length);
    }
    for (const [key, raw] of file.conditions) {
      const parsed = typeof raw === 'string' ? null : hubspotConditionSchema.safeParse(raw);
      if (parsed === null || !parsed.success) continue;
      // mql and track run as one search (their groups OR-ed), so they share the group limit.
      const otherGroups = key === 'mql' ? (groups.get('track') ?? 0) : 0;
      for (const p of checkHubSpotCondition(parsed.data, { reserved: reservedFilters(file.entity), otherGroups })) {
        problems.push({ path: [key, ...p.path], message: p.message, hint: p.hint });
      }
    }
    const prefixes = file.object === null ? {} : (associated[file.object.toLowerCase()] ?? {});
    for (const [target, from] of file.froms) {
      const dot = from.indexOf('.');
      if (dot < 0) continue;
      const prefix = from.slice(0, dot);
      if (prefixes[prefix] === undefined) {
        const known = Object.keys(prefixes);
        problems.push({
          path: ['fields', target, 'from'], message: `'${prefix}.' does not name an associated record of ${file.object ?? 'this object'}`,
          hint: known.length > 0 ? `use ${known.map((k) => `${k}.<property>`).join(' or ')}, or a property of the record itself` : 'read a property of the record itself',
        });
      }
    }
    if (file.entity === 'opportunity') {
      if (file.mode === 'convert') problems.push({ path: ['mode'], message: 'HubSpot has no lead conversion', hint: 'use mode: create (deals are upserted by the external id)' });
      if (file.pipeline === undefined) problems.push({ path: ['stages'], message: 'no deal pipeline named', hint: 'add `pipeline: <label or id>` (leadrelay setup hubspot creates it with the stages)', key: true });
    } else if (file.pipeline !== undefined) {
      problems.push({ path: ['pipeline'], message: 'pipeline belongs in the opportunity mapping', hint: 'remove it', key: true });
    }
    if (file.entity === 'partner-user' && !file.conditions.some(([k]) => k === 'where')) {
      problems.push({ path: ['fields'], message: 'HubSpot partner users need a `where` condition', hint: 'add where: { filterGroups: [{ filters: [{ propertyName: leadrelay_partner_user, operator: EQ, value: true }] }] }', key: true });
    }
    return problems;
  },
  parse(raw) {
    const parsed = hubspotConditionSchema.safeParse(raw);
    if (!parsed.success) return null;
    const filterGroups = toFilterGroups(parsed.data);
    return { text: describeFilterGroups(filterGroups), filterGroups };
  },
  conditionFields: (_object, c) => conditionProperties(c.filterGroups ?? []),
  resolve(object, from) {
    const dot = from.indexOf('.');
    const target = dot < 0 ? undefined : associated[object.toLowerCase()]?.[from.slice(0, dot)];
    return target === undefined ? { object, field: from } : { object: target, field: from.slice(dot + 1) };
  },
};

export const dialects: Readonly<Record<CrmKind, Dialect>> = { salesforce, hubspot };
