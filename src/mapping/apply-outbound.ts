// Canonical write-back → CRM fields. Pure. A `values` map translates enum values to picklist values; a value it
// does not list leaves that CRM field out (e.g. Lead Status is only touched for the statuses marketing ops
// mapped). Nulls are written as null (clearing the field), dates as ISO strings.
import type { LeadWriteBack, OpportunityWriteBack } from '../domain/write-back.ts';
import type { LeadMapping, OpportunityMapping, OutboundRule, PartnerMapping } from './types.ts';

const omit = Symbol('omit');

function valueFor(rule: OutboundRule, value: unknown): unknown {
  if (value === undefined) return omit;
  if (value === null) return null;
  if (rule.values !== null) {
    // Value maps translate enum values (statuses, temperatures): always strings.
    if (typeof value !== 'string') return omit;
    return Object.hasOwn(rule.values, value) ? rule.values[value] : omit;
  }
  if (value instanceof Date) return rule.type === 'Date' ? value.toISOString().slice(0, 10) : value.toISOString();
  // A Date field takes the date part of an ISO date-time (reservedAt written to a Date field).
  if (rule.type === 'Date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return value;
}

function apply(rules: readonly OutboundRule[], get: (key: string) => unknown, out: Record<string, unknown>): void {
  for (const rule of rules) {
    const v = valueFor(rule, get(rule.key));
    if (v !== omit) out[rule.to] = v;
  }
}

export function mapLeadOutbound(m: LeadMapping, wb: LeadWriteBack): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const record = wb as unknown as Record<string, unknown>;
  apply(m.outbound, (k) => record[k], out);
  if (m.status !== null && Object.hasOwn(m.status.values, wb.status)) out[m.status.to] = m.status.values[wb.status];
  return out;
}

export function mapOpportunityOutbound(m: OpportunityMapping, wb: OpportunityWriteBack): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const record = wb as unknown as Record<string, unknown>;
  // The stage is translated by `stages`; a stage it does not list is left out (the service writes no opportunity).
  apply(m.outbound, (k) => (k === 'stage' ? (Object.hasOwn(m.stages, wb.stage) ? m.stages[wb.stage] : undefined) : record[k]), out);
  return out;
}

/** The CRM stage value for a canonical stage, or null when this stage makes no opportunity. */
export function opportunityStageValue(m: OpportunityMapping, stage: OpportunityWriteBack['stage']): string | null {
  return Object.hasOwn(m.stages, stage) ? (m.stages[stage] ?? null) : null;
}

/** Partner KPIs (reports issue): canonical key → CRM field, for the keys the mapping lists. */
export function mapPartnerOutbound(m: PartnerMapping, fields: Readonly<Record<string, string | number | null>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  apply(m.outbound, (k) => (Object.hasOwn(fields, k) ? fields[k] : undefined), out);
  return out;
}

/** `file:line` of the rule that writes `crmField` (case-insensitive), for quarantining a rejected write. */
export function outboundSource(m: LeadMapping | OpportunityMapping | PartnerMapping, crmField: string): string | undefined {
  const f = crmField.toLowerCase();
  const rule = m.outbound.find((r) => r.to.toLowerCase() === f);
  // A rejected stage value is fixed in `stages`, not on the `stage: { to: StageName }` line.
  if (rule?.key === 'stage' && m.entity === 'opportunity') return m.stagesLine === null ? m.file : `${m.file}:${m.stagesLine}`;
  if (rule !== undefined) return rule.source;
  if (m.entity === 'lead' && m.status !== null && m.status.to.toLowerCase() === f) return m.status.source;
  return undefined;
}
