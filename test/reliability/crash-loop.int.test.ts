// Crash test: `leadrelay sync` runs as a child process and is killed with SIGKILL at seeded random moments, at
// least 50 times — during partner and lead pull pages, store transactions, matching, and write-back flushes —
// then restarted until quiet; the partners act; the flushes are killed again. The org must end exactly as in a
// clean run: no lost write-back, no duplicate offer, no duplicate Opportunity. LEADRELAY_LARGE=1: bigger org.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/services/context.ts';
import type { Harness, HarnessOptions } from '../support/harness.ts';
import { repoRoot, startHarness } from '../support/harness.ts';
import { actAsPartners, crmState, lifecycleSize, seedLifecycle, syncUntilQuiet } from './lifecycle.ts';

const KILLS = Number(process.env['LEADRELAY_CRASH_KILLS'] ?? 50);
const options: HarnessOptions = {
  logLevel: 'debug',
  salesforceLines: ['  queryBatchSize: 200', '  writeBatchSize: 50'],
  syncLines: ['  retryBaseSeconds: 1'],
};

/**
 * Kill targets, taken in turn: the child is killed a few milliseconds after the n-th occurrence of one of its
 * own progress lines (debug log), so the kills land inside each phase: during start-up, right after a partner
 * or lead page was stored (the next page's transaction or HTTP call in flight), while matching, and between or
 * during write-back batches.
 */
const targets = [
  { phase: 'start-up', line: null },
  { phase: 'partner pull', line: 'partner page stored' },
  { phase: 'lead pull pages', line: 'lead page stored' },
  { phase: 'qualify, match, offer', line: 'leads pulled' },
  { phase: 'write-back flush', line: 'write-backs sent' },
  // Flushes are short (a few batches): aim at them twice per round.
  { phase: 'write-back flush', line: 'write-backs sent' },
] as const;

/** Start `leadrelay sync`; SIGKILL it as `target` says. Returns false when it finished before the kill. */
async function killedSync(h: Harness, target: (typeof targets)[number], random: () => number): Promise<boolean> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/leadrelay'), '--config', h.configFile, 'sync'], {
    cwd: h.dir, env: { ...process.env, ...h.env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const kill = (ms: number) => setTimeout(() => child.kill('SIGKILL'), ms);
  let timer: NodeJS.Timeout | undefined;
  if (target.line === null) timer = kill(200 + Math.floor(random() * 800));
  else {
    const nth = target.phase === 'write-back flush' ? 1 : 1 + Math.floor(random() * 3);
    let seen = 0;
    child.stderr.on('data', (b: Buffer) => {
      seen += b.toString().split(target.line).length - 1;
      if (seen >= nth && timer === undefined) timer = kill(Math.floor(random() * 40));
    });
  }
  const code = await exited;
  clearTimeout(timer);
  return code === null;
}

async function killLoop(h: Harness, kills: number, random: () => number, phases: Map<string, number>): Promise<number> {
  let done = 0;
  let attempts = 0;
  while (done < kills && attempts < kills * 4) {
    const target = targets[attempts % targets.length]!;
    attempts++;
    if (!(await killedSync(h, target, random))) continue;
    done++;
    phases.set(target.phase, (phases.get(target.phase) ?? 0) + 1);
    // Change the org a little between some kills, so later pulls and flushes have new work to be killed in.
    if (done % 10 === 0) seedMore(h);
  }
  return done;
}

const batches = new WeakMap<Harness, number>();

/** The next batch of 20 late MQLs (numbered per org, so a clean run can add the same ones at the same moments). */
function seedMore(h: Harness): void {
  const n = (batches.get(h) ?? 0) + 1;
  batches.set(h, n);
  const stamp = new Date(Date.now() - 30_000).toISOString();
  h.emu.seed('Lead', Array.from({ length: 20 }, (_, i) => ({
    FirstName: 'Late', LastName: `Lead ${n}-${i}`, Company: `Spät ${n}-${i} GmbH`, Email: `late.${n}.${i}@late.test`, Country: 'DE',
    PostalCode: '80331', City: 'München', Status: 'Marketing Qualified', Product_Interest__c: 'heat-pump', LeadSource: 'Web',
    SystemModstamp: stamp, CreatedDate: stamp, LastModifiedDate: stamp,
  })));
}

const harnesses: Harness[] = [];
afterEach(async () => { for (const h of harnesses.splice(0)) await h.close(); });

async function prepared(): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  const setup = await h.cli(['setup', 'salesforce']);
  if (setup.code !== 0) throw new Error(setup.err);
  seedLifecycle(h, lifecycleSize());
  return h;
}

describe('crash safety under repeated SIGKILL', () => {
  it(`survives ${KILLS}+ kills at random points and ends in the clean run's state`, async () => {
    // The clean run sees the same late leads, added at the same moments of its history.
    const clean = await prepared();
    await syncUntilQuiet(clean);
    for (let n = 10; n <= KILLS - 10; n += 10) seedMore(clean);
    await syncUntilQuiet(clean);
    await actAsPartners(clean);
    seedMore(clean);
    await syncUntilQuiet(clean);

    const h = await prepared();
    const random = seededRandom(2026);
    const phases = new Map<string, number>();
    const first = await killLoop(h, KILLS - 10, random, phases);
    await syncUntilQuiet(h);
    await actAsPartners(h);
    const second = await killLoop(h, 10, random, phases);
    await syncUntilQuiet(h);

    const opps = h.emu.all('Opportunity');
    const leads = (await h.cliJson<Array<{ id: string }>>(['leads', 'list', '--limit', '100000'])).value;
    console.log(`crash loop: ${first + second} SIGKILLs (${[...phases].map(([p, n]) => `${p} ${n}`).join(', ')}); `
      + `${leads.length} leads, ${opps.length} Opportunities compared with a clean run`);
    expect(first + second).toBeGreaterThanOrEqual(KILLS);
    expect([...phases.keys()].sort()).toEqual([...new Set(targets.map((t) => t.phase))].sort());
    expect(crmState(h)).toEqual(crmState(clean));
    // No duplicate offers: one offer per (lead, partner), all in wave 1 (no wave timed out in this run).
    for (const l of leads.slice(0, 200)) {
      const shown = await h.cliJson<{ offers: Array<{ partnerId: string; wave: number }> }>(['leads', 'show', l.id]);
      const ids = shown.value.offers.map((o) => o.partnerId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(shown.value.offers.every((o) => o.wave === 1)).toBe(true);
    }
  }, 900_000);
});
