// Cross checks for inbound rules (`fields:`): the target exists, the transform chain makes sense and ends in a
// kind the target takes, value maps and defaults only produce values the target accepts, required targets are
// mapped. Each problem is reported at the line of the key that causes it.
import { closest, didYouMean, listOf } from '../config/suggest.ts';
import { report } from './check-context.ts';
import type { FileContext } from './check-context.ts';
import type { InboundRuleInput } from './schema.ts';
import { extraPrefix, knownTargets, targetInfo } from './targets.ts';
import type { Entity, TargetInfo } from './targets.ts';
import { chainKind } from './transforms.ts';
import type { ValueKind } from './transforms.ts';

const describe = (info: TargetInfo): string =>
  info.kind === 'enum' ? `one of ${(info.values ?? []).join(', ')}` : info.kind === 'list' ? 'a list of text' : info.kind === 'any' ? 'any value' : `a ${info.kind === 'integer' ? 'whole number' : info.kind}`;

/** Why `value` does not fit the target, or null. `element`: the value is one element of a list target. */
export function misfit(info: TargetInfo, value: unknown, element = false): string | null {
  if (value === null) return null;
  if (info.kind === 'any') return typeof value === 'object' && !Array.isArray(value) ? 'a map is not a value' : null;
  if (info.kind === 'list') {
    if (element) return typeof value === 'string' ? null : 'list elements must be text';
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : 'expected a list of text';
  }
  switch (info.kind) {
    case 'enum':
      return typeof value === 'string' && (info.values ?? []).includes(value) ? null : `must be ${describe(info)}`;
    case 'text':
      return typeof value === 'string' ? null : 'must be text';
    case 'number':
      return typeof value === 'number' ? null : 'must be a number';
    case 'integer':
      return Number.isSafeInteger(value) ? null : 'must be a whole number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
  }
}

/** Can a chain ending in `kind` feed this target (without a value map)? */
function chainFits(kind: ValueKind, info: TargetInfo): string | null {
  if (info.kind === 'any' || kind === 'raw') return info.kind === 'list' ? `${describe(info)} needs 'split' (multi-select values arrive as "A;B")` : null;
  const want: Record<Exclude<TargetInfo['kind'], 'any'>, readonly ValueKind[]> = {
    text: ['text'], enum: ['text'], number: ['number'], integer: ['number'], boolean: ['boolean'], list: ['list'],
  };
  return want[info.kind].includes(kind) ? null : `the transforms produce a ${kind} but the target takes ${describe(info)}`;
}

export function checkInbound(ctx: FileContext, entity: Entity, fields: ReadonlyArray<readonly [string, InboundRuleInput]>, present: readonly string[]): void {
  const known = knownTargets(entity);
  const prefix = extraPrefix[entity];
  for (const [target, rule] of fields) {
    const at = ['fields', target];
    const info = targetInfo(entity, target);
    if ('error' in info) {
      const extra = prefix === null ? '' : ` or ${prefix}.<name>`;
      const near = closest(target, known);
      report(ctx, at, `${info.error}${didYouMean(target, known)}`, near !== null ? `rename it to '${near}'` : `canonical ${entity} fields: ${listOf(known, 40)}${extra}`, true);
      continue;
    }
    const chain = chainKind(rule.transform);
    if (!chain.ok) {
      report(ctx, [...at, 'transform', chain.index], chain.message, chain.hint);
      continue;
    }
    const listed = chain.kind === 'list';
    if (rule.map !== undefined) {
      for (const [crmValue, canonical] of Object.entries(rule.map)) {
        const why = misfit(info, canonical, listed);
        if (why !== null) {
          const word = typeof canonical === 'string' ? canonical : String(canonical);
          report(ctx, [...at, 'map', crmValue], `maps to '${word}', but ${target} ${why}${info.values ? didYouMean(word, info.values) : ''}`, `use ${describe(info)}${info.kind === 'enum' ? ' or null' : ''}`);
        }
      }
      if (listed && info.kind !== 'list' && info.kind !== 'any') report(ctx, [...at, 'transform'], `'split' makes a list but ${target} takes ${describe(info)}`, "remove 'split'");
    } else {
      const why = chainFits(chain.kind, info);
      if (why !== null) report(ctx, rule.transform.length > 0 ? [...at, 'transform'] : at, why, info.kind === 'list' ? "add transform: [split]" : `change the transforms${info.kind === 'enum' ? ' or add a value map' : ''}`, rule.transform.length === 0);
    }
    if (rule.default !== undefined) {
      const why = misfit(info, rule.default);
      if (why !== null) report(ctx, [...at, 'default'], `default ${why}`, `use ${describe(info)} or null`);
    }
  }
  // A record without these cannot become a canonical one at all: the mapping must say where they come from.
  const mapped = new Set(present);
  for (const t of known) {
    const info = targetInfo(entity, t);
    if (!('error' in info) && info.required && !mapped.has(t)) report(ctx, ['fields'], `required field '${t}' is not mapped`, `add \`${t}: { from: <CRM field> }\` under fields`, true);
  }
}
