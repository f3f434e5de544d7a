// The rule expression language marketing ops write in config (qualification criteria, temperature rules):
//   { all: [..] } | { any: [..] } | { not: .. } | { field, <operator>: .. }
// A field test may carry several operators (e.g. gte + lte for a range); all of them must hold.
// No rule library fits cleanly (json-logic has no typed fields and no load-time validation), so this is a small
// typed evaluator, validated here at load time so a typo fails at start-up with its key path.
import { z } from 'zod';
import { leadFields } from '../domain/lead.ts';

/** Fields derived from the lead and its context; usable wherever a lead field is. */
export const virtualLeadFields = ['receivedAt', 'ageDays', 'emailDomain'] as const;

const canonical: ReadonlySet<string> = new Set<string>([...leadFields, ...virtualLeadFields]);

/** A lead field path: a canonical field, a virtual field, or `custom.<name>`. */
export function isLeadPath(path: string): boolean {
  return canonical.has(path) || /^custom\.[^\s.][^\s]*$/.test(path);
}

export const leadPathSchema = z.string().refine(isLeadPath, {
  message: `unknown lead field; use one of ${[...leadFields, ...virtualLeadFields].join(', ')} or custom.<name>`,
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalar>;

function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

const operatorKeys = [
  'equals', 'notEquals', 'in', 'contains', 'startsWith', 'matches', 'exists',
  'gt', 'gte', 'lt', 'lte', 'olderThanDays', 'newerThanDays',
] as const;

export const fieldTestSchema = z
  .object({
    field: leadPathSchema,
    /** Strings compare trimmed and case-insensitively; numbers numerically; lists match when any element does. */
    equals: scalar.optional(),
    notEquals: scalar.optional(),
    in: z.array(scalar).optional(),
    /** Substring (case-insensitive) of a string, or an element of a list. */
    contains: z.string().optional(),
    startsWith: z.string().optional(),
    /** A JavaScript regular expression; `flags` defaults to "i". */
    matches: z.string().optional(),
    flags: z.string().regex(/^[imsu]*$/, 'allowed flags: i, m, s, u').optional(),
    /** true: the field has a value (not null, not blank, not an empty list); false: it has none. */
    exists: z.boolean().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    /** Date fields (ISO text, or the virtual `receivedAt`): older / newer than this many days at `now`. */
    olderThanDays: z.number().nonnegative().optional(),
    newerThanDays: z.number().nonnegative().optional(),
  })
  .strict()
  .refine((t) => operatorKeys.some((k) => t[k] !== undefined), {
    message: `a field test needs an operator: ${operatorKeys.join(', ')}`,
  })
  .refine((t) => t.matches === undefined || compiles(t.matches, t.flags ?? 'i'), {
    message: 'invalid regular expression',
    path: ['matches'],
  });
export type FieldTest = z.infer<typeof fieldTestSchema>;

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | FieldTest;

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    fieldTestSchema,
  ]),
);
