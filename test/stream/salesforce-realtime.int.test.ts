// Change Data Capture through jsforce's streaming client into the pipeline: a lead becoming MQL in the emulator is
// re-read by Id, ingested, qualified and offered without a poll; the replay id is persisted with the leads and a
// restart resumes after it; gap and overflow events end in the same state as change events.
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointKey } from '../../src/sync/realtime.ts';
import type { SfRealtime } from './sf-support.ts';
import { coldLeads, eventually, MQL_STATUS, startSfRealtime } from './sf-support.ts';

let env: SfRealtime | null = null;
afterEach(async () => { await env?.close(); env = null; });

async function offeredLead(e: SfRealtime, externalId: string) {
  const lead = await e.app.store.leads.getByExternalId('salesforce', externalId);
  if (lead === null || lead.status !== 'offered') return null;
  const offers = await e.app.store.offers.listByLead(lead.id);
  return offers.some((o) => o.status === 'open') ? lead : null;
}

describe('Salesforce realtime (CDC over CometD)', () => {
  it('offers a lead that became MQL without a poll, reading it by Id', async () => {
    env = await startSfRealtime();
    const e = env;
    const [id] = e.h.emu.seed('Lead', coldLeads(1));
    // Not MQL yet: the change event is read, the record is out of scope, nothing is stored.
    await eventually(async () => e.ingestor.summary.notices >= 1, 'the CREATE event');
    await e.ingestor.idle();
    expect(await e.app.store.leads.getByExternalId('salesforce', id ?? '')).toBeNull();
    const before = e.app.connector().usage().callsByStage;
    e.h.emu.update('Lead', id ?? '', { Status: MQL_STATUS });
    await eventually(() => offeredLead(e, id ?? ''), 'the lead to be offered');
    const after = e.app.connector().usage().callsByStage;
    expect((after['read-leads'] ?? 0) - (before['read-leads'] ?? 0)).toBe(1);
    expect(after['pull-leads'] ?? 0).toBe(before['pull-leads'] ?? 0);
    expect(e.catchUps).toBe(0);
    const stored = Number(await e.app.store.kv.get(checkpointKey('salesforce')));
    expect(stored).toBe(Math.max(...e.h.emu.streaming.events().map((x) => x.replayId)));
  });

  it('persists the replay id with the leads and resumes after it on restart: no loss, no duplicates', async () => {
    env = await startSfRealtime();
    const e = env;
    const ids = e.h.emu.seed('Lead', coldLeads(6, 10));
    for (const id of ids.slice(0, 3)) e.h.emu.update('Lead', id, { Status: MQL_STATUS });
    for (const id of ids.slice(0, 3)) await eventually(() => offeredLead(e, id), `lead ${id} offered`);
    const saved = await e.app.store.kv.get(checkpointKey('salesforce'));
    await e.stop();
    // Changes while leadrelay is down are retained by the org and replayed after the saved id.
    for (const id of ids.slice(3)) e.h.emu.update('Lead', id, { Status: MQL_STATUS });
    await e.start();
    for (const id of ids) await eventually(() => offeredLead(e, id), `lead ${id} offered after restart`);
    expect(Number(await e.app.store.kv.get(checkpointKey('salesforce')))).toBeGreaterThan(Number(saved));
    // Exactly one lead per CRM record, each offered in exactly one wave.
    const leads = await e.app.store.leads.list({ limit: 100 });
    expect(leads.filter((l) => ids.includes(l.externalId))).toHaveLength(6);
    for (const l of leads) {
      const waves = new Set((await e.app.store.offers.listByLead(l.id)).map((o) => o.wave));
      expect(waves.size).toBe(1);
    }
    expect(e.catchUps).toBe(0);
  });

  it('re-reads the records a gap event names, and polls to catch up after an overflow', async () => {
    env = await startSfRealtime();
    const e = env;
    const [gapId, overflowId] = e.h.emu.seed('Lead', coldLeads(2, 20));
    e.h.emu.streaming.gapEvents(true);
    e.h.emu.update('Lead', gapId ?? '', { Status: MQL_STATUS });
    await eventually(() => offeredLead(e, gapId ?? ''), 'the gap-event lead offered');
    expect(e.catchUps).toBe(0);
    // Every event so far handled (a late CREATE event of the other lead would re-read it fresh, MQL by then).
    await eventually(async () => e.ingestor.summary.notices >= 3, 'the three events handled');
    await e.ingestor.idle();
    e.h.emu.streaming.gapEvents(false);
    // An overflow names no records: this lead's own event is lost (retention trimmed to the overflow event).
    e.h.emu.streaming.retain(0);
    e.h.emu.update('Lead', overflowId ?? '', { Status: MQL_STATUS });
    e.h.emu.streaming.retain(100);
    await new Promise((r) => setTimeout(r, 1100)); // the poll's settle window (whole seconds) must have passed
    e.h.emu.streaming.overflow();
    await eventually(() => offeredLead(e, overflowId ?? ''), 'the overflow lead offered by the catch-up poll');
    expect(e.catchUps).toBe(1);
  });

  it('catches up by polling when the saved replay id is no longer retained, then follows new events', async () => {
    env = await startSfRealtime();
    const e = env;
    const [a, b] = e.h.emu.seed('Lead', coldLeads(2, 30));
    e.h.emu.update('Lead', a ?? '', { Status: MQL_STATUS });
    await eventually(() => offeredLead(e, a ?? ''), 'lead a offered');
    await e.stop();
    e.h.emu.update('Lead', b ?? '', { Status: MQL_STATUS });
    e.h.emu.streaming.retain(0); // 72 hours pass: nothing retained, the saved id is invalid
    await new Promise((r) => setTimeout(r, 1100));
    await e.start();
    await eventually(() => offeredLead(e, b ?? ''), 'lead b offered by the catch-up');
    expect(e.catchUps).toBe(1);
    e.h.emu.streaming.retain(100);
    const [c] = e.h.emu.seed('Lead', coldLeads(1, 40).map((r) => ({ ...r, Status: MQL_STATUS })));
    await eventually(() => offeredLead(e, c ?? ''), 'lead c offered from the new subscription');
  });

  it('re-authenticates and resubscribes after the session expires, without losing events', async () => {
    env = await startSfRealtime();
    const e = env;
    const [a, b] = e.h.emu.seed('Lead', coldLeads(2, 50));
    e.h.emu.update('Lead', a ?? '', { Status: MQL_STATUS });
    await eventually(() => offeredLead(e, a ?? ''), 'lead a offered');
    e.h.emu.expireSessions();
    e.h.emu.update('Lead', b ?? '', { Status: MQL_STATUS });
    await eventually(() => offeredLead(e, b ?? ''), 'lead b offered after re-authentication');
    expect(e.catchUps).toBe(0);
  });
});
