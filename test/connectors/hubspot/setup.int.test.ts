// `leadrelay setup hubspot`: the property group, the properties with their options, the deal pipeline and stages,
// from the mapping; idempotent; --plan changes nothing; checkMapping agrees afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from './env.ts';
import { signal, startEnv } from './env.ts';

describe('hubspot setup', () => {
  let env: Env;
  afterEach(async () => {
    await env.close();
  });

  it('plans without changing anything, applies, and then plans nothing', async () => {
    env = await startEnv();
    const c = env.connector();
    expect((await c.checkMapping(signal)).length).toBeGreaterThan(0);
    const plan = await c.setup({ plan: true, signal });
    expect(plan.errors).toEqual([]);
    expect(plan.applied).toEqual([]);
    expect(env.emu.property('contacts', 'leadrelay_partner_status')).toBeUndefined();
    const actions = new Set(plan.planned.map((p) => p.action));
    expect(actions).toEqual(new Set(['create-group', 'create-field', 'create-pipeline']));

    const applied = await c.setup({ plan: false, signal });
    expect(applied.errors).toEqual([]);
    expect(applied.applied).toHaveLength(plan.planned.length);

    const status = env.emu.property('contacts', 'leadrelay_partner_status');
    expect(status).toMatchObject({ type: 'enumeration', fieldType: 'select', groupName: 'leadrelay' });
    expect(status?.options?.map((o) => o.value)).toContain('Withdrawn');
    expect(env.emu.property('deals', 'leadrelay_lead_id')).toMatchObject({ type: 'string', hasUniqueValue: true });
    expect(env.emu.property('contacts', 'leadrelay_reserved_at')).toMatchObject({ type: 'datetime' });
    expect(env.emu.property('contacts', 'leadrelay_partner_user')).toMatchObject({ type: 'bool' });
    // hs_lead_status keeps its own options; the mapping's values are all among them already.
    expect(plan.planned.some((p) => p.field === 'hs_lead_status')).toBe(false);
    const pipeline = env.emu.pipelines().find((p) => p.label === 'Partner Deals');
    expect(pipeline?.stages.map((s) => s.label)).toEqual(['Meeting Scheduled', 'Proposal Sent', 'Closed Won', 'Closed Lost']);
    expect(pipeline?.stages.find((s) => s.label === 'Closed Won')?.metadata).toMatchObject({ probability: '1.0', isClosed: 'true' });

    const again = env.connector();
    expect((await again.setup({ plan: true, signal })).planned).toEqual([]);
    expect(await again.checkMapping(signal)).toEqual([]);
  });

  it('adds options and a stage the account lacks, and names the options only an admin can add', async () => {
    env = await startEnv();
    await env.setup();
    const stages = { ...env.mappings.opportunity.stages, contacted: 'First Contact' };
    const lead = env.mappings.lead;
    const status = lead.status === null ? null : { ...lead.status, values: { ...lead.status.values, won: 'CUSTOMER_WON' } };
    const outbound = lead.outbound.map((r) => (r.key === 'partnerStatus' && r.values !== null ? { ...r, values: { ...r.values, withdrawn: 'Withdrawn in CRM' } } : r));
    const c = env.connector({ mappings: { ...env.mappings, lead: { ...lead, status, outbound }, opportunity: { ...env.mappings.opportunity, stages } } });
    const r = await c.setup({ plan: false, signal });
    // hs_lead_status is HubSpot's (readOnlyDefinition): leadrelay does not edit it behind the admin's back.
    expect(r.errors).toEqual([expect.stringContaining('contacts.hs_lead_status: add the options CUSTOMER_WON in HubSpot')]);
    expect(r.planned).toEqual([
      expect.objectContaining({ action: 'add-picklist-values', object: 'contacts', field: 'leadrelay_partner_status', detail: 'add options Withdrawn in CRM' }),
      expect.objectContaining({ action: 'add-stage', field: 'First Contact' }),
    ]);
    expect(env.emu.property('contacts', 'leadrelay_partner_status')?.options?.map((o) => o.value)).toContain('Withdrawn in CRM');
    expect(env.emu.pipelines().filter((p) => p.label === 'Partner Deals')).toHaveLength(1);
    expect(env.emu.pipelines().find((p) => p.label === 'Partner Deals')?.stages.map((s) => s.label)).toContain('First Contact');
  });
});
