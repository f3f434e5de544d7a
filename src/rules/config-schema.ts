// The `qualification:` and `matching:` config sections. src/config imports these schemas into the top-level
// config; every key has a default so `schema.parse(undefined)` is a working ruleset. Objects use `.prefault({})`
// (zod 4: `.default()` returns its value unparsed, `.prefault()` parses it, so nested defaults fill in).
import { z } from 'zod';
import { temperatures } from '../domain/lead.ts';
import { partnerDataSchema } from '../domain/partner.ts';
import { conditionSchema, leadPathSchema } from './condition-schema.ts';

export { conditionSchema } from './condition-schema.ts';
export type { Condition, FieldTest } from './condition-schema.ts';

const outcome = z.enum(['qualified', 'needs_qualification', 'rejected']);
const name = z.string().min(1).max(80);

// ---------------------------------------------------------------- qualification

const requiredEntry = z.union([leadPathSchema, z.object({ oneOf: z.array(leadPathSchema).min(1) }).strict()]);

const criterionSchema = z
  .object({
    name,
    when: conditionSchema,
    outcome,
    message: z.string().min(1),
  })
  .strict();

const thresholdSchema = z
  .object({
    name: name.optional(),
    field: leadPathSchema,
    min: z.number().nullable().default(null),
    max: z.number().nullable().default(null),
    outcome: outcome.exclude(['qualified']).default('needs_qualification'),
    /** A missing value is the `required` list's business; `fail` treats it as out of range too. */
    ifMissing: z.enum(['pass', 'fail']).default('pass'),
    message: z.string().nullable().default(null),
  })
  .strict();

const temperatureRuleSchema = z.object({ name, when: conditionSchema, temperature: z.enum(temperatures) }).strict();

const ageingSchema = z
  .object({ afterDays: z.number().nonnegative(), atMost: z.enum(temperatures) })
  .strict();

export const qualificationConfigSchema = z
  .object({
    required: z.array(requiredEntry).default(['company', 'country', 'productInterest', { oneOf: ['email', 'phone'] }]),
    thresholds: z.array(thresholdSchema).default([]),
    criteria: z.array(criterionSchema).default([
      {
        name: 'disposable-email',
        when: { field: 'email', matches: '@(mailinator|trashmail|example)\\.' },
        outcome: 'rejected',
        message: 'Disposable or example email address.',
      },
    ]),
    temperature: z
      .object({
        default: z.enum(temperatures).default('warm'),
        crmHint: z.enum(['ignore', 'fallback', 'prefer']).default('fallback'),
        rules: z.array(temperatureRuleSchema).default([]),
        ageing: z.array(ageingSchema).default([]),
      })
      .strict()
      .prefault({}),
    duplicates: z
      .object({
        windowDays: z.number().nonnegative().default(90),
        keys: z.array(z.enum(['email', 'phone', 'company'])).default(['email', 'phone', 'company']),
        phoneDigits: z.number().int().min(6).max(15).default(9),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => uniqueNames(cfg.criteria, ['criteria'], ctx))
  .prefault({});
export type QualificationConfig = z.infer<typeof qualificationConfigSchema>;
export type QualificationCriterion = QualificationConfig['criteria'][number];
export type ThresholdConfig = QualificationConfig['thresholds'][number];
export type DuplicatesConfig = QualificationConfig['duplicates'];

// ---------------------------------------------------------------- matching

const partnerFields: ReadonlySet<string> = new Set(Object.keys(partnerDataSchema.shape).filter((k) => k !== 'attributes'));
export const partnerPathSchema = z
  .string()
  .refine((p) => partnerFields.has(p) || /^attributes\.[^\s.][^\s]*$/.test(p), {
    message: `unknown partner field; use one of ${[...partnerFields].join(', ')} or attributes.<name>`,
  });

const weight = z.number().min(0).max(1000).default(1);
const literal = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
/** Operators comparing a partner value with the lead value (`lead`) or a literal (`value`). */
const attributeOps = ['overlap', 'covers', 'equals', 'in', 'gte', 'lte', 'exists', 'range', 'map'] as const;

const attributeBase = {
  name,
  partner: partnerPathSchema,
  lead: leadPathSchema.optional(),
  value: literal.optional(),
  op: z.enum(attributeOps),
  /** range: linear from min (0) to max (1). map: partner value → 0..1. */
  min: z.number().optional(),
  max: z.number().optional(),
  map: z.record(z.string(), z.number().min(0).max(1)).optional(),
};

function checkAttribute(c: { op: string; lead?: string | undefined; value?: unknown; min?: number | undefined; max?: number | undefined; map?: unknown }, ctx: z.RefinementCtx): void {
  const needsOther = ['overlap', 'covers', 'equals', 'in', 'gte', 'lte'].includes(c.op);
  if (needsOther && c.lead === undefined && c.value === undefined) ctx.addIssue({ code: 'custom', message: `op ${c.op} compares with \`lead\` (a lead field) or \`value\`` });
  if (c.op === 'range' && (c.min === undefined || c.max === undefined || c.max <= c.min)) ctx.addIssue({ code: 'custom', message: 'op range needs min < max' });
  if (c.op === 'map' && c.map === undefined) ctx.addIssue({ code: 'custom', message: 'op map needs `map`' });
}

const missing = z.enum(['pass', 'fail']);

const filterObjectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('active'), name: name.optional() }).strict(),
  z.object({ type: z.literal('serviceArea'), name: name.optional(), emptyArea: z.enum(['ownCountry', 'nowhere', 'everywhere']).default('ownCountry') }).strict(),
  z.object({ type: z.literal('products'), name: name.optional(), mode: z.enum(['any', 'all']).default('any'), ifLeadMissing: missing.default('pass') }).strict(),
  z.object({
    type: z.literal('certifications'), name: name.optional(),
    required: z.array(z.string()).default([]),
    byProduct: z.record(z.string(), z.array(z.string())).default({}),
  }).strict(),
  z.object({ type: z.literal('level'), name: name.optional(), min: z.string() }).strict(),
  z.object({ type: z.literal('capacity'), name: name.optional() }).strict(),
  z.object({ type: z.literal('declined'), name: name.optional() }).strict(),
  z.object({ type: z.literal('alreadyOffered'), name: name.optional() }).strict(),
  z.object({ type: z.literal('feedbackGate'), name: name.optional(), maxOverdue: z.number().int().nonnegative().default(0) }).strict(),
  z.object({ type: z.literal('distance'), name: name.optional(), maxKm: z.number().positive(), ifUnknown: missing.default('pass') }).strict(),
  z.object({ type: z.literal('attribute'), ...attributeBase, ifLeadMissing: missing.default('pass'), ifPartnerMissing: missing.default('fail') })
    .strict().superRefine(checkAttribute),
]);

/** Filters without required options may be written as a bare word: `- active`. */
const bareFilters = ['active', 'serviceArea', 'products', 'certifications', 'capacity', 'declined', 'alreadyOffered', 'feedbackGate'] as const;

// A union (not z.preprocess) so the published JSON Schema accepts the bare words too.
export const filterSchema = z.union([
  z.enum(bareFilters).transform((type) => filterObjectSchema.parse({ type })),
  filterObjectSchema,
]);
export type FilterConfig = z.infer<typeof filterSchema>;

export const scoreSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('products'), name: name.optional(), weight }).strict(),
  z.object({ type: z.literal('level'), name: name.optional(), weight }).strict(),
  z.object({
    type: z.literal('conversionRate'), name: name.optional(), weight,
    prior: z.number().min(0).max(1).default(0.15),
    priorWeight: z.number().nonnegative().default(10),
    fullAt: z.number().gt(0).max(1).default(0.4),
    basis: z.enum(['reserved', 'closed']).default('reserved'),
  }).strict(),
  z.object({
    type: z.literal('responsiveness'), name: name.optional(), weight,
    fastMinutes: z.number().nonnegative().default(60),
    slowMinutes: z.number().positive().default(2880),
    ifUnknown: z.number().min(0).max(1).default(0.5),
  }).strict().refine((c) => c.slowMinutes > c.fastMinutes, { message: 'slowMinutes must exceed fastMinutes' }),
  z.object({
    type: z.literal('distance'), name: name.optional(), weight,
    maxKm: z.number().positive().default(300),
    sameRegion: z.number().min(0).max(1).default(0.5),
    sameCountry: z.number().min(0).max(1).default(0.25),
    ifUnknown: z.number().min(0).max(1).default(0),
  }).strict(),
  z.object({
    type: z.literal('certifications'), name: name.optional(), weight,
    preferred: z.array(z.string()).default([]),
    byProduct: z.record(z.string(), z.array(z.string())).default({}),
    fullAt: z.number().int().positive().default(3),
  }).strict(),
  z.object({ type: z.literal('load'), name: name.optional(), weight, halfAt: z.number().positive().default(10) }).strict(),
  z.object({ type: z.literal('recentOffers'), name: name.optional(), weight, halfAt: z.number().positive().default(20) }).strict(),
  z.object({ type: z.literal('feedbackGate'), name: name.optional(), weight }).strict(),
  // The points ledger's balance (marketplace): weight 0 unless set, so adding the criterion changes nothing by itself.
  z.object({ type: z.literal('points'), name: name.optional(), weight: z.number().min(0).max(1000).default(0), fullAt: z.number().positive().default(100) }).strict(),
  z.object({ type: z.literal('attribute'), ...attributeBase, weight, ifLeadMissing: z.number().min(0).max(1).default(0) })
    .strict().superRefine(checkAttribute),
]);
export type ScoreConfig = z.infer<typeof scoreSchema>;

const wideningStepSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('radius'), km: z.number().positive() }).strict(),
  z.object({ type: z.literal('region'), postalPrefixLength: z.number().int().min(1).max(5).default(1) }).strict(),
  z.object({ type: z.literal('country') }).strict(),
]);
export type WideningStep = z.infer<typeof wideningStepSchema>;

export const matchingConfigSchema = z
  .object({
    offerCount: z.number().int().min(1).max(100).default(5),
    candidateLimit: z.number().int().min(0).default(20),
    levels: z.record(z.string(), z.number().min(0).max(1)).default({ platinum: 1, gold: 0.75, silver: 0.5, registered: 0.25 }),
    // No feedbackGate filter by default: the marketplace lets partners with overdue feedback *see* offers (they
    // cannot reserve them); a manufacturer who wants them out of waves adds the filter.
    filters: z.array(filterSchema).default(['active', 'serviceArea', 'products', 'capacity', 'declined', 'alreadyOffered'].map((type) => filterSchema.parse(type))),
    scores: z.array(scoreSchema).default(
      (
        [['products', 3], ['level', 1], ['conversionRate', 2], ['responsiveness', 1], ['distance', 2], ['certifications', 1], ['load', 1], ['recentOffers', 1]] as const
      ).map(([type, w]) => scoreSchema.parse({ type, weight: w })),
    ),
    fairness: z
      .object({
        topLevels: z.array(z.string()).default([]),
        beyondTopShare: z.number().min(0).max(1).default(0.4),
        pick: z.enum(['best', 'weighted']).default('best'),
        windowDays: z.number().int().positive().default(30),
      })
      .strict()
      .prefault({}),
    widening: z
      .object({
        minCandidates: z.number().int().min(1).nullable().default(null),
        steps: z.array(wideningStepSchema).default([{ type: 'radius', km: 100 }, { type: 'region', postalPrefixLength: 1 }, { type: 'country' }]),
      })
      .strict()
      .prefault({}),
    geo: z.object({ offlineGeocoding: z.boolean().default(true) }).strict().prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    uniqueNames(cfg.filters.map((f) => ({ name: f.name ?? f.type })), ['filters'], ctx);
    uniqueNames(cfg.scores.map((s) => ({ name: s.name ?? s.type })), ['scores'], ctx);
    cfg.filters.forEach((f, i) => {
      if (f.type === 'level' && !(f.min in cfg.levels)) ctx.addIssue({ code: 'custom', path: ['filters', i, 'min'], message: `level "${f.min}" is not in matching.levels` });
    });
    cfg.fairness.topLevels.forEach((l, i) => {
      if (!(l in cfg.levels)) ctx.addIssue({ code: 'custom', path: ['fairness', 'topLevels', i], message: `level "${l}" is not in matching.levels` });
    });
  })
  .prefault({});
export type MatchingConfig = z.infer<typeof matchingConfigSchema>;

function uniqueNames(items: ReadonlyArray<{ name: string }>, path: readonly (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (seen.has(it.name)) ctx.addIssue({ code: 'custom', path: [...path, i, 'name'], message: `duplicate name "${it.name}"` });
    seen.add(it.name);
  });
}
