// zod schemas for every Salesforce payload the connector reads (CONVENTIONS rule 3): validated at the boundary,
// only `z.infer` types inside. Rows are loose objects: the mapped fields vary with the mapping and are checked by
// src/mapping; here we pin the system fields the sync logic itself relies on.
import { z } from 'zod';

/** 15- or 18-character record id. https://help.salesforce.com/s/articleView?id=000385585&type=1 */
export const sfId = z.string().regex(/^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$/, 'not a Salesforce record id');

/** Salesforce datetimes: `2024-05-20T20:49:32.000+0000` (second precision, numeric offset without colon). */
export const sfDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/, 'not a Salesforce datetime');

/** OAuth 2.0 token response. https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_endpoints.htm */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  instance_url: z.string().url(),
  /** Identity URL `.../id/<orgId>/<userId>`. */
  id: z.string().regex(/\/id\/[^/]+\/[^/]+$/, 'identity URL must end in /id/<orgId>/<userId>'),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
  signature: z.string().optional(),
  scope: z.string().optional(),
  /** Only on grants that issue one, or when the Connected App rotates refresh tokens. */
  refresh_token: z.string().min(1).optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** One page of /query or /queryAll. https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm */
export const queryPageSchema = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  nextRecordsUrl: z.string().startsWith('/').optional(),
  records: z.array(z.unknown()),
}).refine((p) => p.done || p.nextRecordsUrl !== undefined, { message: 'a page that is not done must carry nextRecordsUrl' });
export type QueryPage = z.infer<typeof queryPageSchema>;

/** System fields every pulled Lead row must carry (we select them ourselves). */
export const leadRowSchema = z.looseObject({
  Id: sfId,
  SystemModstamp: sfDateTime,
  IsDeleted: z.boolean(),
  MasterRecordId: sfId.nullable().optional(),
  IsConverted: z.boolean(),
  ConvertedOpportunityId: sfId.nullable().optional(),
});
export type LeadRow = z.infer<typeof leadRowSchema>;

export const partnerRowSchema = z.looseObject({ Id: sfId, SystemModstamp: sfDateTime });
export type PartnerRow = z.infer<typeof partnerRowSchema>;

export const leadConversionRowSchema = z.looseObject({ Id: sfId, IsConverted: z.boolean(), ConvertedOpportunityId: sfId.nullable().optional() });

/** Per-record error of sObject Collections, convertLead and the Metadata API (`statusCode`; jsforce types say `errorCode`). */
export const recordErrorSchema = z.object({
  statusCode: z.string().optional(),
  errorCode: z.string().optional(),
  message: z.string().default(''),
  fields: z.union([z.array(z.string()), z.string()]).nullish().transform((f) => (f === null || f === undefined ? [] : Array.isArray(f) ? f : [f])),
}).transform((e) => ({ code: e.statusCode ?? e.errorCode ?? 'UNKNOWN', message: e.message, fields: e.fields }));
export type RecordError = z.infer<typeof recordErrorSchema>;

const errorList = z.union([z.array(recordErrorSchema), recordErrorSchema.transform((e) => [e])]).nullish().transform((e) => e ?? []);

/** sObject Collections result, one per record, in request order. https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm */
export const saveResultSchema = z.object({
  id: z.string().nullish(),
  success: z.boolean(),
  created: z.boolean().optional(),
  errors: errorList,
});
export type SaveResult = z.infer<typeof saveResultSchema>;
export const saveResultsSchema = z.array(saveResultSchema);

/** SOAP LeadConvertResult as jsforce casts it. https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead_leadconvertresult.htm */
export const convertResultSchema = z.object({
  leadId: z.string().nullish(),
  opportunityId: z.string().nullish(),
  accountId: z.string().nullish(),
  contactId: z.string().nullish(),
  success: z.union([z.boolean(), z.string().transform((s) => s === 'true')]),
  errors: errorList,
});
export type ConvertResult = z.infer<typeof convertResultSchema>;

const picklistValueSchema = z.looseObject({ value: z.string(), label: z.string().nullish(), active: z.boolean().optional() });

/** The parts of a describe the connector and the mapping check use. */
export const describeFieldSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  label: z.string().optional(),
  length: z.number().optional(),
  custom: z.boolean().optional(),
  nillable: z.boolean().optional(),
  createable: z.boolean().optional(),
  updateable: z.boolean().optional(),
  externalId: z.boolean().optional(),
  restrictedPicklist: z.boolean().optional(),
  picklistValues: z.array(picklistValueSchema).nullish(),
});
export const describeSchema = z.looseObject({ name: z.string(), fields: z.array(describeFieldSchema) });
export type Describe = z.infer<typeof describeSchema>;
export type DescribeField = z.infer<typeof describeFieldSchema>;

/** Metadata API SaveResult (createMetadata / updateMetadata). */
export const metadataSaveResultSchema = z.object({
  fullName: z.string().nullish(),
  success: z.union([z.boolean(), z.string().transform((s) => s === 'true')]),
  errors: errorList,
});
export type MetadataSaveResult = z.infer<typeof metadataSaveResultSchema>;

const valueDef = z.looseObject({ fullName: z.string(), label: z.string().nullish(), default: z.unknown().optional() });

/** readMetadata('StandardValueSet'): a missing name comes back as a record without fullName. */
export const standardValueSetSchema = z.looseObject({
  fullName: z.string().nullish(),
  sorted: z.unknown().optional(),
  standardValue: z.union([z.array(valueDef), valueDef.transform((v) => [v])]).nullish().transform((v) => v ?? []),
});
export type StandardValueSetRead = z.infer<typeof standardValueSetSchema>;

/** readMetadata('CustomField'): only the picklist part matters (adding values to a custom picklist). */
export const customFieldReadSchema = z.looseObject({
  fullName: z.string().nullish(),
  valueSet: z.looseObject({
    valueSetDefinition: z.looseObject({
      value: z.union([z.array(valueDef), valueDef.transform((v) => [v])]).nullish().transform((v) => v ?? []),
    }).nullish(),
  }).nullish(),
});
export type CustomFieldRead = z.infer<typeof customFieldReadSchema>;

/** Short, log-safe description of a zod failure: paths and codes, never the values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ');
}
