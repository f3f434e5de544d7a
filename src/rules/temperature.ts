// Honest temperature: hot / warm / cold from config rules (demo request → hot, whitepaper → cold), the CRM's
// hint as configured, then capped by age, because a "hot" lead that waited three weeks is not hot any more.
// The qualifier may override it later (services); partners always see it with the source type and remarks.
import type { Reason, Temperature } from '../domain/lead.ts';
import { temperatures } from '../domain/lead.ts';
import type { QualificationConfig } from './config-schema.ts';
import type { EvalContext, Predicate } from './expression.ts';
import { compileCondition, fieldValue } from './expression.ts';
import { show } from './values.ts';

type TemperatureConfig = QualificationConfig['temperature'];

export interface CompiledTemperature {
  readonly cfg: TemperatureConfig;
  readonly rules: ReadonlyArray<{ name: string; when: Predicate; temperature: Temperature }>;
}

export function compileTemperature(cfg: TemperatureConfig): CompiledTemperature {
  return { cfg, rules: cfg.rules.map((r) => ({ name: r.name, when: compileCondition(r.when), temperature: r.temperature })) };
}

const rank: Readonly<Record<Temperature, number>> = { cold: 0, warm: 1, hot: 2 };

export interface TemperatureDecision {
  readonly temperature: Temperature;
  readonly reason: Reason;
}

export function decideTemperature(t: CompiledTemperature, ctx: EvalContext): TemperatureDecision {
  const hintRaw = fieldValue(ctx, 'temperature');
  const hint = typeof hintRaw === 'string' && (temperatures as readonly string[]).includes(hintRaw) ? (hintRaw as Temperature) : null;
  let temperature: Temperature;
  let why: string;
  let rule: string;
  const preferHint = t.cfg.crmHint === 'prefer' && hint !== null;
  const byRule = preferHint ? undefined : t.rules.find((r) => r.when(ctx));
  if (preferHint) {
    [temperature, rule, why] = [hint, 'temperature:crm-hint', 'as the CRM says (crmHint: prefer)'];
  } else if (byRule !== undefined) {
    [temperature, rule, why] = [byRule.temperature, `temperature:${byRule.name}`, `by rule ${byRule.name}`];
  } else if (t.cfg.crmHint === 'fallback' && hint !== null) {
    [temperature, rule, why] = [hint, 'temperature:crm-hint', 'as the CRM says (no rule matched)'];
  } else {
    [temperature, rule, why] = [t.cfg.default, 'temperature:default', 'the default (no rule matched)'];
  }
  // Age caps: the strictest applicable cap wins.
  const ageDays = fieldValue(ctx, 'ageDays') as number;
  let cap: { afterDays: number; atMost: Temperature } | null = null;
  for (const a of t.cfg.ageing) {
    if (ageDays >= a.afterDays && (cap === null || rank[a.atMost] < rank[cap.atMost])) cap = a;
  }
  if (cap !== null && rank[cap.atMost] < rank[temperature]) {
    why += `, capped from ${temperature} to ${cap.atMost}: ${Math.floor(ageDays)} days old (ageing after ${cap.afterDays} days)`;
    temperature = cap.atMost;
  }
  const source = fieldValue(ctx, 'source');
  return { temperature, reason: { rule, message: `${capitalise(temperature)}: ${why}; source: ${show(source)}.` } };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
