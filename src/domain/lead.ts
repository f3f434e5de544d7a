// The canonical lead: what every CRM's record becomes after the mapping (src/mapping). The zod schema is the
// single catalogue of canonical fields; mappings name these keys, and `custom.<name>` for anything else.
import { z } from 'zod';

export const temperatures = ['hot', 'warm', 'cold'] as const;
export type Temperature = (typeof temperatures)[number];

export const crmKinds = ['salesforce', 'hubspot'] as const;
export type CrmKind = (typeof crmKinds)[number];

/** A custom value: what a CRM field can carry after transforms. */
export const customValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export type CustomValue = z.infer<typeof customValueSchema>;

const text = z.string().nullable().default(null);
const num = z.number().finite().nullable().default(null);

export const leadDataSchema = z.object({
  firstName: text,
  lastName: text,
  email: text,
  phone: text,
  company: text,
  title: text,
  website: text,
  industry: text,
  employees: num,
  street: text,
  city: text,
  postalCode: text,
  region: text,
  country: text,
  latitude: z.number().min(-90).max(90).nullable().default(null),
  longitude: z.number().min(-180).max(180).nullable().default(null),
  productInterest: z.array(z.string()).default([]),
  budget: num,
  timeframe: text,
  score: num,
  /** Source type as the CRM knows it (e.g. "Demo Request", "Trade Show"): shown to partners with the temperature. */
  source: text,
  campaign: text,
  /** A temperature hint from the CRM (value map on the mapping); qualification rules decide the effective one. */
  temperature: z.enum(temperatures).nullable().default(null),
  remarks: text,
  custom: z.record(z.string(), customValueSchema).default({}),
});
export type LeadData = z.infer<typeof leadDataSchema>;
export type LeadField = Exclude<keyof LeadData, 'custom'>;
export const leadFields = Object.keys(leadDataSchema.shape).filter((k) => k !== 'custom') as LeadField[];

/** Fields a teaser may never show, whatever the config says (glossary: teaser). */
export const contactFields: readonly LeadField[] = ['firstName', 'lastName', 'email', 'phone', 'street', 'title', 'website'];

export const leadStatuses = [
  'new', 'qualified', 'needs_qualification', 'rejected',
  'offered', 'reserved', 'contacted', 'meeting', 'proposal', 'won', 'lost',
  'returned', 'expired', 'withdrawn',
] as const;
export type LeadStatus = (typeof leadStatuses)[number];

export const workingStatuses: readonly LeadStatus[] = ['reserved', 'contacted', 'meeting', 'proposal'];
export const terminalStatuses: readonly LeadStatus[] = ['won', 'lost', 'rejected', 'withdrawn'];

export type QualificationOutcome = 'qualified' | 'needs_qualification' | 'rejected';

/** One reason a decision was taken: the rule's name and what it saw. */
export interface Reason {
  readonly rule: string;
  readonly outcome?: QualificationOutcome;
  readonly message: string;
  readonly fields?: readonly string[];
}

export interface Qualification {
  readonly outcome: QualificationOutcome;
  readonly reasons: readonly Reason[];
  readonly temperature: Temperature;
  readonly decidedAt: Date;
  /** 'rules' or the user id of the qualifier who overrode them. */
  readonly decidedBy: string;
}

export interface Lead {
  readonly id: string;
  readonly crm: CrmKind;
  readonly externalId: string;
  readonly data: LeadData;
  readonly contentHash: string;
  readonly status: LeadStatus;
  readonly statusChangedAt: Date;
  readonly temperature: Temperature;
  readonly qualification: Qualification | null;
  readonly wave: number;
  readonly partnerId: string | null;
  readonly reservedAt: Date | null;
  readonly reservedByUserId: string | null;
  readonly feedbackDueAt: Date | null;
  readonly lastFeedbackAt: Date | null;
  /** CRM change stamp of the version we hold (Salesforce SystemModstamp, HubSpot hs_lastmodifieddate). */
  readonly crmStamp: string;
  /** Converted in the CRM (Salesforce): write-backs go to the opportunity, never to the Lead again. */
  readonly crmConverted: boolean;
  readonly crmOpportunityId: string | null;
  readonly receivedAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

/**
 * Stable content hash input: canonical JSON with sorted keys. The hash itself is computed by the caller
 * (node:crypto lives outside the pure core); this keeps "unchanged record" detection exact.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Read a canonical field or `custom.<name>` from lead data. */
export function leadValue(data: LeadData, path: string): unknown {
  if (path.startsWith('custom.')) return data.custom[path.slice('custom.'.length)] ?? null;
  return (data as Record<string, unknown>)[path] ?? null;
}
