// Shared plumbing for the cross checks: one file's source (for lines), its issue list, and the lenient view of
// its content, so one broken rule does not hide the problems of the others (validate lists ALL problems).
import { dottedPath } from '../config/issues.ts';
import type { YamlSource } from '../config/yaml-source.ts';
import type { CrmKind } from '../domain/lead.ts';
import { inboundRuleSchema, outboundRuleSchema } from './schema.ts';
import type { InboundRuleInput, OutboundRuleInput } from './schema.ts';
import type { MappingIssue } from './types.ts';

export interface FileContext {
  readonly crm: CrmKind;
  readonly source: YamlSource;
  readonly issues: MappingIssue[];
}

export function report(ctx: FileContext, path: readonly PropertyKey[], message: string, hint: string, key = false): void {
  ctx.issues.push({ file: ctx.source.file, line: ctx.source.lineAt(path, { key }), path: dottedPath(path), message, hint });
}

export const sourceOf = (ctx: FileContext, path: readonly PropertyKey[]): { line: number | null; source: string } => {
  const line = ctx.source.lineAt(path, { key: true });
  return { line, source: line === null ? ctx.source.file : `${ctx.source.file}:${line}` };
};

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The parts of a file that parse on their own; schema issues for the rest are reported separately. */
export interface LenientFile {
  readonly entity: string | null;
  readonly object: string | null;
  readonly fields: ReadonlyArray<readonly [string, InboundRuleInput]>;
  /** Every key under `fields`, including rules that failed the schema. */
  readonly fieldKeys: readonly string[];
  readonly outbound: ReadonlyArray<readonly [string, OutboundRuleInput]>;
  readonly status: { readonly to: string; readonly values: Readonly<Record<string, string>> } | null;
  /** As written: text (SOQL) or a map (HubSpot search filter); the CRM's dialect judges which. */
  readonly conditions: ReadonlyArray<readonly ['mql' | 'track' | 'where', unknown]>;
  readonly stages: Readonly<Record<string, string>> | null;
  readonly mode: string | null;
  readonly convertedStatus: string | null;
  /** `pipeline:` as written (HubSpot opportunity mappings), undefined when absent. */
  readonly pipeline: unknown;
}

export function lenient(raw: unknown): LenientFile {
  const r = isRecord(raw) ? raw : {};
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const entries = <T>(v: unknown, parse: (x: unknown) => T | null): Array<readonly [string, T]> =>
    isRecord(v) ? Object.entries(v).flatMap(([k, x]) => { const p = parse(x); return p === null ? [] : [[k, p] as const]; }) : [];
  const inbound = (x: unknown): InboundRuleInput | null => { const p = inboundRuleSchema.safeParse(x); return p.success ? p.data : null; };
  const outbound = (x: unknown): OutboundRuleInput | null => { const p = outboundRuleSchema.safeParse(x); return p.success ? p.data : null; };
  const out = isRecord(r['outbound']) ? r['outbound'] : {};
  const status = isRecord(out['status']) && typeof out['status']['to'] === 'string' && isRecord(out['status']['values'])
    ? { to: out['status']['to'], values: Object.fromEntries(entries(out['status']['values'], str)) }
    : null;
  return {
    entity: str(r['entity']),
    object: str(r['object']),
    fields: entries(r['fields'], inbound),
    fieldKeys: isRecord(r['fields']) ? Object.keys(r['fields']) : [],
    outbound: entries(out['fields'], outbound),
    status,
    conditions: (['mql', 'track', 'where'] as const).flatMap((k) => (r[k] === undefined || r[k] === null ? [] : [[k, r[k]] as const])),
    stages: isRecord(r['stages']) ? Object.fromEntries(entries(r['stages'], str)) : null,
    mode: str(r['mode']),
    convertedStatus: str(r['convertedStatus']),
    pipeline: r['pipeline'],
  };
}
