// Reports over one year of data: 100,000 leads, 2,000 partners (100 distributors with 19 resellers each), 20
// channel managers. The year is written straight into the SQLite file (one transaction of prepared inserts,
// shaped like what the services write: offers, claim and feedback events, feedback, points), then each
// recipient's weekly report is built (store read + KPI computation) and rendered to mail HTML, timed per
// recipient. Issue #7 target: under a second per recipient.
//
// Alone: node --expose-gc --import tsx test/bench/reports.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { Slice } from '../../src/reports/model.ts';
import { parsePeriod } from '../../src/reports/period.ts';
import { renderHtml } from '../../src/reports/render-html.ts';
import { buildReport, readReportFacts } from '../../src/reports/report.ts';
import { seededRandom } from '../../src/services/context.ts';
import { openStore } from '../../src/store/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
export const BENCH_AS_OF = new Date('2026-12-30T12:00:00Z');

/** Wall time per recipient, and CPU time (user + system of this process: SQLite runs in-thread), which a shared, loaded machine distorts less. */
export interface ReportBenchKind { kind: string; recipients: number; meanMs: number; p95Ms: number; maxMs: number; cpuMeanMs: number; cpuMaxMs: number }
export interface ReportBenchResult { leads: number; partners: number; rows: number; seedSeconds: number; loadAverage: number; kinds: ReportBenchKind[] }

export interface Seeded { partners: string[]; distributors: string[]; resellers: string[]; managers: string[]; rows: number }


export function seedReportsBench(file: string, leads: number): Seeded {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // A lead row is written after its offers and events (its final status is known only then): check foreign keys
  // once after the load instead of per row.
  db.pragma('foreign_keys = OFF');
  const r = seededRandom(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const insPartner = db.prepare(`INSERT INTO partners (id, crm, external_id, parent_external_id, parent_id, kind, data, content_hash, active, level, created_at, updated_at)
    VALUES (?, 'salesforce', ?, ?, ?, ?, ?, 'h', 1, 'gold', ?, ?)`);
  const insUser = db.prepare(`INSERT INTO users (id, email, email_key, name, org_id, roles, active, external_id) VALUES (?, ?, ?, ?, 'manufacturer', '["channel_manager"]', 1, NULL)`);
  const insScope = db.prepare(`INSERT INTO user_scopes (user_id, kind, value) VALUES (?, 'partner', ?)`);
  const insLead = db.prepare(`INSERT INTO leads (id, crm, external_id, status, status_changed_at, temperature, data, content_hash, qualification, wave, partner_id,
    reserved_at, reserved_by_user_id, feedback_due_at, last_feedback_at, crm_stamp, crm_converted, crm_opportunity_id, received_at, updated_at, version)
    VALUES (?, 'salesforce', ?, ?, ?, ?, ?, 'h', NULL, 1, ?, ?, NULL, ?, ?, 's', 0, NULL, ?, ?, 1)`);
  const insOffer = db.prepare(`INSERT INTO offers (id, lead_id, partner_id, wave, status, score, rank, offered_at, expires_at, closed_at, decline_reason, explanation)
    VALUES (?, ?, ?, 1, ?, 50, ?, ?, ?, ?, ?, '{}')`);
  const insEvent = db.prepare('INSERT INTO lead_events (lead_id, at, type, actor, partner_id, data) VALUES (?, ?, ?, ?, ?, ?)');
  const insFeedback = db.prepare(`INSERT INTO feedback (id, lead_id, partner_id, user_id, status, amount, close_date, lost_reason, comment, at)
    VALUES (?, ?, ?, NULL, ?, ?, NULL, ?, NULL, ?)`);
  const insPoints = db.prepare('INSERT INTO points_ledger (key, partner_id, lead_id, rule, points, at) VALUES (?, ?, ?, ?, ?, ?)');
  let rows = 0;
  // Rows are inserted in time order, as the services append them in production (a table's pages then hold one
  // stretch of time each: what the time-range reads of a report rely on).
  type Op = readonly [at: number, st: BetterSqlite3.Statement, args: unknown[]];
  const ops: Op[] = [];
  const later = (at: number, st: BetterSqlite3.Statement, ...args: unknown[]): void => { ops.push([at, st, args]); rows++; };
  const laterIso = (st: BetterSqlite3.Statement, ...args: unknown[]): void => later(Date.parse(args.at(-1) as string), st, ...args);
  const out: Seeded = { partners: [], distributors: [], resellers: [], managers: [], rows: 0 };
  const regions = ['Bavaria', 'Hesse', 'Saxony', 'Berlin', 'Hamburg', 'NRW'];
  const products = ['heat-pump', 'solar', 'battery', 'wallbox'];
  const sources = ['Web', 'Trade Show', 'Demo Request', 'Partner Referral'];
  const reasons = ['price', 'competitor', 'no budget', 'timing', 'no response'];
  db.transaction(() => {
    for (let d = 0; d < 100; d++) {
      const did = `dist-${d}`;
      insPartner.run(did, `D${d}`, null, null, 'distributor', JSON.stringify({ name: `Distributor ${d}`, kind: 'distributor', countries: ['DE'] }), iso(YEAR_START), iso(YEAR_START));
      out.distributors.push(did);
      out.partners.push(did);
      for (let k = 0; k < 19; k++) {
        const id = `res-${d}-${k}`;
        insPartner.run(id, `R${d}-${k}`, `D${d}`, did, 'reseller', JSON.stringify({ name: `Reseller ${d}-${k}`, kind: 'reseller', parentExternalId: `D${d}`, countries: ['DE'] }), iso(YEAR_START), iso(YEAR_START));
        out.resellers.push(id);
        out.partners.push(id);
      }
    }
    rows += 2000;
    for (let m = 0; m < 20; m++) {
      const id = `cm-${m}`;
      insUser.run(id, `cm${m}@maker.test`, `cm${m}@maker.test`, `Channel Manager ${m}`);
      for (let d = m * 5; d < m * 5 + 5; d++) insScope.run(id, `dist-${d}`);
      out.managers.push(id);
    }
    const asOf = BENCH_AS_OF.getTime();
    let seq = 0;
    for (let i = 0; i < leads; i++) {
      const leadId = `lead-${i}`;
      const received = YEAR_START + Math.floor(r() * (asOf - YEAR_START - 2 * HOUR));
      const offeredAt = received + HOUR;
      const partners = [pick(out.partners), pick(out.partners), pick(out.partners)].filter((p, k, a) => a.indexOf(p) === k);
      const temperature = pick(['hot', 'warm', 'warm', 'cold']);
      const data = JSON.stringify({ company: `Company ${i}`, country: 'DE', region: pick(regions), productInterest: [pick(products)], source: pick(sources), campaign: `C${i % 12}`, budget: 5000 + Math.floor(r() * 50_000) });
      const roll = r();
      const ev = (at: number, type: string, partnerId: string | null, payload: object): void => {
        if (at <= asOf) later(at, insEvent, leadId, iso(at), type, 'system', partnerId, JSON.stringify(payload));
      };
      ev(received, 'received', null, {});
      ev(offeredAt, 'offered', null, { wave: 1, partners });
      const expires = offeredAt + 48 * HOUR;
      let status = 'offered';
      let holder: string | null = null;
      let reservedAt: number | null = null;
      let due: number | null = null;
      let lastFeedback: number | null = null;
      let changed = offeredAt;
      if (roll < 0.12) {
        // Nobody takes it: one decline, the rest expire, the lead is escalated.
        partners.forEach((p, k) => {
          const declined = k === 0;
          const closed = declined ? offeredAt + 2 * HOUR : expires;
          later(offeredAt, insOffer, `o-${i}-${k}`, leadId, p, closed <= asOf ? (declined ? 'declined' : 'expired') : 'open', k + 1, iso(offeredAt), iso(expires), closed <= asOf ? iso(closed) : null, declined ? 'no capacity' : null);
        });
        ev(offeredAt + 2 * HOUR, 'declined', partners[0]!, { reason: 'no capacity' });
        ev(expires, 'escalated', null, { reason: 'last wave ended unclaimed' });
        if (expires <= asOf) { status = 'expired'; changed = expires; }
      } else {
        const winner = partners[0]!;
        const at = offeredAt + Math.floor(r() * 47 * HOUR);
        partners.forEach((p, k) => {
          later(offeredAt, insOffer, `o-${i}-${k}`, leadId, p, at <= asOf ? (k === 0 ? 'reserved' : 'taken') : 'open', k + 1, iso(offeredAt), iso(expires), at <= asOf ? iso(at) : null, null);
        });
        if (at <= asOf) {
          status = 'reserved'; holder = winner; reservedAt = at; due = at + 48 * HOUR; changed = at;
          ev(at, 'reserved', winner, { feedbackDueAt: iso(due) });
          laterIso(insPoints, `reserve:${leadId}`, winner, leadId, 'reserve', 2, iso(at));
          const fb = (t: number, st: string, amount: number | null, reason: string | null): boolean => {
            if (t > asOf) return false;
            later(t, insFeedback, `f-${++seq}`, leadId, winner, st, amount, reason, iso(t));
            ev(t, st === 'returned' ? 'returned' : 'feedback', winner, { status: st, amount, dueAt: due === null ? null : iso(due) });
            if (due !== null && t <= due) { laterIso(insPoints, `fb:${leadId}:${seq}`, winner, leadId, 'feedback_on_time', 1, iso(t)); }
            lastFeedback = t; changed = t;
            return true;
          };
          const outcome = r();
          if (outcome < 0.05) {
            // No feedback: revoked at the deadline + 48 h grace (then left expired for simplicity).
            const t = due + 48 * HOUR;
            if (t <= asOf) {
              ev(t, 'revoked', winner, { dueAt: iso(due) });
              laterIso(insPoints, `revoked:${leadId}`, winner, leadId, 'revoked', -5, iso(t));
              status = 'expired'; holder = null; reservedAt = null; due = null; changed = t;
            }
          } else {
            const contacted = at + Math.floor(r() * 72 * HOUR);
            if (fb(contacted, 'contacted', null, null)) {
              status = 'contacted'; due = contacted + 14 * DAY;
              const close = contacted + Math.floor((5 + r() * 55) * DAY);
              const meet = contacted + Math.floor((close - contacted) / 2);
              if (fb(meet, outcome < 0.5 ? 'meeting' : 'proposal', outcome < 0.5 ? null : 5000 + Math.floor(r() * 5_000_000) / 100, null)) {
                status = outcome < 0.5 ? 'meeting' : 'proposal'; due = meet + 14 * DAY;
              }
              const end = r();
              const final = end < 0.3 ? 'won' : end < 0.75 ? 'lost' : end < 0.85 ? 'returned' : null;
              if (final === null) {
                // No outcome reported: overdue, then revoked by the tick after the 48 h grace period.
                const t = due + 48 * HOUR;
                if (t <= asOf) {
                  ev(t, 'revoked', winner, { dueAt: iso(due) });
                  laterIso(insPoints, `revoked:${leadId}`, winner, leadId, 'revoked', -5, iso(t));
                  status = 'expired'; holder = null; reservedAt = null; due = null; changed = t;
                }
              } else if (fb(close, final, final === 'won' ? 1000 + Math.floor(r() * 10_000_000) / 100 : null, final === 'lost' ? pick(reasons) : null)) {
                status = final; due = null;
                if (final === 'returned') { holder = null; reservedAt = null; }
                if (final === 'won') { laterIso(insPoints, `won:${leadId}`, winner, leadId, 'won', 10, iso(close)); }
              }
            }
          }
        }
      }
      later(received - 1, insLead, leadId, `L${i}`, status, iso(changed), temperature, data, holder, reservedAt === null ? null : iso(reservedAt), due === null ? null : iso(due),
        lastFeedback === null ? null : iso(lastFeedback), iso(received), iso(changed));
    }
    ops.sort((a, b) => a[0] - b[0]);
    for (const [, st, args] of ops) st.run(...args);
  })();
  const dangling = db.pragma('foreign_key_check') as unknown[];
  if (dangling.length > 0) throw new Error(`bench seed: ${dangling.length} rows break foreign keys, e.g. ${JSON.stringify(dangling[0])}`);
  db.close();
  out.rows = rows;
  return out;
}

const percentile = (sorted: readonly number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

export async function benchReports(opts: { leads?: number } = {}): Promise<ReportBenchResult> {
  const leads = opts.leads ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-reports-bench-'));
  const file = join(dir, 'reports.db');
  try {
    await (await openStore({ url: `sqlite:${file}` })).close(); // schema and indexes
    const t0 = performance.now();
    const s = seedReportsBench(file, leads);
    const seedSeconds = (performance.now() - t0) / 1000;
    const store = await openStore({ url: `sqlite:${file}` });
    try {
      const period = parsePeriod('last-week', BENCH_AS_OF);
      const r = seededRandom(11);
      const sample = <T>(xs: readonly T[], n: number): T[] => Array.from({ length: n }, () => xs[Math.floor(r() * xs.length)]!);
      const recipients: Array<[string, Slice]> = [
        ...sample(s.resellers, 20).map((id): [string, Slice] => ['partner (reseller)', { kind: 'partner', id }]),
        ...sample(s.distributors, 10).map((id): [string, Slice] => ['distributor (organisation)', { kind: 'organisation', id }]),
        ...sample(s.managers, 5).map((id): [string, Slice] => ['channel manager (portfolio)', { kind: 'portfolio', userId: id }]),
        ...Array.from({ length: 3 }, (): [string, Slice] => ['management (all)', { kind: 'all' }]),
      ];
      // One warm-up report (module JIT, SQLite page cache): a daemon sending mails is warm too.
      await buildReport(store, { period, slice: { kind: 'all' }, asOf: BENCH_AS_OF });
      const times = new Map<string, number[]>();
      const cpu = new Map<string, number[]>();
      for (const [kind, slice] of recipients) {
        const cpu0 = process.cpuUsage();
        const start = performance.now();
        const report = await buildReport(store, { period, slice, asOf: BENCH_AS_OF });
        const html = renderHtml(report, { link: 'https://leads.example.test/reports' });
        const ms = performance.now() - start;
        const used = process.cpuUsage(cpu0);
        cpu.set(kind, [...(cpu.get(kind) ?? []), (used.user + used.system) / 1000]);
        if (html.length === 0 || report.period.label !== period.label) throw new Error('bench: empty report');
        times.set(kind, [...(times.get(kind) ?? []), ms]);
      }
      // A weekly mail run: the channel's facts read once, each recipient's report computed from memory.
      const batchCpu0 = process.cpuUsage();
      const batchStart = performance.now();
      const facts = await readReportFacts(store, { period, asOf: BENCH_AS_OF });
      const readMs = performance.now() - batchStart;
      const readCpu = process.cpuUsage(batchCpu0);
      for (const [kind, slice] of recipients) {
        const cpu0 = process.cpuUsage();
        const start = performance.now();
        const report = await buildReport(store, { period, slice, asOf: BENCH_AS_OF, facts });
        const html = renderHtml(report, { link: 'https://leads.example.test/reports' });
        const ms = performance.now() - start;
        const used = process.cpuUsage(cpu0);
        if (html.length === 0) throw new Error('bench: empty report');
        const k = `${kind}, shared read`;
        times.set(k, [...(times.get(k) ?? []), ms]);
        cpu.set(k, [...(cpu.get(k) ?? []), (used.user + used.system) / 1000]);
      }
      times.set('(shared read of the channel, once per run)', [readMs]);
      cpu.set('(shared read of the channel, once per run)', [(readCpu.user + readCpu.system) / 1000]);
      const kinds = [...times].map(([kind, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        const c = cpu.get(kind) ?? [];
        return {
          kind, recipients: list.length, meanMs: list.reduce((a, b) => a + b, 0) / list.length, p95Ms: percentile(sorted, 0.95), maxMs: sorted.at(-1)!,
          cpuMeanMs: c.reduce((a, b) => a + b, 0) / c.length, cpuMaxMs: Math.max(...c),
        };
      });
      return { leads, partners: s.partners.length, rows: s.rows, seedSeconds, loadAverage: loadavg()[0] ?? 0, kinds };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const leads = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const res = await benchReports(leads === undefined ? {} : { leads });
  console.log(`reports: ${res.leads.toLocaleString('en')} leads, ${res.partners.toLocaleString('en')} partners, ${res.rows.toLocaleString('en')} rows seeded in ${res.seedSeconds.toFixed(1)} s; load average ${res.loadAverage.toFixed(1)} on ${availableParallelism()} cores`);
  for (const k of res.kinds) {
    console.log(`  ${k.kind.padEnd(44)} n=${String(k.recipients).padStart(2)}  wall mean ${k.meanMs.toFixed(0)} ms  p95 ${k.p95Ms.toFixed(0)} ms  max ${k.maxMs.toFixed(0)} ms  |  CPU mean ${k.cpuMeanMs.toFixed(0)} ms  max ${k.cpuMaxMs.toFixed(0)} ms`);
  }
}
