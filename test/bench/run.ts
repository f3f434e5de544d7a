// `npm run bench`: every benchmark in one place, printed as a table. Figures depend on the machine; the
// latest run is committed to test/bench/RESULTS.md with the machine it ran on.
import os from 'node:os';
import { benchHubSpot } from './hubspot.bench.ts';
import { benchPipeline } from './pipeline.bench.ts';
import { benchPickList } from './picklist.bench.ts';
import { benchReservations } from './reservations.bench.ts';
import { benchMatching } from '../rules/throughput.ts';
import { benchSoak } from './soak.bench.ts';
import { benchReports } from './reports.bench.ts';
import { benchRealtime } from './realtime.bench.ts';

const rows: Array<[string, string, string]> = [];
const add = (what: string, figure: string, note = ''): void => { rows.push([what, figure, note]); };

console.log(`leadrelay benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

// Matching first: its peak-RSS figure must not include the emulators and stores of the other benchmarks.
const m = await benchMatching();
add(`qualify + match: ${m.leads.toLocaleString('en')} leads × ${m.partners.toLocaleString('en')} partners`, `${Math.round(m.leadsPerSecond).toLocaleString('en')} leads/s`, `peak RSS ${Math.round(m.peakRssMb)} MB`);
const p = await benchPipeline();
add('sync: 5,000 Leads (3,000 MQL) end to end', `${p.syncSeconds.toFixed(2)} s`, `${p.offers} offers created`);
for (const [stage, n] of Object.entries(p.calls)) {
  const limit = p.limits[stage];
  const per1000 = stage.startsWith('write') || stage.startsWith('pull-leads') ? `; ${((n * 1000) / p.mqls).toFixed(1)} per 1,000 leads (minimum ${stage.startsWith('write') ? '5' : '0.5'})` : '';
  add(`  Salesforce API calls: ${stage}`, String(n), `${limit === undefined ? '' : `issue limit ${limit}`}${per1000}`);
}
add('second sync, nothing changed', `${p.secondSyncSeconds.toFixed(2)} s`,
  `API calls ${Object.entries(p.secondSyncCalls).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; writes 0`);

const hs = await benchHubSpot();
add(`HubSpot: ${hs.contacts.toLocaleString('en')} contacts (${hs.mqls.toLocaleString('en')} MQL), then ${hs.deals} deals, 100 req/10 s`, `${hs.seconds.toFixed(2)} s`,
  `${hs.accountSeconds.toFixed(0)} s on the account's clock, ${hs.throttled} 429s`);
for (const row of hs.rows) {
  add(`  HubSpot API calls: ${row.cycle} cycle ${row.stage}`, String(row.calls), row.minimum === null ? '' : `minimum ${row.minimum} (${row.note})`);
}


const r = await benchReservations();
add(`reserve: ${r.leads} leads × ${r.contention} concurrent attempts (SQLite file)`, `${Math.round(r.reservationsPerSecond).toLocaleString('en')} reservations/s`,
  `${Math.round(r.attemptsPerSecond).toLocaleString('en')} attempts/s; exactly 1 winner per lead`);
add(`  latency of one attempt under ${r.contention}-way contention`, `p99 ${r.p99Ms.toFixed(1)} ms`, `p50 ${r.p50Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms (queueing included)`);

const soak = await benchSoak();
add(`daemon memory, ${soak.simulatedHours} simulated hours (${soak.cycles} cycles, ${soak.leads} leads)`, `${soak.heapGrowthMb >= 0 ? '+' : ''}${soak.heapGrowthMb.toFixed(1)} MB heap`,
  `after warm-up ${soak.heapAfterWarmupMb.toFixed(1)} MB, at end ${soak.heapAtEndMb.toFixed(1)} MB; RSS ${Math.round(soak.rssAtEndMb)} MB${typeof (globalThis as { gc?: unknown }).gc === 'function' ? '' : ' (no --expose-gc: figures noisy)'}`);

const pl = await benchPickList();
add(`web: pick list page (${pl.teasersPerPage} teasers; ${pl.leads.toLocaleString('en')} offered leads, ${pl.partners} partners), ${pl.seconds} s autocannon`, `${Math.round(pl.requestsPerSecond).toLocaleString('en')} req/s`,
  `p99 ${pl.p99Ms} ms, p50 ${pl.p50Ms} ms; GET /api/v1/offers ${Math.round(pl.apiRequestsPerSecond)} req/s, p99 ${pl.apiP99Ms} ms; ${pl.errors} errors`);

const rep = await benchReports();
for (const k of rep.kinds) {
  add(`report: weekly HTML per recipient, ${k.kind} (${rep.leads.toLocaleString('en')} leads, ${rep.partners.toLocaleString('en')} partners, 1 year)`, `mean ${Math.round(k.meanMs)} ms`,
    `p95 ${Math.round(k.p95Ms)} ms, max ${Math.round(k.maxMs)} ms over ${k.recipients} recipients; CPU mean ${Math.round(k.cpuMeanMs)} ms, max ${Math.round(k.cpuMaxMs)} ms; load ${rep.loadAverage.toFixed(1)}; target < 1,000 ms`);
}

for (const rt of await benchRealtime(200)) {
  add(`realtime ${rt.crm}: ${rt.leads} leads becoming MQL one by one (every 25 ms) → offer visible`, `p95 ${Math.round(rt.p95Ms)} ms`,
    `p50 ${Math.round(rt.p50Ms)} ms, max ${Math.round(rt.maxMs)} ms; ${rt.offered}/${rt.leads} offered; ${rt.batches} batches; API calls ${Object.entries(rt.apiCalls).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'} (target p95 < 2 s)`);
}

const w = Math.max(...rows.map((r) => r[0].length));
const v = Math.max(...rows.map((r) => r[1].length));
console.log(`${'benchmark'.padEnd(w)}  ${'figure'.padEnd(v)}  note`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padEnd(v)}  ${c}`);
