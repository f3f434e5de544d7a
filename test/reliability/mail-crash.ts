// The mail half of the crash test: `leadrelay daemon` (mail sender only: web off, schedules that never fire)
// runs as a child process and sends the outbox to a real SMTP server in the test process; the server itself
// pulls the trigger, so each SIGKILL lands at a known point of an SMTP exchange:
//   - an envelope begun, before any message text (kill at MAIL FROM, its reply held back);
//   - in the DATA phase, before the final "." (kill when the DATA command arrives; the server discards what
//     it got of the message);
//   - after the final ".", before the 250 reaches the outbox (the server keeps the message and holds its 250
//     back while the kill lands: the RFC 1047 window, where a redelivery of the same Message-ID is allowed).
// Where each kill really landed is read off the server (message kept, cut off, or never begun), not assumed.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Harness } from '../support/harness.ts';
import { repoRoot } from '../support/harness.ts';
import type { SmtpSink } from '../notify/smtp-sink.ts';

/** Config for the harness: mail on to the sink, a short lease so a dead sender's mail is resent soon. */
export function mailConfig(port: number): string {
  return [
    // A large batch: the sender drains the outbox in one run instead of 50 mails per tick.
    'mail:', '  enabled: true', '  from: "ACME Leads <leads@acme.test>"', '  everySeconds: 1', '  leaseSeconds: 4', '  batchSize: 1000',
    // One pooled connection: smtp-server holds every new connection 100 ms (its early-talker check), which
    // would make thousands of mails take minutes; the kill windows are per message either way.
    '  smtp:', '    host: 127.0.0.1', `    port: ${port}`, '    timeoutSeconds: 1', '    pool: true',
    // Only the mail loop runs in the daemon: its sync and tick schedules never fire during a test.
    'schedule:', '  sync: "0 0 1 1 *"', '  tick: "0 0 1 1 *"',
  ].join('\n');
}

export interface OutboxState {
  readonly pending: number;
  readonly sending: number;
  readonly sent: number;
  readonly other: number;
  readonly resends: number;
  /** The planner has planned every lead event. */
  readonly planned: boolean;
}

function withDb<T>(h: Harness, f: (db: Database.Database) => T): T {
  const db = new Database(join(h.dir, 'leadrelay.db'), { readonly: true, fileMustExist: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

export function outboxState(h: Harness): OutboxState {
  return withDb(h, (db) => {
    const by = new Map((db.prepare('select status, count(*) n from mail_outbox group by status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
    const resends = (db.prepare('select coalesce(sum(resends), 0) n from mail_outbox').get() as { n: number }).n;
    const cursor = db.prepare("select value from kv where key = 'mail.eventCursor'").get() as { value: string } | undefined;
    const last = (db.prepare('select coalesce(max(id), 0) n from lead_events').get() as { n: number }).n;
    return {
      pending: by.get('pending') ?? 0, sending: by.get('sending') ?? 0, sent: by.get('sent') ?? 0,
      other: [...by].filter(([s]) => !['pending', 'sending', 'sent'].includes(s)).reduce((a, [, n]) => a + n, 0),
      resends, planned: cursor !== undefined && Number(cursor.value) === last,
    };
  });
}

/** The outbox rows by Message-ID, with the CRM id of their lead (lead ids differ between two runs). */
export function outboxByMessageId(h: Harness): Map<string, { kind: string; to: string; subject: string; lead: string | null; resends: number }> {
  return withDb(h, (db) => new Map((db.prepare(`select m.message_id, m.kind, m.to_address, m.subject, m.resends, l.external_id
      from mail_outbox m left join leads l on l.id = m.lead_id where m.message_id is not null`).all() as Array<{
    message_id: string; kind: string; to_address: string; subject: string; resends: number; external_id: string | null;
  }>).map((r) => [r.message_id, { kind: r.kind, to: r.to_address, subject: r.subject, lead: r.external_id, resends: r.resends }])));
}

/** Who this run offered each lead to: `${lead CRM id} ${partner user's email}` per offer and partner user. */
export function offerRecipients(h: Harness): Set<string> {
  return withDb(h, (db) => new Set((db.prepare(`select l.external_id lead, u.email from offers o join leads l on l.id = o.lead_id
      join users u on u.org_id = o.partner_id`).all() as Array<{ lead: string; email: string }>).map((r) => `${r.lead} ${r.email}`)));
}

function startDaemon(h: Harness): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/leadrelay'), '--config', h.configFile, 'daemon', '--no-run-at-start'], {
    cwd: h.dir, env: { ...process.env, ...h.env }, stdio: ['ignore', 'ignore', 'ignore'],
  });
  return { child, exited: new Promise((res) => child.on('exit', (code) => res(code))) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run the daemon until every lead event is planned and every mail sent (a dead sender's lease included). */
export async function mailUntilQuiet(h: Harness, timeoutMs = 300_000): Promise<OutboxState> {
  const { child, exited } = startDaemon(h);
  const until = Date.now() + timeoutMs;
  let s: OutboxState;
  for (;;) {
    await sleep(250);
    s = outboxState(h);
    if (s.planned && s.pending === 0 && s.sending === 0) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`mail did not drain within ${timeoutMs} ms: ${JSON.stringify(s)}`);
    }
  }
  child.kill('SIGTERM');
  if ((await exited) !== 0) throw new Error('the mail daemon did not stop cleanly on SIGTERM');
  return s;
}

export const mailTargets = ['envelope', 'data', 'after-dot'] as const;
export type MailTarget = (typeof mailTargets)[number];
/** Where a kill landed, as the server saw it. */
export type MailLanding = 'before DATA' | 'in DATA, before the final "."' | 'after the final ".", before the 250 was recorded';

/**
 * One daemon run killed with SIGKILL at the n-th occurrence (1..3) of `target` in its SMTP exchanges. Returns
 * where the kill landed, or null when the daemon ran out of mail first (it is then stopped with SIGTERM).
 */
async function killedMailRun(h: Harness, sink: SmtpSink, target: MailTarget, random: () => number): Promise<MailLanding | null> {
  const nth = 1 + Math.floor(random() * 3);
  const { child, exited } = startDaemon(h);
  let seen = 0;
  let atKill: { delivered: number; cut: number } | null = null;
  const kill = (): boolean => {
    if (atKill !== null || ++seen < nth) return false;
    atKill = { delivered: sink.deliveries.length, cut: sink.cutOff() };
    child.kill('SIGKILL');
    return true;
  };
  let held = false;
  // The MAIL FROM reply waits until the sender is dead: nothing of the message can have been sent.
  if (target === 'envelope') sink.hooks = { onMailFrom: async () => { if (kill()) await exited; } };
  else if (target === 'data') sink.hooks = { onDataCommand: () => { kill(); } };
  else {
    sink.hooks = {
      onMessage: async () => {
        if (!kill()) return;
        // The message is stored; its 250 waits until the sender is dead.
        held = true;
        await exited;
      },
    };
  }
  // Quiet outbox and no kill: this run had nothing left to be killed in.
  const idle = (async () => {
    for (;;) {
      await sleep(250);
      if (atKill !== null) return;
      const s = outboxState(h);
      if (s.planned && s.pending === 0 && s.sending === 0) {
        child.kill('SIGTERM');
        return;
      }
    }
  })();
  await exited;
  await idle;
  sink.hooks = {};
  const at = atKill as { delivered: number; cut: number } | null;
  if (at === null) return null;
  // Let the server see the closed connection (a cut-off message is discarded then).
  await sleep(150);
  if (held || sink.deliveries.length > at.delivered) return 'after the final ".", before the 250 was recorded';
  if (sink.cutOff() > at.cut) return 'in DATA, before the final "."';
  return 'before DATA';
}

export async function mailKillLoop(h: Harness, sink: SmtpSink, kills: number, random: () => number, landings: Map<string, number>): Promise<number> {
  let done = 0;
  for (let attempt = 0; done < kills && attempt < kills * 3; attempt++) {
    const landed = await killedMailRun(h, sink, mailTargets[attempt % mailTargets.length]!, random);
    if (landed === null) continue;
    done++;
    landings.set(landed, (landings.get(landed) ?? 0) + 1);
  }
  return done;
}
