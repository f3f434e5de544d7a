// Write-back fixtures: full snapshots as the outbox sends them.
import type { LeadWriteBack, OpportunityWriteBack, WriteBack } from '../../../src/domain/write-back.ts';
import type { LeadMapping, LoadedMappings } from '../../../src/mapping/index.ts';

export function leadSnapshot(over: Partial<LeadWriteBack> = {}): LeadWriteBack {
  return {
    status: 'offered', partnerStatus: 'offered', partnerExternalId: null, partnerName: null, reservedAt: null,
    lastFeedback: null, lastFeedbackAt: null, feedbackComment: null, temperature: 'warm', qualificationReasons: null, feedbackDueAt: null, feedbackState: null, ...over,
  };
}

export function leadWrite(externalId: string, over: Partial<LeadWriteBack> = {}): WriteBack {
  return { target: 'lead', leadId: `lr-${externalId}`, externalId, fields: leadSnapshot(over) };
}

export function opportunityWrite(externalId: string, over: Partial<OpportunityWriteBack> = {}): WriteBack {
  const leadId = `lr-${externalId}`;
  return {
    target: 'opportunity', leadId, externalId,
    fields: {
      leadId, leadExternalId: externalId, name: `Acme – heat pump (${externalId.slice(-4)})`, stage: 'meeting', amount: 12000,
      closeDate: '2025-09-30', partnerExternalId: null, lostReason: null, description: null, ...over,
    },
  };
}

/** The repo mappings with the partner status map sending a value the (restricted) picklist does not have. */
export function withBadPartnerStatus(m: LoadedMappings, canonical: string, value: string): LoadedMappings {
  const lead: LeadMapping = {
    ...m.lead,
    outbound: m.lead.outbound.map((r) => (r.key === 'partnerStatus' && r.values !== null ? { ...r, values: { ...r.values, [canonical]: value } } : r)),
  };
  return { ...m, lead };
}

export function convertMode(m: LoadedMappings): LoadedMappings {
  return { ...m, opportunity: { ...m.opportunity, mode: 'convert' } };
}
