// The read boundary (CONVENTIONS rule 3): every row read back goes through zod before it becomes a domain
// object, so a hand-edited or half-migrated database fails loudly with the table and column, not later as
// `undefined is not a function`. Also the JSON shapes stored in TEXT columns.
import { z } from 'zod';
import { crmKinds, leadStatuses, temperatures } from '../domain/lead.ts';
import type { Qualification, QualificationOutcome, Reason } from '../domain/lead.ts';
import { feedbackStatuses } from '../domain/offer.ts';
import type { LeadEvent } from '../domain/offer.ts';
import type { QuarantineReason } from '../domain/ports.ts';
import { feedbackStates, opportunityStages, partnerStatuses } from '../domain/write-back.ts';
import type { WriteBack } from '../domain/write-back.ts';

/** ISO-8601 UTC text with milliseconds: sorts as text, round-trips a Date exactly. */
export const toIso = (d: Date): string => d.toISOString();
export const toIsoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());
export const toFlag = (b: boolean): number => (b ? 1 : 0);

export const isoDate = z.string().transform((s, ctx) => {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not an ISO timestamp: ${s}` });
    return z.NEVER;
  }
  return d;
});

/** Booleans are stored as 0/1 (portable, and better-sqlite3 cannot bind JS booleans). */
export const flag = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);

/** Aggregates: SQLite returns numbers, PostgreSQL bigint counts as strings. */
export const count = z.union([z.number(), z.string(), z.bigint(), z.null()]).transform((v) => Number(v ?? 0));

/** A JSON TEXT column validated by `schema`. */
export function json<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((s, ctx): unknown => {
      try {
        return JSON.parse(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const toJson = (value: unknown): string => JSON.stringify(value ?? null);

/** Parse one row; a failure is a bug or a corrupt database, so it throws with where it happened. */
export function parseRow<S extends z.ZodType>(schema: S, row: unknown, table: string): z.output<S> {
  const r = schema.safeParse(row);
  if (r.success) return r.data;
  const where = r.error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ');
  throw new Error(`Store: a ${table} row does not match the expected shape (${where}). The database may be from a newer leadrelay or edited by hand.`);
}

export const parseRows = <S extends z.ZodType>(schema: S, rows: readonly unknown[], table: string): Array<z.output<S>> =>
  rows.map((row) => parseRow(schema, row, table));

// ---------- JSON shapes ----------
export const record = z.record(z.string(), z.unknown());

const outcomes = ['qualified', 'needs_qualification', 'rejected'] as const satisfies readonly QualificationOutcome[];

// exactOptionalPropertyTypes: zod's `?: T | undefined` is not the domain's `?: T`, so optional keys are rebuilt.
const reasonSchema = z
  .object({ rule: z.string(), outcome: z.enum(outcomes).optional(), message: z.string(), fields: z.array(z.string()).optional() })
  .transform((r): Reason => ({
    rule: r.rule,
    message: r.message,
    ...(r.outcome === undefined ? {} : { outcome: r.outcome }),
    ...(r.fields === undefined ? {} : { fields: r.fields }),
  }));

export const qualificationSchema = z
  .object({
    outcome: z.enum(outcomes),
    reasons: z.array(reasonSchema),
    temperature: z.enum(temperatures),
    decidedAt: isoDate,
    decidedBy: z.string(),
  })
  .transform((q): Qualification => q);

export const quarantineReasonSchema = z
  .object({ code: z.string(), message: z.string(), source: z.string().optional(), fields: z.array(z.string()).optional() })
  .transform((r): QuarantineReason => ({
    code: r.code,
    message: r.message,
    ...(r.source === undefined ? {} : { source: r.source }),
    ...(r.fields === undefined ? {} : { fields: r.fields }),
  }));

const str = z.string().nullable();
const leadWriteBack = z.object({
  status: z.enum(leadStatuses),
  partnerStatus: z.enum(partnerStatuses),
  partnerExternalId: str,
  partnerName: str,
  reservedAt: str,
  lastFeedback: z.enum(feedbackStatuses).nullable(),
  lastFeedbackAt: str,
  feedbackComment: str,
  temperature: z.enum(temperatures),
  qualificationReasons: str,
  // Added with the marketplace (migration 0004): snapshots queued before it lack them.
  feedbackDueAt: str.default(null),
  feedbackState: z.enum(feedbackStates).nullable().default(null),
});
const opportunityWriteBack = z.object({
  leadId: z.string(),
  leadExternalId: z.string(),
  name: z.string(),
  stage: z.enum(opportunityStages),
  amount: z.number().nullable(),
  closeDate: z.string(),
  partnerExternalId: str,
  lostReason: str,
  description: str,
});

export const writeBackSchema = z
  .discriminatedUnion('target', [
    z.object({ target: z.literal('lead'), leadId: z.string(), externalId: z.string(), fields: leadWriteBack }),
    z.object({ target: z.literal('opportunity'), leadId: z.string(), externalId: z.string(), fields: opportunityWriteBack }),
    z.object({
      target: z.literal('partner'),
      partnerId: z.string(),
      externalId: z.string(),
      fields: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    }),
  ])
  .transform((wb): WriteBack => wb);

export const crmKind = z.enum(crmKinds);

export const leadEventTypes = [
  'received', 'updated', 'qualified', 'needs_qualification', 'rejected', 'offered', 'viewed', 'reserved',
  'declined', 'feedback', 'reminder', 'revoked', 'expired', 'escalated', 'assigned', 'returned',
  'withdrawn', 'converted', 'widened', 'quarantined', 'plan_updated',
] as const satisfies ReadonlyArray<LeadEvent['type']>;
// Compile-time check that the list above names every event type of the domain.
type MissingEventType = Exclude<LeadEvent['type'], (typeof leadEventTypes)[number]>;
export const everyEventTypeListed: [MissingEventType] extends [never] ? true : MissingEventType = true;
