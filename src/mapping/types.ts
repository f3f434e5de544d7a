// Loaded, validated mappings: what the connectors and services use. Every rule keeps its file and line so a
// failing value (quarantine) or a rejected write (CRM error) can say which mapping line caused it.
import type { ConfigIssue } from '../config/issues.ts';
import type { CrmKind } from '../domain/lead.ts';
import type { HubSpotFilterGroup } from './hubspot-filter.ts';
import type { CrmFieldType } from './schema.ts';
import type { TargetInfo } from './targets.ts';
import type { TransformName } from './transforms.ts';

export type MappingIssue = ConfigIssue;

export type MapValue = string | number | boolean | null;

export interface InboundRule {
  /** Canonical target: a field name, `custom.<name>` (lead) or `attributes.<name>` (partner). */
  readonly target: string;
  readonly targetInfo: TargetInfo;
  /** The CRM field read. */
  readonly from: string;
  readonly transforms: readonly TransformName[];
  readonly map: Readonly<Record<string, MapValue>> | null;
  /** Present only when the file declares `default:` (null is a declared default). */
  readonly default?: MapValue | readonly string[];
  readonly type: CrmFieldType | null;
  readonly line: number | null;
  /** `file:line`, for quarantine reasons. */
  readonly source: string;
}

export interface OutboundRule {
  /** Canonical key of the write-back (LeadWriteBack / OpportunityWriteBack key, or a partner KPI name). */
  readonly key: string;
  readonly to: string;
  readonly values: Readonly<Record<string, string>> | null;
  readonly externalId: boolean;
  readonly type: CrmFieldType | null;
  readonly line: number | null;
  readonly source: string;
}

export interface StatusRule {
  readonly to: string;
  readonly values: Readonly<Record<string, string>>;
  readonly line: number | null;
  readonly source: string;
}

export interface Condition {
  /** Salesforce: the SOQL WHERE clause; HubSpot: a readable rendering of the filter. */
  readonly text: string;
  /** HubSpot: the search filter groups as sent to the API; null for Salesforce. */
  readonly filterGroups: readonly HubSpotFilterGroup[] | null;
  readonly line: number | null;
}

interface MappingBase {
  readonly crm: CrmKind;
  readonly file: string;
  readonly object: string;
  readonly objectLine: number | null;
  /** The CRM fields to read: every `from` of this mapping, once each, in file order. */
  selectFields(): string[];
}

export interface LeadMapping extends MappingBase {
  readonly entity: 'lead';
  readonly mql: Condition;
  readonly track: Condition | null;
  readonly fields: readonly InboundRule[];
  readonly outbound: readonly OutboundRule[];
  readonly status: StatusRule | null;
}

export interface PartnerMapping extends MappingBase {
  readonly entity: 'partner';
  readonly where: Condition | null;
  readonly fields: readonly InboundRule[];
  readonly outbound: readonly OutboundRule[];
}

export interface PartnerUserMapping extends MappingBase {
  readonly entity: 'partner-user';
  readonly where: Condition | null;
  readonly fields: readonly InboundRule[];
}

export interface OpportunityMapping extends MappingBase {
  readonly entity: 'opportunity';
  readonly mode: 'create' | 'convert';
  readonly convertedStatus: string | null;
  /** HubSpot: the deal pipeline (label or id) deals are created in. */
  readonly pipeline: string | null;
  /** Canonical opportunity stage → CRM stage value; stages not listed make no opportunity. */
  readonly stages: Readonly<Record<string, string>>;
  readonly stagesLine: number | null;
  readonly outbound: readonly OutboundRule[];
}

export type AnyMapping = LeadMapping | PartnerMapping | PartnerUserMapping | OpportunityMapping;

export interface LoadedMappings {
  readonly crm: CrmKind;
  readonly dir: string;
  readonly lead: LeadMapping;
  readonly partner: PartnerMapping;
  readonly partnerUser: PartnerUserMapping | null;
  readonly opportunity: OpportunityMapping;
}

export type MappingsResult = { readonly ok: true; readonly value: LoadedMappings } | { readonly ok: false; readonly issues: MappingIssue[] };
