// Qualification: (lead, ruleset, now) -> outcome + temperature + reasons. Every criterion is checked (not just the
// first that fires) so the qualification queue sees everything an agency must fix in one go; the most severe
// outcome wins. Junk input never throws: values are read defensively (values.ts) and compared in normal form.
import type { LeadData, QualificationOutcome, Reason, Temperature } from '../domain/lead.ts';
import type { QualificationConfig } from './config-schema.ts';
import type { EvalContext, Predicate } from './expression.ts';
import { compileCondition, fieldValue, memoize } from './expression.ts';
import type { CompiledTemperature } from './temperature.ts';
import { compileTemperature, decideTemperature } from './temperature.ts';
import { isPresent, primitives, toNumber } from './values.ts';

export interface QualificationDecision {
  outcome: QualificationOutcome;
  temperature: Temperature;
  /** Outcome reasons first (at least one), then the temperature's reason. */
  reasons: Reason[];
  /** Required entries not satisfied: a field name, or "a|b" for a oneOf group. */
  missing: string[];
}

const severity: Readonly<Record<QualificationOutcome, number>> = { qualified: 0, needs_qualification: 1, rejected: 2 };

interface CompiledQualification {
  readonly required: ReadonlyArray<{ label: string; fields: readonly string[] }>;
  readonly thresholds: ReadonlyArray<{ name: string; field: string; min: number | null; max: number | null; outcome: QualificationOutcome; ifMissing: 'pass' | 'fail'; message: string | null }>;
  readonly criteria: ReadonlyArray<{ name: string; when: Predicate; outcome: QualificationOutcome; message: string }>;
  readonly temperature: CompiledTemperature;
}

const compile = memoize((cfg: QualificationConfig): CompiledQualification => ({
  required: cfg.required.map((r) => (typeof r === 'string' ? { label: r, fields: [r] } : { label: r.oneOf.join('|'), fields: r.oneOf })),
  thresholds: cfg.thresholds.map((t) => ({ ...t, name: t.name ?? `threshold:${t.field}` })),
  criteria: cfg.criteria.map((c) => ({ name: c.name, when: compileCondition(c.when), outcome: c.outcome, message: c.message })),
  temperature: compileTemperature(cfg.temperature),
}));

export function qualify(lead: LeadData, cfg: QualificationConfig, now: Date, receivedAt: Date): QualificationDecision {
  const q = compile(cfg);
  const ctx: EvalContext = { lead, now, receivedAt };
  const reasons: Reason[] = [];

  const missing = q.required.filter((r) => !r.fields.some((f) => isPresent(fieldValue(ctx, f)))).map((r) => r.label);
  if (missing.length > 0) {
    reasons.push({
      rule: 'required', outcome: 'needs_qualification', fields: missing,
      message: `Missing: ${missing.map((m) => m.split('|').join(' or ')).join(', ')}.`,
    });
  }

  for (const t of q.thresholds) {
    const nums = primitives(fieldValue(ctx, t.field)).map(toNumber).filter((n): n is number => n !== null);
    const n = nums[0];
    const out = n === undefined ? t.ifMissing === 'fail' : (t.min !== null && n < t.min) || (t.max !== null && n > t.max);
    if (!out) continue;
    const range = [t.min !== null ? `at least ${t.min}` : null, t.max !== null ? `at most ${t.max}` : null].filter(Boolean).join(' and ');
    reasons.push({
      rule: t.name, outcome: t.outcome, fields: [t.field],
      message: t.message ?? `${t.field} ${n === undefined ? 'is missing' : `is ${n}`}; needs ${range || 'a value'}.`,
    });
  }

  for (const c of q.criteria) {
    if (c.when(ctx)) reasons.push({ rule: c.name, outcome: c.outcome, message: c.message });
  }

  let outcome: QualificationOutcome = 'qualified';
  for (const r of reasons) if (r.outcome !== undefined && severity[r.outcome] > severity[outcome]) outcome = r.outcome;
  if (outcome === 'qualified' && !reasons.some((r) => r.outcome === 'qualified')) {
    reasons.unshift({ rule: 'all-criteria', outcome: 'qualified', message: 'All criteria passed.' });
  }
  // Reasons for a lesser outcome stay (an agency fixing a rejected lead sees what else is missing), but the
  // deciding ones come first.
  reasons.sort((a, b) => severity[b.outcome ?? 'qualified'] - severity[a.outcome ?? 'qualified']);

  const t = decideTemperature(q.temperature, ctx);
  reasons.push(t.reason);
  return { outcome, temperature: t.temperature, reasons, missing };
}
