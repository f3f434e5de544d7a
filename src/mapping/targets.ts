// The canonical side of a mapping: which targets exist and what kind of value each takes. Derived from the
// domain zod schemas (leadDataSchema, partnerDataSchema), so a new canonical field needs no change here.
// Also the catalogue of outbound keys (LeadWriteBack / OpportunityWriteBack) with their value domains.
import { leadDataSchema, leadStatuses, temperatures } from '../domain/lead.ts';
import { feedbackStatuses } from '../domain/offer.ts';
import { partnerDataSchema } from '../domain/partner.ts';
import { feedbackStates, opportunityStages, partnerStatuses } from '../domain/write-back.ts';
import type { LeadWriteBack, OpportunityWriteBack } from '../domain/write-back.ts';

export const entities = ['lead', 'partner', 'partner-user', 'opportunity'] as const;
export type Entity = (typeof entities)[number];

/** What a target accepts after transforms and value maps. `any` = a custom value (text, number, flag or list). */
export type TargetKind = 'text' | 'number' | 'integer' | 'boolean' | 'list' | 'enum' | 'any';

export interface TargetInfo {
  readonly kind: TargetKind;
  /** Allowed values of an enum target. */
  readonly values?: readonly string[];
  /** The canonical record cannot exist without it (partner name, partner-user email). */
  readonly required: boolean;
}

interface Def { readonly type: string; readonly innerType?: Wrapped; readonly entries?: Record<string, string>; readonly element?: Wrapped }
interface Wrapped { readonly _zod: { readonly def: Def; readonly bag?: { readonly format?: string } } }

/** Read a field's kind off its zod schema: unwrap default/nullable, look at the base type. */
function infoOf(schema: Wrapped): TargetInfo {
  let s = schema;
  let required = true;
  while (['default', 'nullable', 'optional', 'prefault'].includes(s._zod.def.type) && s._zod.def.innerType !== undefined) {
    required = false;
    s = s._zod.def.innerType;
  }
  const def = s._zod.def;
  switch (def.type) {
    case 'string':
      return { kind: 'text', required };
    case 'number':
      return { kind: s._zod.bag?.format === 'safeint' ? 'integer' : 'number', required };
    case 'boolean':
      return { kind: 'boolean', required };
    case 'array':
      return { kind: 'list', required };
    case 'enum':
      return { kind: 'enum', values: Object.values(def.entries ?? {}), required };
    default:
      return { kind: 'any', required };
  }
}

function catalogue(shape: Record<string, unknown>, skip: string): ReadonlyMap<string, TargetInfo> {
  return new Map(Object.entries(shape).filter(([k]) => k !== skip).map(([k, s]) => [k, infoOf(s as Wrapped)]));
}

const leadTargets = catalogue(leadDataSchema.shape, 'custom');
const partnerTargets = catalogue(partnerDataSchema.shape, 'attributes');
const partnerUserTargets: ReadonlyMap<string, TargetInfo> = new Map([
  ['partnerExternalId', { kind: 'text', required: true }],
  ['email', { kind: 'text', required: true }],
  ['name', { kind: 'text', required: false }],
]);

/** `custom.<name>` (lead) / `attributes.<name>` (partner): the name becomes a key in the canonical record. */
export const extraPrefix: Readonly<Record<Entity, string | null>> = {
  lead: 'custom', partner: 'attributes', 'partner-user': null, opportunity: null,
};
const extraName = /^[A-Za-z][A-Za-z0-9_]*$/;

export function knownTargets(entity: Entity): string[] {
  const base = entity === 'lead' ? leadTargets : entity === 'partner' ? partnerTargets : entity === 'partner-user' ? partnerUserTargets : new Map();
  return [...base.keys()];
}

/** The target's kind, or a reason it does not exist. */
export function targetInfo(entity: Entity, target: string): TargetInfo | { readonly error: string } {
  const prefix = extraPrefix[entity];
  if (prefix !== null && target.startsWith(`${prefix}.`)) {
    const name = target.slice(prefix.length + 1);
    return extraName.test(name) ? { kind: 'any', required: false } : { error: `'${name}' is not a valid ${prefix} name (letters, digits, _; starting with a letter)` };
  }
  const base = entity === 'lead' ? leadTargets : entity === 'partner' ? partnerTargets : entity === 'partner-user' ? partnerUserTargets : undefined;
  const info = base?.get(target);
  return info ?? { error: `unknown canonical field '${target}'` };
}

// ---------------------------------------------------------------- outbound

export interface OutboundKeyInfo {
  /** The canonical values a `values` map may translate; undefined = free value (no `values` allowed). */
  readonly values?: readonly string[];
  readonly kind: 'text' | 'currency' | 'date' | 'datetime' | 'longtext' | 'id';
}

// `satisfies` + the exhaustiveness checks below keep these lists in step with the domain interfaces.
const leadOutbound = {
  status: { kind: 'text', values: leadStatuses },
  partnerStatus: { kind: 'text', values: partnerStatuses },
  partnerExternalId: { kind: 'id' },
  partnerName: { kind: 'text' },
  reservedAt: { kind: 'datetime' },
  lastFeedback: { kind: 'text', values: feedbackStatuses },
  lastFeedbackAt: { kind: 'datetime' },
  feedbackComment: { kind: 'longtext' },
  temperature: { kind: 'text', values: temperatures },
  qualificationReasons: { kind: 'longtext' },
  feedbackDueAt: { kind: 'datetime' },
  feedbackState: { kind: 'text', values: feedbackStates },
} as const satisfies Record<keyof LeadWriteBack, OutboundKeyInfo>;

const opportunityOutbound = {
  leadId: { kind: 'text' },
  leadExternalId: { kind: 'id' },
  name: { kind: 'text' },
  // Stage values come from the mapping's `stages`, not from a `values` map on this key.
  stage: { kind: 'text' },
  amount: { kind: 'currency' },
  closeDate: { kind: 'date' },
  partnerExternalId: { kind: 'id' },
  lostReason: { kind: 'text' },
  description: { kind: 'longtext' },
} as const satisfies Record<keyof OpportunityWriteBack, OutboundKeyInfo>;

type MissingLead = Exclude<keyof LeadWriteBack, keyof typeof leadOutbound>;
type MissingOpportunity = Exclude<keyof OpportunityWriteBack, keyof typeof opportunityOutbound>;
const exhaustive: [MissingLead, MissingOpportunity] extends [never, never] ? true : never = true;
void exhaustive;

export function outboundKeys(entity: Entity): ReadonlyMap<string, OutboundKeyInfo> {
  if (entity === 'lead') return new Map(Object.entries(leadOutbound));
  if (entity === 'opportunity') return new Map(Object.entries(opportunityOutbound));
  return new Map();
}

export { leadStatuses, opportunityStages, partnerStatuses };
