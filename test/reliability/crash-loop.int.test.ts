// Crash test (at least 50 SIGKILLs in all): `leadrelay sync` runs as a child process and is killed at seeded
// random moments — during partner and lead pull pages, store transactions, matching, and write-back flushes —
// then restarted until quiet; the partners act; the flushes are killed again. Between the rounds the daemon's
// mail sender delivers the mail outbox to a real SMTP server and is killed inside SMTP exchanges (before DATA,
// in DATA before the final ".", after the final "." before its 250 is recorded: see mail-crash.ts). The org
// must end exactly as in a clean run (no lost write-back, no duplicate offer, no duplicate Opportunity) and so
// must the mailbox: the same mails, none lost, one Message-ID per mail, and a second copy of a Message-ID only
// for a kill that landed after the final "." (each one counted). LEADRELAY_LARGE=1: bigger org, more kills.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/services/context.ts';
import type { SmtpSink } from '../notify/smtp-sink.ts';
import { startSmtpSink } from '../notify/smtp-sink.ts';
import type { Harness, HarnessOptions } from '../support/harness.ts';
import { repoRoot, startHarness } from '../support/harness.ts';
import { actAsPartners, crmState, lifecycleSize, seedLifecycle, syncUntilQuiet } from './lifecycle.ts';
import { mailConfig, mailKillLoop, mailUntilQuiet, offerRecipients, outboxByMessageId } from './mail-crash.ts';

const LARGE = process.env['LEADRELAY_LARGE'] === '1';
/** Kills of `sync` (pull pages, store transactions, matching, flushes). */
const KILLS = Number(process.env['LEADRELAY_CRASH_KILLS'] ?? (LARGE ? 100 : 40));
/** Kills inside SMTP exchanges, per mail round (two rounds). With KILLS: at least 50 in all. */
const MAIL_KILLS = Number(process.env['LEADRELAY_CRASH_MAIL_KILLS'] ?? (LARGE ? 30 : 6));
const options = (smtpPort: number): HarnessOptions => ({
  logLevel: 'debug',
  salesforceLines: ['  queryBatchSize: 200', '  writeBatchSize: 50'],
  syncLines: ['  retryBaseSeconds: 1'],
  extraConfig: mailConfig(smtpPort),
});

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
const sinks: SmtpSink[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const s of sinks.splice(0)) await s.close();
});

async function prepared(): Promise<{ h: Harness; smtp: SmtpSink }> {
  const smtp = await startSmtpSink();
  sinks.push(smtp);
  const h = await startHarness(options(smtp.port));
  harnesses.push(h);
  const setup = await h.cli(['setup', 'salesforce']);
  if (setup.code !== 0) throw new Error(setup.err);
  // The mail planner's first start fixes where it begins (it mails what happens from then on): before any lead.
  await mailUntilQuiet(h);
  seedLifecycle(h, lifecycleSize());
  return { h, smtp };
}

/**
 * A mailbox as a person compares two. Offer mails are compared by lead, subject and count: which partners a lead
 * is offered to depends on the matching's fairness, which the order of processing moves (the crash run takes
 * in its late leads at other moments), so their recipients are checked against the run's own offers instead.
 * Every other mail is compared whole: recipient, subject, kind, lead (by CRM id: lead ids differ between runs).
 */
function mailbox(h: Harness, smtp: SmtpSink) {
  const rows = outboxByMessageId(h);
  const offered = offerRecipients(h);
  const ids = smtp.deliveries.map((d) => d.messageId);
  const distinct = new Set(ids);
  const mails = [...distinct].map((id) => {
    const r = rows.get(id);
    const d = smtp.deliveries.find((x) => x.messageId === id)!;
    return { to: d.to, subject: d.subject, kind: d.kind, rowKind: r?.kind ?? null, lead: r?.lead ?? null };
  });
  const keys = mails.map((m) => JSON.stringify(m.kind === 'offer' ? [m.subject, m.kind, m.rowKind, m.lead] : [m.to, m.subject, m.kind, m.rowKind, m.lead])).sort();
  return {
    keys, raw: ids.length, distinct: distinct.size,
    unknown: [...distinct].filter((id) => !rows.has(id)),
    notDelivered: [...rows.keys()].filter((id) => !distinct.has(id)),
    offerMails: mails.filter((m) => m.kind === 'offer').length,
    offerMailsNotOffered: mails.filter((m) => m.kind === 'offer' && !offered.has(`${m.lead ?? ''} ${m.to}`)).length,
    offered,
  };
}

describe('crash safety under repeated SIGKILL', () => {
  it(`survives ${KILLS + 2 * MAIL_KILLS}+ kills at random points (${2 * MAIL_KILLS} inside SMTP exchanges) and ends in the clean run's state and mailbox`, async () => {
    // The clean run sees the same late leads, added at the same moments of its history, and sends its mail
    // at the same points (after the first pulls, after the partners acted).
    const clean = await prepared();
    await syncUntilQuiet(clean.h);
    for (let n = 10; n <= KILLS - 10; n += 10) seedMore(clean.h);
    await syncUntilQuiet(clean.h);
    await mailUntilQuiet(clean.h);
    await actAsPartners(clean.h);
    seedMore(clean.h);
    await syncUntilQuiet(clean.h);
    await mailUntilQuiet(clean.h);

    const { h, smtp } = await prepared();
    const random = seededRandom(2026);
    const phases = new Map<string, number>();
    const landings = new Map<string, number>();
    const first = await killLoop(h, KILLS - 10, random, phases);
    await syncUntilQuiet(h);
    const mailFirst = await mailKillLoop(h, smtp, MAIL_KILLS, random, landings);
    await mailUntilQuiet(h);
    await actAsPartners(h);
    const second = await killLoop(h, 10, random, phases);
    await syncUntilQuiet(h);
    const mailSecond = await mailKillLoop(h, smtp, MAIL_KILLS, random, landings);
    const outbox = await mailUntilQuiet(h);

    const opps = h.emu.all('Opportunity');
    const leads = (await h.cliJson<Array<{ id: string }>>(['leads', 'list', '--limit', '100000'])).value;
    const want = mailbox(clean.h, clean.smtp);
    const got = mailbox(h, smtp);
    const missing = want.keys.filter((m) => !got.keys.includes(m));
    const lost = missing.length + got.notDelivered.length;
    const offersMoved = [...want.offered].filter((x) => !got.offered.has(x)).length;
    const duplicated = got.raw - got.distinct;
    const afterDot = landings.get('after the final ".", before the 250 was recorded') ?? 0;
    const mailKills = mailFirst + mailSecond;
    console.log(`crash loop: ${first + second + mailKills} SIGKILLs (${[...phases].map(([p, n]) => `${p} ${n}`).join(', ')}, `
      + `mail send ${mailKills}: ${[...landings].map(([p, n]) => `${p} ${n}`).join(', ')}); `
      + `${leads.length} leads, ${opps.length} Opportunities compared with a clean run; `
      + `${got.distinct} mails compared with the clean run's ${want.distinct} (${got.offerMails} offer mails, checked against the run's own offers: `
      + `${offersMoved} offer recipients differ from the clean run by fairness order): lost ${lost}, `
      + `duplicated ${duplicated} (same Message-ID, each after a kill past the final "."), ${got.raw} deliveries, ${outbox.resends} resends recorded`);
    if (lost > 0) console.log('missing:', missing.slice(0, 5), 'extra:', got.keys.filter((m) => !want.keys.includes(m)).slice(0, 5));
    expect(first + second).toBeGreaterThanOrEqual(KILLS);
    expect(mailKills).toBe(2 * MAIL_KILLS);
    expect(first + second + mailKills).toBeGreaterThanOrEqual(Math.min(50, KILLS + 2 * MAIL_KILLS));
    expect([...phases.keys()].sort()).toEqual([...new Set(targets.map((t) => t.phase))].sort());
    // Every kind of landing happened: before DATA, cut off in DATA, after the final ".".
    expect(landings.size).toBe(3);
    expect(crmState(h)).toEqual(crmState(clean.h));

    // The mailbox: the same mails as the clean run (recipient, subject, kind, lead), all sent, none lost.
    expect(want.raw).toBe(want.distinct);
    expect(want.distinct).toBeGreaterThan(0);
    expect(got.keys).toEqual(want.keys);
    expect(lost).toBe(0);
    expect([want.offerMailsNotOffered, got.offerMailsNotOffered]).toEqual([0, 0]);
    expect(got.unknown).toEqual([]);
    expect(outbox).toMatchObject({ pending: 0, sending: 0, other: 0, sent: got.distinct });
    // One Message-ID per mail (the outbox maps each to one row); a second copy only where a kill landed after
    // the final ".": exactly one per such kill, and every cut-off exchange was resent (counted).
    expect(duplicated).toBe(afterDot);
    expect(outbox.resends).toBe(mailKills);

    // No duplicate offers: one offer per (lead, partner), all in wave 1 (no wave timed out in this run).
    for (const l of leads.slice(0, 200)) {
      const shown = await h.cliJson<{ offers: Array<{ partnerId: string; wave: number }> }>(['leads', 'show', l.id]);
      const ids = shown.value.offers.map((o) => o.partnerId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(shown.value.offers.every((o) => o.wave === 1)).toBe(true);
    }
  }, 1_800_000);
});
