// zod schemas for every HubSpot payload the connector reads (CONVENTIONS rule 3): validated at the boundary, only
// `z.infer` types inside. Records are loose: their properties vary with the mapping and are checked by src/mapping;
// here we pin what the sync logic itself relies on. Property values are strings (or null) on the wire.
// https://developers.hubspot.com/docs/guides/api/crm/understanding-the-crm
import { z } from 'zod';

/** Record ids are numeric strings (hs_object_id). */
export const hsId = z.string().regex(/^\d{1,20}$/, 'not a HubSpot record id');

/** ISO-8601 timestamps as HubSpot sends them (`2024-05-20T20:49:32.123Z`). */
export const hsDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date-time');

const props = z.record(z.string(), z.string().nullable());

export const recordSchema = z.looseObject({
  id: hsId,
  properties: props,
  createdAt: hsDateTime.optional(),
  updatedAt: hsDateTime.optional(),
  archived: z.boolean().optional(),
  archivedAt: hsDateTime.optional(),
});
export type HsRecord = z.infer<typeof recordSchema>;

/** POST /crm/v3/objects/{type}/search. https://developers.hubspot.com/docs/guides/api/crm/search */
export const searchPageSchema = z.object({
  total: z.number().int().nonnegative().optional(),
  results: z.array(z.unknown()),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

/** GET /crm/v3/objects/{type} (list, also with archived=true). */
export const listPageSchema = searchPageSchema;

/**
 * One error of a batch call (HTTP 207, or the error body of a failed call). `context` names what failed: `ids`,
 * `objectWriteTraceId`, `propertyName` ... https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors
 */
export const batchErrorSchema = z.looseObject({
  status: z.string().optional(),
  category: z.string().default('UNKNOWN'),
  subCategory: z.unknown().optional(),
  message: z.string().default(''),
  context: z.record(z.string(), z.array(z.string())).optional(),
  errors: z.array(z.looseObject({ message: z.string().optional(), context: z.record(z.string(), z.unknown()).optional() })).optional(),
});
export type BatchError = z.infer<typeof batchErrorSchema>;

/** Batch read/create/update/upsert: 200 (all done) or 207 (some failed, see errors). */
export const batchResponseSchema = z.object({
  status: z.string().optional(),
  results: z.array(z.unknown()).default([]),
  numErrors: z.number().int().nonnegative().optional(),
  errors: z.array(batchErrorSchema).default([]),
});
export type BatchResponse = z.infer<typeof batchResponseSchema>;

/** POST /crm/v4/associations/{from}/{to}/batch/read. https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4 */
export const associationReadSchema = z.object({
  results: z.array(z.object({
    from: z.object({ id: z.string() }),
    to: z.array(z.object({
      toObjectId: z.union([z.string(), z.number()]).transform(String),
      associationTypes: z.array(z.looseObject({ typeId: z.number().optional(), label: z.string().nullish(), category: z.string().optional() })).default([]),
    })),
  })).default([]),
  errors: z.array(batchErrorSchema).default([]),
});

/** The error body HubSpot sends with a failed call; every field optional (as the docs warn). */
export const errorBodySchema = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  subCategory: z.unknown().optional(),
  policyName: z.string().optional(),
  errorType: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(z.looseObject({ message: z.string().optional() })).optional(),
});

/** POST /oauth/v1/token. https://developers.hubspot.com/docs/guides/apps/authentication/working-with-oauth */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

const optionSchema = z.looseObject({ value: z.string(), label: z.string().optional(), hidden: z.boolean().optional() });

/** GET /crm/v3/properties/{type}. https://developers.hubspot.com/docs/guides/api/crm/properties */
export const propertySchema = z.looseObject({
  name: z.string(),
  label: z.string().optional(),
  type: z.string(),
  fieldType: z.string().optional(),
  groupName: z.string().optional(),
  options: z.array(optionSchema).default([]),
  hasUniqueValue: z.boolean().optional(),
  hubspotDefined: z.boolean().optional(),
  calculated: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
  modificationMetadata: z.looseObject({ readOnlyValue: z.boolean().optional(), readOnlyDefinition: z.boolean().optional() }).optional(),
});
export type Property = z.infer<typeof propertySchema>;
export const propertiesSchema = z.object({ results: z.array(propertySchema) });
export const groupsSchema = z.object({ results: z.array(z.looseObject({ name: z.string(), label: z.string().optional() })) });

/** GET /crm/v3/pipelines/deals. https://developers.hubspot.com/docs/guides/api/crm/pipelines */
export const stageSchema = z.looseObject({ id: z.string(), label: z.string(), displayOrder: z.number().optional(), metadata: z.record(z.string(), z.unknown()).optional() });
export const pipelineSchema = z.looseObject({ id: z.string(), label: z.string(), stages: z.array(stageSchema).default([]) });
export type Pipeline = z.infer<typeof pipelineSchema>;
export const pipelinesSchema = z.object({ results: z.array(pipelineSchema) });

/** Short, log-safe description of a zod failure: paths and codes, never the values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ');
}
