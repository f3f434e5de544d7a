// The mapping module's public surface: load + validate mapping files, apply them in both directions, and tell
// the connectors what the CRM must have (setup) and whether it has it (describe check).
export { loadMappings } from './load.ts';
export type { LoadMappingsOptions } from './load.ts';
export { mapLead, mapPartner, mapPartnerUser } from './apply-inbound.ts';
export type { MapResult, PartnerUserData } from './apply-inbound.ts';
export { mapLeadOutbound, mapOpportunityOutbound, mapPartnerOutbound, opportunityStageValue, outboundSource } from './apply-outbound.ts';
export { requiredCrmFields, isCustomField } from './required-fields.ts';
export type { FieldSpec, FieldUsage, RequiredCrmField, RequiredCrmObject } from './required-fields.ts';
export { checkAgainstDescribe } from './describe-check.ts';
export type { DescribeField, DescribeResult } from './describe-check.ts';
export { mappingFileSchema, crmFieldTypes } from './schema.ts';
export type { CrmFieldType, MappingFile } from './schema.ts';
export { transformNames } from './transforms.ts';
export type { TransformName } from './transforms.ts';
export type {
  AnyMapping, Condition, InboundRule, LeadMapping, LoadedMappings, MappingIssue, MappingsResult, OpportunityMapping,
  OutboundRule, PartnerMapping, PartnerUserMapping, StatusRule,
} from './types.ts';
