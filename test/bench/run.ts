// `npm run bench`: every benchmark in one place, printed as a table. Figures depend on the machine; the
// latest run is committed to test/bench/RESULTS.md with the machine it ran on.
import os from 'node:os';
import { benchPipeline } from './pipeline.bench.ts';
import { benchMatching } from '../rules/throughput.ts';

const rows: Array<[string, string, string]> = [];
const add = (what: string, figure: string, note = ''): void => { rows.push([what, figure, note]); };

console.log(`leadrelay benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

const p = await benchPipeline();
add('sync: 5,000 Leads (3,000 MQL) end to end', `${p.syncSeconds.toFixed(2)} s`, `${p.offers} offers created`);
for (const [stage, n] of Object.entries(p.calls)) {
  const limit = p.limits[stage];
  add(`  Salesforce API calls: ${stage}`, String(n), limit === undefined ? '' : `limit ${limit}`);
}
add('second sync, nothing changed', `${p.secondSyncSeconds.toFixed(2)} s`,
  `API calls ${Object.entries(p.secondSyncCalls).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; writes 0`);

const m = await benchMatching();
add(`qualify + match: ${m.leads.toLocaleString('en')} leads × ${m.partners.toLocaleString('en')} partners`, `${Math.round(m.leadsPerSecond).toLocaleString('en')} leads/s`, `peak RSS ${Math.round(m.peakRssMb)} MB`);

const w = Math.max(...rows.map((r) => r[0].length));
const v = Math.max(...rows.map((r) => r[1].length));
console.log(`${'benchmark'.padEnd(w)}  ${'figure'.padEnd(v)}  note`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padEnd(v)}  ${c}`);
