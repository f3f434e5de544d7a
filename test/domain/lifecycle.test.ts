import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Lead, LeadStatus } from '../../src/domain/lead.ts';
import { leadDataSchema, leadStatuses } from '../../src/domain/lead.ts';
import {
  applyFeedback, applyQualification, canTransition, markExpired, markOffered, reserveLead, revokeLead, withdrawLead,
} from '../../src/domain/lifecycle.ts';
import { feedbackStatuses } from '../../src/domain/offer.ts';
import { leadWriteBackFor, partnerStatusOf } from '../../src/domain/write-back.ts';

const t0 = new Date('2026-11-02T09:00:00Z');
const t1 = new Date('2026-11-02T10:00:00Z');

export function makeLead(status: LeadStatus, over: Partial<Lead> = {}): Lead {
  return {
    id: 'L1', crm: 'salesforce', externalId: '00Q000000000001AAA', data: leadDataSchema.parse({ company: 'Acme' }), contentHash: 'h',
    status, statusChangedAt: t0, temperature: 'warm', qualification: null, wave: 0, partnerId: null, reservedAt: null,
    reservedByUserId: null, feedbackDueAt: null, lastFeedbackAt: null, crmStamp: '2026-11-02T08:00:00.000Z', crmConverted: false,
    crmOpportunityId: null, receivedAt: t0, updatedAt: t0, version: 1, ...over,
  };
}

describe('lead lifecycle', () => {
  it('walks new → qualified → offered → reserved → meeting → proposal → won', () => {
    let lead = makeLead('new');
    const q = applyQualification(lead, { outcome: 'qualified', reasons: [{ rule: 'all', message: 'ok' }], temperature: 'hot', decidedAt: t1, decidedBy: 'rules' }, t1);
    expect(q.ok && q.value.status).toBe('qualified');
    lead = q.ok ? q.value : lead;
    expect(lead.temperature).toBe('hot');
    const o = markOffered(lead, 1, t1);
    lead = o.ok ? o.value : lead;
    expect(lead).toMatchObject({ status: 'offered', wave: 1 });
    const due = new Date('2026-11-04T10:00:00Z');
    const r = reserveLead(lead, 'P1', 'U1', t1, due);
    lead = r.ok ? r.value : lead;
    expect(lead).toMatchObject({ status: 'reserved', partnerId: 'P1', reservedAt: t1, feedbackDueAt: due });
    for (const s of ['meeting', 'proposal', 'won'] as const) {
      const f = applyFeedback(lead, s, t1, due);
      expect(f.ok).toBe(true);
      lead = f.ok ? f.value : lead;
      expect(lead.status).toBe(s);
    }
    expect(lead.feedbackDueAt).toBeNull();
  });

  it('refuses transitions the table does not allow, with a coded error and no throw', () => {
    const r = reserveLead(makeLead('needs_qualification'), 'P1', null, t1, t1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'LEAD.INVALID_TRANSITION', meta: { from: 'needs_qualification', to: 'reserved' } });
    expect(applyFeedback(makeLead('offered'), 'contacted', t1, null).ok).toBe(false);
    expect(withdrawLead(makeLead('won'), t1).ok).toBe(false);
    expect(markExpired(makeLead('reserved'), t1).ok).toBe(false);
  });

  it('not reachable keeps the stage but counts as feedback; returned frees the lead', () => {
    const held = makeLead('contacted', { partnerId: 'P1', reservedAt: t0 });
    const nr = applyFeedback(held, 'not_reachable', t1, t1);
    expect(nr.ok && nr.value).toMatchObject({ status: 'contacted', lastFeedbackAt: t1 });
    const ret = applyFeedback(held, 'returned', t1, t1);
    expect(ret.ok && ret.value).toMatchObject({ status: 'returned', partnerId: null, feedbackDueAt: null });
  });

  it('revocation sends a reserved lead back to be offered again', () => {
    const r = revokeLead(makeLead('meeting', { partnerId: 'P1', reservedAt: t0, feedbackDueAt: t0 }), t1);
    expect(r.ok && r.value).toMatchObject({ status: 'qualified', partnerId: null, feedbackDueAt: null });
  });

  it('every transition result respects the table (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...leadStatuses), fc.constantFrom(...feedbackStatuses), (status, fb) => {
      const lead = makeLead(status, { partnerId: 'P1' });
      const r = applyFeedback(lead, fb, t1, t1);
      if (r.ok && r.value.status !== lead.status) expect(canTransition(lead.status, r.value.status)).toBe(true);
      const w = withdrawLead(lead, t1);
      if (w.ok && w.value.status !== lead.status) expect(canTransition(lead.status, 'withdrawn')).toBe(true);
    }));
  });
});

describe('write-back snapshots', () => {
  it('carry the partner, the last feedback and the partner status the CRM should show', () => {
    const lead = makeLead('proposal', { partnerId: 'P1', reservedAt: t0 });
    const wb = leadWriteBackFor(lead, { externalId: '001P', name: 'Solar Süd GmbH' }, { status: 'proposal', at: t1, comment: 'sent' });
    expect(wb).toEqual({
      status: 'proposal', partnerStatus: 'proposal', partnerExternalId: '001P', partnerName: 'Solar Süd GmbH',
      reservedAt: t0.toISOString(), lastFeedback: 'proposal', lastFeedbackAt: t1.toISOString(), feedbackComment: 'sent',
      temperature: 'warm', qualificationReasons: null, feedbackDueAt: null, feedbackState: null,
    });
  });

  it('say why a lead waits in the qualification queue', () => {
    const lead = makeLead('needs_qualification', {
      qualification: { outcome: 'needs_qualification', reasons: [{ rule: 'required', message: 'country is missing' }], temperature: 'warm', decidedAt: t1, decidedBy: 'rules' },
    });
    expect(leadWriteBackFor(lead, null, null).qualificationReasons).toBe('required: country is missing');
    expect(partnerStatusOf('expired')).toBe('unclaimed');
    expect(partnerStatusOf('new')).toBe('needs_qualification');
  });
});
