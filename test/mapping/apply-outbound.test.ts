import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadStatuses, temperatures } from '../../src/domain/lead.ts';
import { feedbackStatuses } from '../../src/domain/offer.ts';
import { feedbackStates, opportunityStages, partnerStatusOf } from '../../src/domain/write-back.ts';
import type { LeadWriteBack, OpportunityWriteBack } from '../../src/domain/write-back.ts';
import { mapLeadOutbound, mapOpportunityOutbound, mapPartnerOutbound, opportunityStageValue, outboundSource } from '../../src/mapping/apply-outbound.ts';
import { loadShipped, loadWith } from './helpers.ts';

const m = loadShipped();

const wb: LeadWriteBack = {
  status: 'reserved', partnerStatus: 'reserved', partnerExternalId: '001P', partnerName: 'Heat & Co',
  reservedAt: '2024-05-01T10:00:00.000Z', lastFeedback: null, lastFeedbackAt: null, feedbackComment: null,
  temperature: 'hot', qualificationReasons: null, feedbackDueAt: '2024-05-03T10:00:00.000Z', feedbackState: 'reminded',
};

describe('mapLeadOutbound', () => {
  it('writes every mapped key, translating values and writing nulls as null', () => {
    expect(mapLeadOutbound(m.lead, wb)).toEqual({
      LeadRelay_Partner_Status__c: 'Reserved', LeadRelay_Partner__c: '001P', LeadRelay_Partner_Name__c: 'Heat & Co',
      LeadRelay_Reserved_At__c: '2024-05-01T10:00:00.000Z', LeadRelay_Last_Feedback__c: null, LeadRelay_Last_Feedback_At__c: null,
      LeadRelay_Feedback_Comment__c: null, LeadRelay_Temperature__c: 'hot', LeadRelay_Qualification_Reasons__c: null,
      LeadRelay_Feedback_Due_At__c: '2024-05-03T10:00:00.000Z', LeadRelay_Feedback_State__c: 'Reminder Sent',
      Status: 'Sales Accepted',
    });
  });

  it('leaves Lead Status alone for statuses the map does not list', () => {
    const out = mapLeadOutbound(m.lead, { ...wb, status: 'offered', partnerStatus: 'offered' });
    expect(out).not.toHaveProperty('Status');
    expect(out['LeadRelay_Partner_Status__c']).toBe('Offered');
  });

  it('writes the date part to a Date-typed field', () => {
    const lead = loadWith({}).lead;
    const typed = { ...lead, outbound: lead.outbound.map((r) => (r.key === 'reservedAt' ? { ...r, type: 'Date' as const } : r)) };
    expect(mapLeadOutbound(typed, wb)['LeadRelay_Reserved_At__c']).toBe('2024-05-01');
  });

  it('round-trips: every field is the write-back value or its translation, and nothing else is written (property)', () => {
    const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
    const arbWb = fc.record({
      status: fc.constantFrom(...leadStatuses), partnerExternalId: nullable(fc.string()), partnerName: nullable(fc.string()),
      reservedAt: nullable(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), lastFeedback: nullable(fc.constantFrom(...feedbackStatuses)),
      lastFeedbackAt: nullable(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), feedbackComment: nullable(fc.string()),
      temperature: fc.constantFrom(...temperatures), qualificationReasons: nullable(fc.string()),
      feedbackDueAt: nullable(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), feedbackState: nullable(fc.constantFrom(...feedbackStates)),
    }).map((r): LeadWriteBack => ({ ...r, partnerStatus: partnerStatusOf(r.status) }));
    fc.assert(fc.property(arbWb, (w) => {
      const out = mapLeadOutbound(m.lead, w);
      const record = w as unknown as Record<string, unknown>;
      for (const rule of m.lead.outbound) {
        const v = record[rule.key];
        if (rule.values === null || v === null) expect(out[rule.to]).toEqual(v);
        else expect(out[rule.to]).toBe(rule.values[v as string]);
      }
      const status = m.lead.status;
      if (status !== null) expect(out[status.to]).toBe(status.values[w.status]);
      const allowed = new Set([...m.lead.outbound.map((r) => r.to), status?.to]);
      expect(Object.keys(out).every((k) => allowed.has(k))).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('mapOpportunityOutbound', () => {
  const opp: OpportunityWriteBack = {
    leadId: 'lr_1', leadExternalId: '00Q1', name: 'Acme – Heat Pumps', stage: 'won', amount: 12000, closeDate: '2024-06-30',
    partnerExternalId: '001P', lostReason: null, description: null,
  };

  it('maps stages through `stages` and upserts by the external id field', () => {
    expect(mapOpportunityOutbound(m.opportunity, opp)).toEqual({
      LeadRelay_Lead_Id__c: 'lr_1', LeadRelay_Lead__c: '00Q1', Name: 'Acme – Heat Pumps', StageName: 'Closed Won', Amount: 12000,
      CloseDate: '2024-06-30', LeadRelay_Partner__c: '001P', LeadRelay_Lost_Reason__c: null, Description: null,
    });
  });

  it('leaves the stage out for stages that make no opportunity', () => {
    expect(mapOpportunityOutbound(m.opportunity, { ...opp, stage: 'contacted' })).not.toHaveProperty('StageName');
    expect(opportunityStageValue(m.opportunity, 'contacted')).toBeNull();
    for (const s of opportunityStages.filter((x) => x !== 'contacted')) expect(opportunityStageValue(m.opportunity, s)).not.toBeNull();
  });
});

describe('outboundSource and partner outbound', () => {
  it('names the mapping line that writes a CRM field', () => {
    const rule = m.lead.outbound.find((r) => r.key === 'partnerStatus');
    expect(outboundSource(m.lead, 'leadrelay_partner_status__c')).toBe(`mappings/salesforce/lead.yaml:${rule?.line}`);
    expect(outboundSource(m.lead, 'Status')).toBe(m.lead.status?.source);
    expect(outboundSource(m.opportunity, 'StageName')).toBe(`mappings/salesforce/opportunity.yaml:${m.opportunity.stagesLine}`);
    expect(outboundSource(m.lead, 'Nope__c')).toBeUndefined();
  });

  it('writes only the partner KPIs the mapping lists', () => {
    const p = loadWith({ 'partner.yaml': 'object: Account\nentity: partner\nfields:\n  name: { from: Name }\noutbound:\n  fields:\n    conversionRate: { to: LR_CR__c }\n' }).partner;
    expect(mapPartnerOutbound(p, { conversionRate: 0.4, other: 1 })).toEqual({ LR_CR__c: 0.4 });
  });
});
