// zod at the HTTP boundary (CONVENTIONS rule 3): routes declare zod schemas for params, query and body; fastify
// validates with them (the validator compiler below) and @fastify/swagger documents them as JSON Schema (the
// transform), so the OpenAPI document and the validation can never disagree.
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';

const isZod = (s: unknown): s is z.ZodType => s instanceof z.ZodType;

/** Validation failures reach the error handler as this, with the zod issues. */
export class RequestInvalid extends Error {
  readonly statusCode = 400;
  constructor(readonly part: string, readonly issues: readonly z.core.$ZodIssue[]) {
    super(issues.slice(0, 5).map((i) => `${[part, ...i.path.map(String)].join('.')}: ${i.message}`).join('; '));
  }
}

export const zodValidator: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => (data: unknown) => {
  if (!isZod(schema)) return { value: data };
  const r = schema.safeParse(data);
  return r.success ? { value: r.data } : { error: new RequestInvalid(httpPart ?? 'request', r.error.issues) };
};

const toJson = (s: unknown): unknown => (isZod(s) ? z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) : s);

/** @fastify/swagger `transform`: zod schemas → JSON Schema for the OpenAPI document. */
export function swaggerTransform({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  if (schema === undefined || schema === null) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  for (const part of ['params', 'body', 'querystring', 'headers'] as const) if (schema[part] !== undefined) out[part] = toJson(schema[part]);
  if (schema.response !== undefined && schema.response !== null && typeof schema.response === 'object') {
    out['response'] = Object.fromEntries(Object.entries(schema.response).map(([k, v]) => [k, toJson(v)]));
  }
  return { schema: out, url };
}

/** Form fields arrive as strings: empty means "not given". */
export const formText = (max: number) => z.string().max(max).transform((s) => s.trim()).transform((s) => (s === '' ? undefined : s)).optional();
export const formNumber = z.string().trim().transform((s, ctx) => {
  if (s === '') return undefined;
  const n = Number(s.replace(/[\s,]/g, ''));
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'must be a number' });
    return z.NEVER;
  }
  return n;
}).optional();
export const idParam = z.strictObject({ id: z.string().min(1).max(100) });
