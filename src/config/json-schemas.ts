// JSON Schemas for editors (yaml-language-server autocomplete and squiggles), generated from the zod schemas so
// they cannot drift: `io: 'input'` describes what people write (defaults make keys optional).
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { inboundRuleSchema, mappingFileSchema, outboundRuleSchema } from '../mapping/schema.ts';
import { configSchema } from './schema.ts';

export const configSchemaFile = 'config/schema/config.schema.json';
export const mappingSchemaFile = 'mappings/schema/mapping.schema.json';

type Json = unknown;

const toJson = (schema: z.ZodType): Record<string, Json> =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/**
 * Every field rule would otherwise be spelled out once per canonical field; move repeated sub-schemas to named
 * $defs. (zod's own `id` metadata needs the global registry, which rejects an id registered twice.)
 */
function extract(root: Record<string, Json>, defs: Record<string, z.ZodType>): Record<string, Json> {
  const named = Object.entries(defs).map(([name, s]) => {
    const { $schema: _drop, ...body } = toJson(s);
    return [name, body] as const;
  });
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const hit = named.find(([, body]) => isDeepStrictEqual(v, body));
    if (hit !== undefined) return { $ref: `#/$defs/${hit[0]}` };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  const out = walk(root) as Record<string, Json>;
  return { ...out, $defs: { ...(out['$defs'] as Record<string, Json> | undefined), ...Object.fromEntries(named) } };
}

const render = (json: Json): string => `${JSON.stringify(json, null, 2)}\n`;

/** Repository-relative path → file content. */
export function jsonSchemas(): Record<string, string> {
  return {
    [configSchemaFile]: render(toJson(configSchema)),
    [mappingSchemaFile]: render(extract(toJson(mappingFileSchema), { InboundRule: inboundRuleSchema, OutboundRule: outboundRuleSchema })),
  };
}
