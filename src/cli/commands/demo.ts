// `demo` (what `npm start` runs): the built-in Salesforce emulator (or, with `--crm hubspot`, the HubSpot one)
// seeded with partners and a few hundred leads, leadrelay set up and synced against it over real HTTP, some partner
// activity, and a printout of what happened and where to look next. `--keep-running` leaves the daemon and the
// emulator up until Ctrl-C.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedConfig } from '../../config/index.ts';
import { HUBSPOT_MQL_STAGE, seedHubSpotDemo } from '../../demo/hubspot-seed.ts';
import { leadRecords, MQL_STATUS, partnerAccounts } from '../../demo/seed-data.ts';
import { startHubSpotEmulator } from '../../emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../emulators/salesforce/index.ts';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.ts';
import { createLogger } from '../../lib/logger.ts';
import type { App } from '../../runtime/app.ts';
import { buildApp } from '../../runtime/app.ts';
import { runDaemon } from '../../scheduler/daemon.ts';
import { recordFeedback } from '../../services/feedback.ts';
import { reserve } from '../../services/reserve.ts';
import { seededRandom } from '../../services/context.ts';
import { runSyncCycle } from '../../sync/cycle.ts';
import type { CliIO } from '../shared.ts';
import { globalOptions } from '../shared.ts';
import { cycleObjects, printCycle } from './sync.ts';

export const demoCredentials = { username: 'integration@leadrelay.test', password: 'pass', clientId: 'leadrelay-client', clientSecret: 'leadrelay-secret' };

/** Point a loaded config at an emulator (demo and tests). */
export function useEmulator(c: LoadedConfig, url: string, storeUrl: string): LoadedConfig {
  return {
    ...c,
    crm: 'salesforce',
    store: { ...c.store, url: storeUrl },
    salesforce: {
      ...c.salesforce, loginUrl: url, instanceUrl: url,
      auth: { ...c.salesforce.auth, flow: 'password', clientId: demoCredentials.clientId, clientSecret: demoCredentials.clientSecret, username: demoCredentials.username, password: demoCredentials.password },
    },
    sync: { ...c.sync, settleSeconds: 0 },
  };
}

/** Point a loaded config at the HubSpot emulator (a private app token it accepts). */
export function useHubSpotEmulator(c: LoadedConfig, url: string, token: string, storeUrl: string): LoadedConfig {
  return {
    ...c,
    crm: 'hubspot',
    store: { ...c.store, url: storeUrl },
    hubspot: { ...c.hubspot, baseUrl: url, auth: { ...c.hubspot.auth, flow: 'private_app', accessToken: token } },
    sync: { ...c.sync, settleSeconds: 0 },
  };
}

/** What the demo needs of an emulated CRM: where it listens, how to seed it, and what to show afterwards. */
interface DemoCrm {
  readonly name: string;
  readonly url: string;
  override(c: LoadedConfig, storeUrl: string): LoadedConfig;
  seed(partners: number, leads: number): string;
  summary(): string;
  close(): Promise<void>;
}

async function demoCrm(crm: string, port: number): Promise<DemoCrm> {
  const seedOpts = (leads: number) => ({ leads, mqlShare: 0.6, incompleteMqls: Math.round(leads * 0.05) });
  const countBy = (values: readonly unknown[]): string => {
    const by = new Map<string, number>();
    for (const v of values) by.set(typeof v === 'string' && v !== '' ? v : '(untouched)', (by.get(typeof v === 'string' && v !== '' ? v : '(untouched)') ?? 0) + 1);
    return [...by].map(([k, v]) => `${k} ${v}`).join(', ');
  };
  if (crm === 'hubspot') {
    const emu = await startHubSpotEmulator({ port });
    return {
      name: 'HubSpot', url: emu.url,
      override: (c, storeUrl) => useHubSpotEmulator(c, emu.url, emu.token, storeUrl),
      seed(partners, leads) {
        seedHubSpotDemo(emu, { partners, ...seedOpts(leads) });
        return `seeded ${partners} partner companies (with partner-user contacts) and ${leads} contacts with their companies, ${Math.round(leads * 0.6)} of them in lifecycle stage ${HUBSPOT_MQL_STAGE}`;
      },
      summary: () => `in the emulated account: contacts by leadrelay_partner_status: ${countBy(emu.all('contacts').filter((c) => c.properties['leadrelay_partner_user'] !== 'true').map((c) => c.properties['leadrelay_partner_status']))}; deals: ${emu.all('deals').length}`,
      close: () => emu.close(),
    };
  }
  if (crm !== 'salesforce') throw new Error(`--crm must be salesforce or hubspot, got ${crm}`);
  const emu = await startSalesforceEmulator({ port });
  return {
    name: 'Salesforce', url: emu.url,
    override: (c, storeUrl) => useEmulator(c, emu.url, storeUrl),
    seed(partners, leads) {
      seedDemoOrg(emu, { partners, ...seedOpts(leads) });
      return `seeded ${partners} partner Accounts (with partner users) and ${leads} Leads, ${Math.round(leads * 0.6)} of them with Status '${MQL_STATUS}'`;
    },
    summary: () => `in the emulated org: Leads by LeadRelay_Partner_Status__c: ${countBy(emu.all('Lead').map((l) => l['LeadRelay_Partner_Status__c']))}; Opportunities: ${emu.all('Opportunity').length}`,
    close: () => emu.close(),
  };
}

/** Seed partner Accounts, one partner user Contact each, and Leads. Returns the lead count seeded. */
export function seedDemoOrg(emu: SalesforceEmulator, opts: { partners: number; leads: number; mqlShare: number; incompleteMqls: number; seed?: number }): void {
  const accounts = partnerAccounts(opts.partners, { seed: opts.seed ?? 7 });
  const ids = emu.seed('Account', accounts);
  // Resellers hang under the distributor of their batch of ten (ParentId), as in a real channel tree.
  ids.forEach((id, i) => {
    if (i % 10 !== 0) emu.update('Account', id, { ParentId: ids[i - (i % 10)] });
  });
  emu.seed('Contact', ids.map((accountId, i) => ({
    FirstName: 'Partner', LastName: `User ${i + 1}`, AccountId: accountId, Email: `sales${i + 1}@partner-${i + 1}.test`, LeadRelay_User__c: true,
  })));
  emu.seed('Lead', leadRecords(opts.leads, { mqlShare: opts.mqlShare, incompleteMqls: opts.incompleteMqls, seed: opts.seed ?? 11 }));
}

async function simulatePartners(io: CliIO, app: App, count: number): Promise<{ reserved: number; feedback: number }> {
  const r = seededRandom(3);
  const offered = await app.store.leads.list({ status: ['offered'], limit: count });
  let reserved = 0;
  let feedback = 0;
  for (const lead of offered) {
    const offers = await app.store.offers.listByLead(lead.id);
    const first = offers.find((o) => o.status === 'open');
    if (first === undefined) continue;
    const res = await reserve(app.ctx, { leadId: lead.id, partnerId: first.partnerId, userId: null });
    if (!res.ok) continue;
    reserved++;
    const steps = [['contacted'], ['contacted', 'meeting'], ['contacted', 'meeting', 'proposal'], ['contacted', 'meeting', 'proposal', 'won'], ['contacted', 'lost']][Math.floor(r() * 5)]!;
    for (const status of steps) {
      const f = await recordFeedback(app.ctx, {
        leadId: lead.id, partnerId: first.partnerId, userId: null, status: status as 'contacted',
        amount: status === 'proposal' || status === 'won' ? Math.round(8000 + r() * 40000) : null,
        closeDate: status === 'won' ? new Date().toISOString().slice(0, 10) : null,
        lostReason: status === 'lost' ? 'went with a competitor' : null, comment: null,
      });
      if (f.ok) feedback++;
    }
  }
  io.out(`partners acted: ${reserved} leads reserved, ${feedback} feedback entries recorded`);
  return { reserved, feedback };
}

export function registerDemo(program: Command, io: CliIO): void {
  program.command('demo')
    .description('run leadrelay end to end against a built-in CRM emulator (no credentials needed)')
    .option('--crm <crm>', 'the emulated CRM: salesforce or hubspot', 'salesforce')
    .option('--leads <n>', 'Leads to seed', (v) => Number.parseInt(v, 10), 400)
    .option('--partners <n>', 'partner organisations to seed', (v) => Number.parseInt(v, 10), 40)
    .option('--db <file>', 'SQLite file for the demo (recreated)', '.leadrelay/demo.db')
    .option('--keep-running', 'keep the daemon and the emulator running until Ctrl-C')
    .option('--port <n>', 'emulator port (default: any free port)', (v) => Number.parseInt(v, 10), 0)
    .action(async (o: { crm: string; leads: number; partners: number; db: string; keepRunning?: boolean; port: number }, cmd: Command) => {
      const dbFile = resolve(io.cwd, o.db);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
      // A config for looking at the demo's database afterwards (status, leads list/show need no CRM).
      mkdirSync(dirname(dbFile), { recursive: true });
      const demoConfig = resolve(dirname(dbFile), 'demo.yaml');
      writeFileSync(demoConfig, `# written by \`leadrelay demo\`: inspect the demo database\ncrm: ${o.crm}\nstore:\n  url: sqlite:${dbFile}\nmappingsDir: ${resolve(io.cwd, 'mappings')}\n`);
      const look = `node bin/leadrelay -c ${relative(io.cwd, demoConfig)}`;
      const emu = await demoCrm(o.crm, o.port);
      const logger = io.logger ?? createLogger({ level: 'warn' });
      const app = await buildApp({
        configPath: globalOptions(cmd).config, env: io.env, cwd: io.cwd, logger,
        override: (c) => emu.override(c, `sqlite:${dbFile}`),
      });
      try {
        io.out(`${emu.name} emulator listening on ${emu.url} (the CRM's client library talks to it over HTTP, as to the real service)`);
        const ac = new AbortController();
        const connector = app.connector();
        await connector.connect(ac.signal);
        const setup = await connector.setup({ plan: false, signal: ac.signal });
        io.out(`setup ${o.crm}: ${setup.applied.length} fields, options and pipelines created from mappings/${o.crm}/*.yaml`);
        io.out(emu.seed(o.partners, o.leads));
        const first = await runSyncCycle(app.ctx, connector, cycleObjects(app), { signal: ac.signal });
        printCycle(io, first);
        await simulatePartners(io, app, 25);
        const second = await runSyncCycle(app.ctx, connector, cycleObjects(app), { signal: ac.signal });
        io.out('second cycle (writes the partners\' reservations and feedback back):');
        printCycle(io, second);
        io.out(emu.summary());
        const sample = (await app.store.leads.list({ status: ['contacted', 'meeting', 'proposal', 'won'], limit: 1 }))[0];
        io.out('where to look next:');
        io.out(`  ${look} status                  cursors, queues, outbox, API usage`);
        io.out(`  ${look} leads list --status needs_qualification   the qualification queue`);
        if (sample) io.out(`  ${look} leads show ${sample.id}   one lead's whole loop`);
        io.out(`  npm start -- --crm ${o.crm} --keep-running`.padEnd(47) + 'the daemon against the emulator, until Ctrl-C');
        io.out(`  README.md                                    connecting a real ${emu.name} account; config and mapping reference`);
        if (o.keepRunning) {
          io.out(`daemon running against ${emu.url}; Ctrl-C stops it`);
          await runDaemon(app, { runAtStart: false });
        }
      } finally {
        await app.close();
        await emu.close();
      }
    });
}
