// Builders and a per-test store for the contract suite. Fixed instants, predictable ids: every assertion can
// name the exact value it expects.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { leadDataSchema } from '../../../src/domain/lead.ts';
import type { Lead, LeadData } from '../../../src/domain/lead.ts';
import { partnerDataSchema } from '../../../src/domain/partner.ts';
import type { Partner, PartnerData } from '../../../src/domain/partner.ts';
import type { IncomingLead, IncomingPartner, Store } from '../../../src/domain/ports.ts';
import type { WriteBack } from '../../../src/domain/write-back.ts';

export type OpenStore = () => Promise<Store>;

export const T0 = new Date('2025-03-03T09:00:00.000Z');
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
export const days = (n: number): number => n * 24 * 60;

export function idGen(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(5, '0')}`;
}

export function leadData(over: Partial<LeadData> = {}): LeadData {
  return leadDataSchema.parse({ company: 'Acme GmbH', email: 'jane@acme.test', country: 'DE', productInterest: ['heat-pump'], ...over });
}

export function incoming(externalId: string, over: Partial<IncomingLead> = {}): IncomingLead {
  return {
    crm: 'salesforce', externalId, data: leadData({ company: `Company ${externalId}` }), contentHash: `hash-${externalId}`,
    crmStamp: '2025-03-01T00:00:00.000Z', crmConverted: false, crmOpportunityId: null, ...over,
  };
}

export function partnerData(over: Partial<PartnerData> = {}): PartnerData {
  return partnerDataSchema.parse({ name: 'Partner', countries: ['DE'], ...over });
}

export function incomingPartner(externalId: string, over: Partial<PartnerData> = {}, hash = `p-${externalId}`): IncomingPartner {
  return { crm: 'salesforce', externalId, data: partnerData({ name: `Partner ${externalId}`, ...over }), contentHash: hash };
}

export function leadWriteBack(lead: Pick<Lead, 'id' | 'externalId'>, comment: string | null = null): WriteBack {
  return {
    target: 'lead', leadId: lead.id, externalId: lead.externalId,
    fields: {
      status: 'reserved', partnerStatus: 'reserved', partnerExternalId: 'P-EXT', partnerName: 'Partner', reservedAt: T0.toISOString(),
      lastFeedback: null, lastFeedbackAt: null, feedbackComment: comment, temperature: 'warm', qualificationReasons: null, feedbackDueAt: null, feedbackState: null,
    },
  };
}

/** A fresh, empty store per test, closed afterwards. */
export function useStore(open: OpenStore): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (store === undefined) throw new Error('store not open');
    return store;
  };
}

export async function seedPartners(store: Store, externalIds: readonly string[]): Promise<Partner[]> {
  await store.partners.upsertMany(externalIds.map((e) => incomingPartner(e)), T0, () => `partner-${randomUUID()}`);
  const out: Partner[] = [];
  for (const e of externalIds) {
    const p = await store.partners.getByExternalId(e);
    if (p === null) throw new Error(`partner ${e} missing`);
    out.push(p);
  }
  return out;
}

export async function seedLeads(store: Store, externalIds: readonly string[], now: Date = T0): Promise<Lead[]> {
  const outcomes = await store.leads.upsertIncoming(externalIds.map((e) => incoming(e)), now, () => `lead-${randomUUID()}`);
  return outcomes.map((o) => o.lead);
}

/** A lifecycle change as a service would make it: new values, version + 1. */
export function bump(lead: Lead, patch: Partial<Lead>, now: Date): Lead {
  return { ...lead, ...patch, updatedAt: now, version: lead.version + 1 };
}
