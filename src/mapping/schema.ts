// The mapping file format (mappings/<crm>/*.yaml) as zod schemas: the shape only. Whether targets exist, chains
// make sense and values fit is checked in cross-check.ts, which has the canonical catalogue and gives hints.
// The JSON Schema for editors is generated from `mappingFileSchema` (src/config/write-schemas.ts).
import { z } from 'zod';
import { hubspotConditionSchema } from './hubspot-filter.ts';
import { knownTargets, outboundKeys } from './targets.ts';
import type { Entity } from './targets.ts';
import { transformNames } from './transforms.ts';

/** Salesforce API names (Email, Budget__c, ns__Field__c) and HubSpot property names fit this. */
export const apiNamePattern = /^[A-Za-z][A-Za-z0-9_]*(__c)?$/;
/** A field to read: an API name, or (HubSpot) `<association>.<property>` of an associated record, e.g. company.name. */
export const fromPattern = /^([A-Za-z][A-Za-z0-9_]*\.)?[A-Za-z][A-Za-z0-9_]*(__c)?$/;

export const crmFieldTypes = [
  'Text', 'Number', 'Currency', 'Checkbox', 'Date', 'DateTime', 'Picklist', 'MultiselectPicklist', 'LongTextArea',
  'Email', 'Phone', 'Url', 'Lookup',
] as const;
export type CrmFieldType = (typeof crmFieldTypes)[number];

export const apiNameMessage = 'not a valid CRM field or object API name';
export const apiNameHint = 'letters, digits and _; start with a letter; custom Salesforce fields end in __c';
const apiName = z.string().regex(apiNamePattern, { error: apiNameMessage });
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const condition = z.union([
  z.string().min(1).describe('Salesforce: a SOQL WHERE clause, without WHERE.'),
  hubspotConditionSchema,
]).describe('Which records: a SOQL WHERE clause (Salesforce) or a CRM search filter { filterGroups } (HubSpot).');

export const inboundRuleSchema = z.strictObject({
  from: z.string().regex(fromPattern, { error: apiNameMessage }).describe('The CRM field to read (HubSpot contacts: company.<property> reads the associated company).'),
  transform: z.array(z.enum(transformNames)).default([]).describe('Applied in order: trim, lower, upper, split, number, integer, date, datetime, boolean.'),
  map: z.record(z.string(), scalar).optional().describe('CRM value (after transforms) → canonical value. Lists are mapped per element.'),
  default: z.union([scalar, z.array(z.string())]).optional().describe('Used when the CRM value is empty, or the value map has no entry.'),
  type: z.enum(crmFieldTypes).optional().describe('The field type `leadrelay setup` creates, when it cannot be inferred.'),
});
export type InboundRuleInput = z.infer<typeof inboundRuleSchema>;

export const outboundRuleSchema = z.strictObject({
  to: apiName.describe('The CRM field to write.'),
  values: z.record(z.string(), z.string()).optional().describe('Canonical value → CRM picklist value; unlisted values leave the field alone.'),
  externalId: z.boolean().optional().describe('The field records are upserted by (opportunity leadId).'),
  type: z.enum(crmFieldTypes).optional().describe('The field type `leadrelay setup` creates, when it cannot be inferred.'),
});
export type OutboundRuleInput = z.infer<typeof outboundRuleSchema>;

const statusRuleSchema = z.strictObject({
  to: apiName,
  values: z.record(z.string(), z.string()).describe('Canonical lead status → CRM status value; unlisted statuses leave it alone.'),
});

/** An object whose known keys editors can complete; any other key is kept for cross-check.ts to name. */
function keyed<T extends z.ZodType>(keys: readonly string[], rule: T) {
  return z.object(Object.fromEntries(keys.map((k) => [k, rule.optional()]))).catchall(rule);
}
const fieldsFor = (entity: Entity) => keyed(knownTargets(entity), inboundRuleSchema).describe('canonical field: { from, transform, map, default, type }');
const outboundFor = (entity: Entity) => keyed([...outboundKeys(entity).keys()], outboundRuleSchema).default({});

const common = {
  object: apiName.describe('The CRM object (Salesforce sObject, HubSpot object type).'),
};

export const leadFileSchema = z.strictObject({
  ...common,
  entity: z.literal('lead'),
  mql: condition.describe('Which records are marketing-qualified leads (SOQL condition for Salesforce, search filter for HubSpot).'),
  track: condition.optional().describe('Records already held stay in the pull while this holds.'),
  fields: fieldsFor('lead'),
  outbound: z.strictObject({ fields: outboundFor('lead'), status: statusRuleSchema.optional() }).prefault({}),
});

export const partnerFileSchema = z.strictObject({
  ...common,
  entity: z.literal('partner'),
  where: condition.optional().describe('Which records are partners.'),
  fields: fieldsFor('partner'),
  outbound: z.strictObject({ fields: z.record(z.string(), outboundRuleSchema).default({}) }).prefault({}),
});

export const partnerUserFileSchema = z.strictObject({
  ...common,
  entity: z.literal('partner-user'),
  where: condition.optional().describe('Which records are partner users.'),
  fields: fieldsFor('partner-user'),
});

export const opportunityFileSchema = z.strictObject({
  ...common,
  entity: z.literal('opportunity'),
  mode: z.enum(['create', 'convert']).default('create').describe('create: upsert by external id; convert: convert the lead.'),
  convertedStatus: z.string().min(1).optional().describe('The lead status a conversion uses (mode: convert).'),
  pipeline: z.string().min(1).optional().describe('HubSpot: the deal pipeline (label or id) deals are created in; setup creates it.'),
  stages: z.record(z.string(), z.string().min(1)).describe('Canonical stage (meeting, proposal, won, lost, contacted) → CRM stage value.'),
  outbound: z.strictObject({ fields: outboundFor('opportunity') }).prefault({}),
});

export const mappingFileSchema = z
  .discriminatedUnion('entity', [leadFileSchema, partnerFileSchema, partnerUserFileSchema, opportunityFileSchema])
  .meta({ title: 'leadrelay mapping file', description: 'CRM fields <-> canonical fields, one CRM object per file.' });
export type MappingFile = z.infer<typeof mappingFileSchema>;
