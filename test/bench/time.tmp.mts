import { openStore } from '../../src/store/index.ts';
import { parsePeriod } from '../../src/reports/period.ts';
import { computeReport, reportWindowStart, prepare } from '../../src/reports/kpis.ts';
import { resolveSlice } from '../../src/reports/slice.ts';
import { renderHtml } from '../../src/reports/render-html.ts';
import { BENCH_AS_OF } from './reports.bench.ts';
import type { Slice } from '../../src/reports/model.ts';
const store = await openStore({ url: 'sqlite:/tmp/rb/rb.db' });
const period = parsePeriod('last-week', BENCH_AS_OF);
const slices: Slice[] = [{ kind: 'all' }, { kind: 'all' }, { kind: 'partner', id: 'res-3-4' }, { kind: 'partner', id: 'res-7-1' }, { kind: 'organisation', id: 'dist-5' }, { kind: 'portfolio', userId: 'cm-3' }];
for (const slice of slices) {
  let t = performance.now();
  const lap = () => { const x = (performance.now() - t).toFixed(0); t = performance.now(); return x; };
  const res = await resolveSlice(store, slice); const a = lap();
  const data = await store.reports.reportData({ from: reportWindowStart(period), asOf: BENCH_AS_OF, partnerIds: res.scope.partnerIds === null ? null : [...res.scope.partnerIds] }); const b = lap();
  const p = prepare(data); const c = lap();
  const r = computeReport(p, { period, slice: res.slice, sliceLabel: res.label, scope: res.scope, asOf: BENCH_AS_OF }); const d = lap();
  renderHtml(r); const e = lap();
  console.log(JSON.stringify({ kind: slice.kind, resolve: a, read: b, prepare: c, compute: d, render: e, leads: data.leads.length, offers: data.offers.length, events: data.events.length, fb: data.feedback.length, pts: data.points.length }));
}
await store.close();
