// CRM record → canonical record. Pure and total: any input gives a value or a QuarantineReason, never a throw.
// Reasons name the CRM field, the canonical target and the mapping line, never the value (it may be personal
// data: CONVENTIONS rule 8, safe metadata only).
import type { z } from 'zod';
import { leadDataSchema } from '../domain/lead.ts';
import type { LeadData } from '../domain/lead.ts';
import { partnerDataSchema } from '../domain/partner.ts';
import type { PartnerData } from '../domain/partner.ts';
import type { QuarantineReason } from '../domain/ports.ts';
import { extraPrefix } from './targets.ts';
import type { Entity } from './targets.ts';
import { applyTransform, maxTextLength, normalise } from './transforms.ts';
import type { Mapped, StepResult } from './transforms.ts';
import type { InboundRule, LeadMapping, PartnerMapping, PartnerUserMapping } from './types.ts';

export type MapResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: QuarantineReason };

export interface PartnerUserData {
  readonly partnerExternalId: string;
  readonly email: string;
  readonly name: string | null;
}

interface Failure { readonly rule: InboundRule | null; readonly code: 'MAPPING.INVALID_VALUE' | 'MAPPING.MISSING_FIELD'; readonly message: string }

export function mapLead(m: LeadMapping, record: Record<string, unknown>): MapResult<LeadData> {
  return mapWith('lead', m, record, leadDataSchema);
}

export function mapPartner(m: PartnerMapping, record: Record<string, unknown>): MapResult<PartnerData> {
  return mapWith('partner', m, record, partnerDataSchema);
}

export function mapPartnerUser(m: PartnerUserMapping, record: Record<string, unknown>): MapResult<PartnerUserData> {
  const r = collect('partner-user', m.fields, record);
  const failures = [...r.failures];
  const text = (k: string): string | null => (typeof r.out[k] === 'string' && r.out[k] !== '' ? r.out[k] : null);
  const ruleFor = (k: string): InboundRule | null => m.fields.find((f) => f.target === k) ?? null;
  for (const k of ['partnerExternalId', 'email'] as const) {
    if (text(k) === null && !failures.some((f) => f.rule?.target === k)) failures.push({ rule: ruleFor(k), code: 'MAPPING.MISSING_FIELD', message: 'no value' });
  }
  const partnerExternalId = text('partnerExternalId');
  const email = text('email');
  if (failures.length > 0 || partnerExternalId === null || email === null) return { ok: false, reason: reasonOf(m.file, failures) };
  return { ok: true, value: { partnerExternalId, email, name: text('name') } };
}

function mapWith<T>(entity: Entity, m: { file: string; fields: readonly InboundRule[] }, record: Record<string, unknown>, schema: z.ZodType<T>): MapResult<T> {
  const r = collect(entity, m.fields, record);
  if (r.failures.length > 0) return { ok: false, reason: reasonOf(m.file, r.failures) };
  const parsed = schema.safeParse(r.out);
  if (parsed.success) return { ok: true, value: parsed.data };
  const failures: Failure[] = parsed.error.issues.map((issue) => {
    const target = issue.path.length > 1 && extraPrefix[entity] === issue.path[0] ? `${String(issue.path[0])}.${String(issue.path[1])}` : String(issue.path[0] ?? '');
    const rule = m.fields.find((f) => f.target === target) ?? null;
    const missing = r.out[String(issue.path[0])] === undefined;
    return { rule, code: missing ? 'MAPPING.MISSING_FIELD' : 'MAPPING.INVALID_VALUE', message: missing ? `${target} has no value` : safeMessage(issue) };
  });
  return { ok: false, reason: reasonOf(m.file, failures) };
}

/** zod messages carry expectations, not inputs; keep them short and value-free all the same. */
function safeMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': return `expected ${issue.expected}`;
    case 'invalid_value': return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small': return `below the minimum ${String(issue.minimum)}`;
    case 'too_big': return `above the maximum ${String(issue.maximum)}`;
    default: return 'invalid value';
  }
}

function collect(entity: Entity, rules: readonly InboundRule[], record: Record<string, unknown>): { out: Record<string, unknown>; failures: Failure[] } {
  const out: Record<string, unknown> = {};
  const failures: Failure[] = [];
  const prefix = extraPrefix[entity];
  for (const rule of rules) {
    const r = applyRule(rule, read(record, rule.from));
    if (!r.ok) {
      failures.push({ rule, code: 'MAPPING.INVALID_VALUE', message: r.message });
      continue;
    }
    // null = no value: leave the key out so the canonical schema's default (null, [], 'reseller'...) applies.
    if (r.value === null) continue;
    if (prefix !== null && rule.target.startsWith(`${prefix}.`)) {
      const bag = (out[prefix] ??= {}) as Record<string, unknown>;
      bag[rule.target.slice(prefix.length + 1)] = r.value;
    } else {
      out[rule.target] = r.value;
    }
  }
  return { out, failures };
}

/** Own properties only, exact name first; Salesforce field names are case-insensitive. */
function read(record: Record<string, unknown>, field: string): unknown {
  if (record === null || typeof record !== 'object') return undefined;
  if (Object.hasOwn(record, field)) return record[field];
  const lower = field.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

type Value = Mapped | readonly string[];

export function applyRule(rule: InboundRule, raw: unknown): StepResult {
  let r = normalise(raw);
  for (const t of rule.transforms) {
    if (!r.ok) break;
    r = applyTransform(t, r.value);
  }
  if (!r.ok) return r;
  let v: Value = empty(r.value) ? null : r.value;
  if (v !== null && rule.map !== null) {
    const map = rule.map;
    if (Array.isArray(v)) {
      v = v.map((x) => (Object.hasOwn(map, x) ? map[x] : x)).filter((x): x is string => typeof x === 'string');
    } else {
      const key = String(v);
      if (Object.hasOwn(map, key)) v = map[key] ?? null;
      else if (rule.default !== undefined) v = rule.default;
      else if (rule.targetInfo.kind === 'enum') return { ok: false, message: 'value not in the value map and no default' };
    }
  }
  if (v === null && rule.default !== undefined) v = rule.default;
  if (v === null) return { ok: true, value: null };
  // Some CRMs send numeric-looking text fields as numbers (a postcode); a text target takes their text form.
  if ((rule.targetInfo.kind === 'text' || rule.targetInfo.kind === 'enum') && (typeof v === 'number' || typeof v === 'boolean')) v = String(v);
  const tooLong = typeof v === 'string' ? v.length > maxTextLength : Array.isArray(v) && v.some((x) => x.length > maxTextLength);
  if (tooLong) return { ok: false, message: `text longer than ${maxTextLength} characters` };
  return { ok: true, value: Array.isArray(v) ? [...(v as readonly string[])] : (v as Mapped) };
}

function empty(v: Mapped): boolean {
  return v === null || (typeof v === 'string' && v.trim() === '');
}

function reasonOf(file: string, failures: readonly Failure[]): QuarantineReason {
  const code = failures.every((f) => f.code === 'MAPPING.MISSING_FIELD') ? 'MAPPING.MISSING_FIELD' : 'MAPPING.INVALID_VALUE';
  const first = failures.find((f) => f.rule !== null)?.rule ?? null;
  const message = failures.map((f) => (f.rule === null ? f.message : `${f.rule.from} → ${f.rule.target} (line ${f.rule.line ?? '?'}): ${f.message}`)).join('; ');
  const fields = [...new Set(failures.flatMap((f) => (f.rule === null ? [] : [f.rule.from])))];
  return { code, message, source: first?.source ?? file, fields };
}
