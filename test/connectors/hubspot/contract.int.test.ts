// The shared connector contract, run unchanged against the HubSpot connector and its emulator (OAuth, so sessions
// can expire; pages of 50 so a few hundred contacts span several pages).
import type { ContractHarness } from '../contract.suite.ts';
import { connectorContract } from '../contract.suite.ts';
import { hsConfig, mqlContacts, otherContacts, startEnv } from './env.ts';

const pageSize = 50;

connectorContract('hubspot', async (): Promise<ContractHarness> => {
  const env = await startEnv();
  await env.setup();
  const make = () => env.connector({ config: hsConfig(env.emu, { searchPageSize: pageSize }) });
  const connector = make();
  const status = env.mappings.lead.outbound.find((r) => r.key === 'partnerStatus');
  const reverse = new Map(Object.entries(status?.values ?? {}).map(([canonical, crm]) => [crm, canonical]));
  let seq = 0;
  const next = (n: number): number => {
    const from = seq;
    seq += n;
    return from;
  };
  // HubSpot answers one recordError rule per request, and a lock and a rejection can meet in one batch: one rule,
  // installed once, fails locked records with LOCKED; a rejected record gets a value HubSpot's own property
  // validation refuses (INVALID_OPTION), so the rejection is the emulator's real 207 per-record error.
  const locks = new Set<string>();
  const rejects = new Set<string>();
  env.emu.faults.add({
    kind: 'batchUpdate', times: Number.MAX_SAFE_INTEGER,
    recordError: {
      category: 'LOCKED', message: 'Attempting to sync large volume too quickly; system lock for ~2 seconds',
      predicate: (input) => {
        const id = String(input['id']);
        const props = input['properties'] as Record<string, unknown> | undefined;
        if (rejects.has(id) && props !== undefined && 'leadrelay_partner_status' in props) props['leadrelay_partner_status'] = 'Locked by a workflow';
        return locks.delete(id);
      },
    },
  });
  return {
    connector,
    newConnector: make,
    pageSize,
    overlapSeconds: 0,
    sleeps: env.sleeps,
    seedMqlLeads: async (n) => env.emu.seed('contacts', mqlContacts(n, next(n))),
    seedOtherLeads: async (n) => env.emu.seed('contacts', otherContacts(n, next(n))),
    // Latitude outside -90..90: the canonical schema refuses it.
    seedUnmappableLead: async () => env.emu.seed('contacts', mqlContacts(1, next(1), () => ({ leadrelay_latitude: 123.4 })))[0] ?? '',
    deleteLead: async (id, mergedInto) => {
      env.emu.remove('contacts', id, mergedInto === undefined ? {} : { mergedInto });
    },
    readPartnerStatus: async (id) => {
      const v = env.emu.get('contacts', id)?.properties['leadrelay_partner_status'];
      return typeof v === 'string' && v !== '' ? (reverse.get(v) ?? v) : null;
    },
    advance: (s) => env.clock.advance(s),
    faults: {
      throttleNextWrite: (s) => {
        env.emu.faults.add({ kind: 'batchUpdate', throttle: { policy: 'TEN_SECONDLY_ROLLING', retryAfterSec: s } });
      },
      outageOnWrites: (times) => {
        env.emu.faults.add({ kind: 'batchUpdate', status: 503, times, body: '<html><body>Service Unavailable</body></html>' });
      },
      lockOnNextWrite: (id) => {
        locks.add(id);
      },
      rejectWritesTo: (id) => {
        rejects.add(id);
      },
      expireSession: () => env.emu.expireTokens(),
      // OAuth apps have no daily limit; the account's daily 429 comes from the private apps sharing it.
      exhaustQuota: () => {
        env.emu.faults.add({ throttle: { policy: 'DAILY' }, times: Number.MAX_SAFE_INTEGER });
      },
    },
    close: () => env.close(),
  };
});
