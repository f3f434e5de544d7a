import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeadData } from '../../src/domain/lead.ts';
import { leadDataSchema } from '../../src/domain/lead.ts';
import { contentHash, DAY } from '../../src/services/context.ts';
import { qualifyNewLeads } from '../../src/services/qualify-leads.ts';
import type { TestContext } from '../support/context.ts';
import { testContext } from '../support/context.ts';

const lead = (over: Partial<LeadData>): LeadData => leadDataSchema.parse({
  company: 'Huber Haustechnik GmbH', country: 'DE', productInterest: ['heat-pump'], email: 'anna.huber@huber-ht.test', ...over,
});

describe('duplicate leads', () => {
  let t: TestContext;
  beforeEach(async () => { t = await testContext(); });
  afterEach(async () => { await t.close(); });

  const ingest = async (externalId: string, data: LeadData) => {
    const [o] = await t.store.leads.upsertIncoming([{
      crm: 'salesforce', externalId, data, contentHash: contentHash(data), crmStamp: t.clock.now().toISOString(), crmConverted: false, crmOpportunityId: null,
    }], t.clock.now(), () => `lead-${externalId}`);
    return o!.lead;
  };

  it('attaches a lead of the same person to the open original and tells the CRM why', async () => {
    const first = await ingest('00Q1', lead({}));
    await qualifyNewLeads(t.ctx);
    t.clock.advance(3 * DAY);
    // Same email in another case, a different company spelling: still the same person.
    const second = await ingest('00Q2', lead({ email: 'Anna.Huber@huber-ht.test', company: 'Huber HT' }));
    const other = await ingest('00Q3', lead({ email: 'someone@else.test', company: 'Meier Bau AG', phone: null }));
    const sum = await qualifyNewLeads(t.ctx);
    expect(sum).toEqual({ qualified: 1, needs_qualification: 0, rejected: 1 });
    const dup = (await t.store.leads.get(second.id))!;
    expect(dup.status).toBe('rejected');
    expect(dup.qualification?.reasons[0]).toMatchObject({ rule: 'duplicate', message: expect.stringContaining(`lead ${first.id}`) as unknown });
    expect((await t.store.leads.get(other.id))!.status).toBe('qualified');
    const history = await t.store.events.listByLead(first.id);
    expect(history.find((e) => e.type === 'updated')?.data).toMatchObject({ duplicate: second.id, kinds: ['email'] });
    const pending = await t.store.outbox.due(t.clock.now(), 10);
    const wb = pending.find((i) => i.writeBack.target === 'lead' && i.writeBack.leadId === second.id)?.writeBack;
    expect(wb?.target === 'lead' && wb.fields).toMatchObject({ partnerStatus: 'rejected', qualificationReasons: expect.stringMatching(/^duplicate: Same email/) as unknown });
  });

  it('does not attach outside the window or to a closed lead', async () => {
    const first = await ingest('00Q1', lead({}));
    await qualifyNewLeads(t.ctx);
    t.clock.advance(91 * DAY);
    await ingest('00Q2', lead({}));
    expect(await qualifyNewLeads(t.ctx)).toEqual({ qualified: 1, needs_qualification: 0, rejected: 0 });
    const closed = (await t.store.leads.get(first.id))!;
    expect(await t.store.leads.save({ ...closed, status: 'withdrawn', version: closed.version + 1 })).toBe(true);
    t.clock.advance(DAY);
    await ingest('00Q3', lead({ phone: '+49 89 1234567' }));
    const sum = await qualifyNewLeads(t.ctx);
    // 00Q2 is open and within the window: 00Q3 attaches to it, not to the withdrawn original.
    expect(sum.rejected).toBe(1);
    const third = (await t.store.leads.getByExternalId('salesforce', '00Q3'))!;
    expect(third.qualification?.reasons[0]?.message).toContain('lead lead-00Q2');
  });
});
