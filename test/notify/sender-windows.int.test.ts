// Every point where a send can be cut off, against real SMTP servers over sockets (nodemailer → smtp-server, or
// a scripted server where smtp-server cannot break the connection at the point wanted):
//   (a) the sender dies after the claim, before the exchange     → resent after the lease, delivered once
//   (b) the connection breaks mid-DATA, before the final "."      → the server discards it; resent, delivered once
//   (c) the server has the final "." but its 250 never arrives    → resent: the same Message-ID twice (counted)
//   (d) the 250 arrived but the sender died before committing it  → resent: the same Message-ID twice (counted)
// In every case: no mail lost, one Message-ID per mail, and a second delivery only in (c) and (d), each counted
// by the row's `resends`.
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import type { OutgoingMail } from '../../src/domain/mail.ts';
import type { Store } from '../../src/domain/ports.ts';
import type { MailConfig } from '../../src/notify/config-schema.ts';
import { sendDueMails } from '../../src/notify/sender.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { WebFixture } from '../web/fixture.ts';
import { webFixture } from '../web/fixture.ts';
import type { ScriptedSmtp, SmtpSink } from './smtp-sink.ts';
import { startScriptedSmtp, startSmtpSink } from './smtp-sink.ts';

const base = configSchema.parse({}).mail;
const LEASE = 60;
const cfgFor = (port: number, pool = false): MailConfig => ({
  ...base, enabled: true, from: 'ACME Leads <leads@acme.test>', maxAttempts: 4, leaseSeconds: LEASE,
  smtp: { ...base.smtp, host: '127.0.0.1', port, timeoutSeconds: 2, pool },
});
const mail = (key: string, at: Date): OutgoingMail => ({
  dedupeKey: key, kind: 'reminder', userId: 'u-pmA1', leadId: null, to: 'pma1@people.example', subject: `Mail ${key}`,
  html: `<p>${'Lorem ipsum dolor sit amet. '.repeat(40)}</p>`, text: 'x'.repeat(1200), createdAt: at, notBefore: at,
});

let f: WebFixture;
const servers: Array<SmtpSink | ScriptedSmtp> = [];
afterEach(async () => {
  await f.close();
  for (const s of servers.splice(0)) await s.close();
});

async function sink(): Promise<SmtpSink> {
  const s = await startSmtpSink();
  servers.push(s);
  return s;
}
async function scripted(at: 'mid-data' | 'after-dot'): Promise<ScriptedSmtp> {
  const s = await startScriptedSmtp(at);
  servers.push(s);
  return s;
}

/** One run of the sender against the server on `port`, with the fixture's clock. */
async function run(port: number, store?: Store, pool = false) {
  const t = smtpTransport(cfgFor(port, pool));
  try {
    return await sendDueMails(store ?? f.t.store, t, cfgFor(port, pool), f.web.publicUrl, () => f.t.clock.now(), f.t.ctx.logger);
  } finally {
    t.close();
  }
}

const row = async (key: string) => (await f.t.store.mail.list({ limit: 1000 })).find((m) => m.dedupeKey === key)!;

describe('mail sender on a real SMTP server: every kill window', () => {
  it.each([false, true])('delivers each mail once with the Message-ID fixed at its claim and records the 250 (pool: %s)', async (pool) => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    await store.mail.enqueue(['a', 'b', 'c'].map((k) => mail(k, clock.now())));
    const s = await sink();
    expect(await run(s.port, undefined, pool)).toMatchObject({ sent: 3, resent: 0, reclaimed: 0 });
    expect(await run(s.port, undefined, pool)).toMatchObject({ sent: 0 });
    const rows = await store.mail.list({ limit: 1000 });
    expect(s.deliveries.map((d) => d.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
    expect(s.deliveries.map((d) => d.kind)).toEqual(['reminder', 'reminder', 'reminder']);
    for (const r of rows) expect(r.smtpResponse).toMatch(/^250 .*queued as Q\d/);
  });

  it('(a) a sender that died after its claim: resent after the lease with the same Message-ID, delivered once', async () => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    await store.mail.enqueue([mail('a', clock.now())]);
    const [claimed] = await store.mail.claimDue(clock.now(), 10, () => '<fixed-at-claim@leadrelay.test>');
    expect(claimed).toMatchObject({ status: 'sending', messageId: '<fixed-at-claim@leadrelay.test>' });
    const s = await sink();
    // Within the lease a live sender may still be at it: nothing happens.
    expect(await run(s.port)).toMatchObject({ sent: 0, reclaimed: 0 });
    clock.advance((LEASE + 1) * 1000);
    expect(await run(s.port)).toMatchObject({ sent: 1, reclaimed: 1 });
    expect(s.deliveries.map((d) => d.messageId)).toEqual(['<fixed-at-claim@leadrelay.test>']);
    expect(await row('a')).toMatchObject({ status: 'sent', resends: 1, attempts: 2 });
  });

  it('(b) the connection breaks mid-DATA: the server discards the partial message; resent, delivered once', async () => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    await store.mail.enqueue([mail('b', clock.now())]);
    const cut = await scripted('mid-data');
    expect(await run(cut.port)).toMatchObject({ sent: 0, resent: 1 });
    expect(cut.received).toHaveLength(0);
    const first = await row('b');
    expect(first).toMatchObject({ status: 'pending', resends: 1 });
    const s = await sink();
    clock.advance(10 * 60_000);
    expect(await run(s.port)).toMatchObject({ sent: 1 });
    expect(s.deliveries.map((d) => d.messageId)).toEqual([first.messageId]);
  });

  it('(c) the final "." reached the server but no 250 came back: resent with the same Message-ID (one counted redelivery)', async () => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    await store.mail.enqueue([mail('c', clock.now())]);
    const cut = await scripted('after-dot');
    expect(await run(cut.port)).toMatchObject({ sent: 0, resent: 1 });
    expect(cut.received).toHaveLength(1);
    const first = await row('c');
    expect(cut.received[0]).toContain(`Message-ID: ${first.messageId!}`);
    const s = await sink();
    clock.advance(10 * 60_000);
    expect(await run(s.port)).toMatchObject({ sent: 1 });
    // Two copies reached a server, both the same message: what RFC 1047 leaves open, counted in `resends`.
    expect(s.deliveries.map((d) => d.messageId)).toEqual([first.messageId]);
    expect(await row('c')).toMatchObject({ status: 'sent', resends: 1 });
  });

  it('(d) the 250 arrived but the process died before committing it: resent with the same Message-ID (counted)', async () => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    await store.mail.enqueue([mail('d', clock.now())]);
    const s = await sink();
    // The process "dies" at the commit of the 250: the exception stands for the SIGKILL.
    const dying: Store = Object.assign(Object.create(store) as Store, {
      mail: { ...store.mail, markSent: () => Promise.reject(new Error('killed between the 250 and the commit')) },
    });
    await expect(run(s.port, dying)).rejects.toThrow('killed between');
    expect(s.deliveries).toHaveLength(1);
    expect(await row('d')).toMatchObject({ status: 'sending' });
    clock.advance((LEASE + 1) * 1000);
    expect(await run(s.port)).toMatchObject({ sent: 1, reclaimed: 1 });
    const r = await row('d');
    expect(s.deliveries.map((d) => d.messageId)).toEqual([r.messageId, r.messageId]);
    expect(r).toMatchObject({ status: 'sent', resends: 1 });
  });

  it('a refused message (4xx to the final ".") is retried without a copy; a 5xx fails it', async () => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    await store.mail.enqueue([mail('temp', clock.now()), mail('perm', clock.now())]);
    const s = await sink();
    const answers = [Object.assign(new Error('try later'), { responseCode: 451 }), Object.assign(new Error('no such user'), { responseCode: 550 })];
    s.hooks.onMessage = (d) => {
      const e = answers.shift();
      // smtp-server replies with the error instead of 250; the message does not count as delivered.
      if (e !== undefined) {
        s.deliveries.splice(s.deliveries.indexOf(d), 1);
        throw e;
      }
    };
    expect(await run(s.port)).toMatchObject({ sent: 0, retried: 1, failed: 1 });
    clock.advance(10 * 60_000);
    expect(await run(s.port)).toMatchObject({ sent: 1 });
    expect(s.deliveries.map((d) => d.subject)).toEqual(['Mail temp']);
    expect(await row('temp')).toMatchObject({ status: 'sent', resends: 0 });
    expect(await row('perm')).toMatchObject({ status: 'failed' });
  });
});
