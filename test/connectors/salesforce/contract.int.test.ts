// The shared connector contract, run against the Salesforce connector and its emulator.
import type { ContractHarness } from '../contract.suite.ts';
import { connectorContract } from '../contract.suite.ts';
import { mqlLeads, nonMqlLeads, sfConfig, startEnv } from './env.ts';

const pageSize = 200;

connectorContract('salesforce', async (): Promise<ContractHarness> => {
  const env = await startEnv();
  await env.setup();
  const make = () => env.connector({ config: sfConfig(env.emu.url, { queryBatchSize: pageSize }) });
  const connector = make();
  const status = env.mappings.lead.outbound.find((r) => r.key === 'partnerStatus');
  const reverse = new Map(Object.entries(status?.values ?? {}).map(([canonical, crm]) => [crm, canonical]));
  let seq = 0;
  const next = (n: number): number => {
    const from = seq;
    seq += n;
    return from;
  };
  return {
    connector,
    newConnector: make,
    pageSize,
    overlapSeconds: 0,
    sleeps: env.sleeps,
    seedMqlLeads: async (n) => env.emu.seed('Lead', mqlLeads(n, next(n))),
    seedOtherLeads: async (n) => env.emu.seed('Lead', nonMqlLeads(n, next(n))),
    // Latitude outside -90..90: the canonical schema refuses it.
    seedUnmappableLead: async () => env.emu.seed('Lead', mqlLeads(1, next(1), () => ({ Latitude: 123.4 })))[0] ?? '',
    deleteLead: async (id, mergedInto) => {
      env.emu.remove('Lead', id, mergedInto === undefined ? {} : { mergedInto });
    },
    readPartnerStatus: async (id) => {
      const v = env.emu.get('Lead', id)?.['LeadRelay_Partner_Status__c'];
      return typeof v === 'string' ? (reverse.get(v) ?? v) : null;
    },
    advance: (s) => env.clock.advance(s),
    faults: {
      throttleNextWrite: (s) => {
        env.emu.faults.add({ kind: 'collections', status: 429, headers: { 'Retry-After': String(s) }, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded' }] });
      },
      outageOnWrites: (times) => {
        env.emu.faults.add({ kind: 'collections', status: 503, times, body: '<html><body>Service Unavailable</body></html>' });
      },
      lockOnNextWrite: (id) => {
        env.emu.faults.add({ kind: 'collections', recordError: { predicate: (r) => r['Id'] === id || r['id'] === id, statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' } });
      },
      rejectWritesTo: (id) => {
        env.emu.addValidationRule('Lead', { name: 'No_Partner_Status', message: 'Partner status is locked for this lead', fields: ['LeadRelay_Partner_Status__c'], when: (r) => r['Id'] === id });
      },
      expireSession: () => env.emu.expireSessions(),
      exhaustQuota: () => env.emu.setApiUsage(15_000, 15_000),
    },
    close: () => env.close(),
  };
});
