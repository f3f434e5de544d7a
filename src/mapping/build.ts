// Turn a schema-valid, cross-checked mapping file into the loaded form the rest of leadrelay uses: rules in
// file order, each with its line, plus `selectFields()`.
import type { YamlSource } from '../config/yaml-source.ts';
import type { CrmKind } from '../domain/lead.ts';
import { dialects } from './dialects.ts';
import type { MappingFile } from './schema.ts';
import { targetInfo } from './targets.ts';
import type { Entity } from './targets.ts';
import type { AnyMapping, Condition, InboundRule, OutboundRule } from './types.ts';

/** Parsed records follow the schema's key order; rules must keep the file's order (first failure = first line). */
function inFileOrder<T>(parsed: Readonly<Record<string, T>>, raw: unknown): Array<[string, T]> {
  const order = raw !== null && typeof raw === 'object' ? Object.keys(raw) : [];
  return order.filter((k) => Object.hasOwn(parsed, k)).map((k) => [k, parsed[k] as T]);
}

const child = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);

export function buildMapping(file: MappingFile, source: YamlSource, crm: CrmKind): AnyMapping {
  const rawFields = child(source.value, 'fields');
  const rawOutbound = child(child(source.value, 'outbound'), 'fields');
  const lineOf = (path: readonly PropertyKey[]): { line: number | null; source: string } => {
    const line = source.lineAt(path, { key: true });
    return { line, source: line === null ? source.file : `${source.file}:${line}` };
  };
  // Cross checks ran before: a condition that does not parse in this CRM's dialect never gets here.
  const condition = (key: 'mql' | 'track' | 'where', raw: unknown): Condition | null => {
    const parsed = raw === undefined ? null : dialects[crm].parse(raw);
    return parsed === null ? null : { ...parsed, line: lineOf([key]).line };
  };
  const outbound = (fields: Readonly<Record<string, { to: string; values?: Record<string, string> | undefined; externalId?: boolean | undefined; type?: OutboundRule['type'] | undefined } | undefined>>): OutboundRule[] =>
    inFileOrder(fields, rawOutbound).flatMap(([key, r]) => (r === undefined ? [] : [{
      key, to: r.to, values: r.values ?? null, externalId: r.externalId === true, type: r.type ?? null, ...lineOf(['outbound', 'fields', key]),
    }]));
  const base = { crm, file: source.file, object: file.object, objectLine: lineOf(['object']).line };

  switch (file.entity) {
    case 'lead': {
      const fields = inbound('lead', inFileOrder(file.fields, rawFields), lineOf);
      const status = file.outbound.status;
      return {
        ...base, entity: 'lead', fields, selectFields: () => selectOf(fields),
        mql: condition('mql', file.mql) ?? { text: '', filterGroups: null, line: null }, track: condition('track', file.track),
        outbound: outbound(file.outbound.fields),
        status: status === undefined ? null : { to: status.to, values: status.values, ...lineOf(['outbound', 'status']) },
      };
    }
    case 'partner': {
      const fields = inbound('partner', inFileOrder(file.fields, rawFields), lineOf);
      return { ...base, entity: 'partner', fields, selectFields: () => selectOf(fields), where: condition('where', file.where), outbound: outbound(file.outbound.fields) };
    }
    case 'partner-user': {
      const fields = inbound('partner-user', inFileOrder(file.fields, rawFields), lineOf);
      return { ...base, entity: 'partner-user', fields, selectFields: () => selectOf(fields), where: condition('where', file.where) };
    }
    case 'opportunity':
      return {
        ...base, entity: 'opportunity', mode: file.mode, convertedStatus: file.convertedStatus ?? null, pipeline: file.pipeline ?? null,
        stages: file.stages, stagesLine: lineOf(['stages']).line, outbound: outbound(file.outbound.fields),
        selectFields: () => [],
      };
  }
}

type RuleIn = { from: string; transform: InboundRule['transforms']; map?: Record<string, string | number | boolean | null> | undefined; default?: InboundRule['default'] | undefined; type?: InboundRule['type'] | undefined };

function inbound(entity: Entity, fields: ReadonlyArray<[string, RuleIn | undefined]>, lineOf: (p: readonly PropertyKey[]) => { line: number | null; source: string }): InboundRule[] {
  return fields.flatMap(([target, r]) => {
    const info = r === undefined ? undefined : targetInfo(entity, target);
    // Cross checks ran before: an unknown target never gets here.
    if (r === undefined || info === undefined || 'error' in info) return [];
    const rule: InboundRule = {
      target, targetInfo: info, from: r.from, transforms: r.transform, map: r.map ?? null, type: r.type ?? null,
      ...lineOf(['fields', target]),
      ...(r.default === undefined ? {} : { default: r.default }),
    };
    return [rule];
  });
}

function selectOf(fields: readonly InboundRule[]): string[] {
  return [...new Set(fields.map((f) => f.from))];
}
