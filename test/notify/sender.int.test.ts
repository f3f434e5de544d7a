// The mail sender loses no mail and never sends one notification as two different messages: the Message-ID is
// fixed at the first claim and reused by every attempt; the 250 is committed as it arrives; refusals are retried;
// an unknown outcome (a connection broken mid-exchange, or a sender that died) is resent with the same
// Message-ID. Each kill window is exercised against real SMTP servers over sockets: before the exchange, mid-DATA
// (the server discards the partial message), after the final "." without a 250, after the 250 without the
// commit. Mails are written in the transaction of their change: a rolled-back change sends nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import type { OutgoingMail } from '../../src/domain/mail.ts';
import { err } from '../../src/domain/result.ts';
import { sendDueMails } from '../../src/notify/sender.ts';
import type { MailMessage, MailTransport } from '../../src/notify/transport.ts';
import { change } from '../../src/web/operations.ts';
import { webError } from '../../src/web/errors.ts';
import type { WebFixture } from '../web/fixture.ts';
import { webFixture } from '../web/fixture.ts';

const cfg = { ...configSchema.parse({}).mail, enabled: true, maxAttempts: 3, leaseSeconds: 120 };
const mail = (key: string, at: Date): OutgoingMail => ({
  dedupeKey: key, kind: 'reminder', userId: 'u-pmA1', leadId: null, to: 'pma1@people.example', subject: `Mail ${key}`, html: '<p>x</p>', text: 'x', createdAt: at, notBefore: at,
});

/** A transport that answers each send with the next scripted outcome. */
function scripted(outcomes: Array<'ok' | Record<string, unknown>>): MailTransport & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(m) {
      const o = outcomes.shift() ?? 'ok';
      if (o !== 'ok') throw Object.assign(new Error('smtp said no'), o);
      sent.push(m);
      return { messageId: `<server-${sent.length}@smtp.test>`, response: '250 2.0.0 queued' };
    },
    close() {},
  };
}

describe('mail sender', () => {
  let f: WebFixture;
  afterEach(async () => { await f.close(); });

  it('sends each mail once, records the message id, and sends nothing on the next run', async () => {
    f = await webFixture({ transport: null });
    const { store, clock, ctx } = f.t;
    await store.mail.enqueue([mail('a', clock.now()), mail('b', clock.now()), mail('a', clock.now())]);
    const t = scripted([]);
    const first = await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger);
    expect(first).toEqual({ sent: 2, retried: 0, failed: 0, resent: 0, reclaimed: 0, uncertain: 0 });
    expect(t.sent.map((m) => m.subject)).toEqual(['Mail a', 'Mail b']);
    expect(t.sent[0]!.headers['Auto-Submitted']).toBe('auto-generated');
    const rows = await store.mail.list({});
    expect(rows.map((r) => [r.status, r.messageId, r.smtpResponse])).toEqual([
      ['sent', t.sent[1]!.messageId, '250 2.0.0 queued'], ['sent', t.sent[0]!.messageId, '250 2.0.0 queued'],
    ]);
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(0);
    expect(t.sent).toHaveLength(2);
  });

  it('retries a temporary refusal with backoff, fails a permanent one, resends an unknown outcome with the same Message-ID', async () => {
    f = await webFixture({ transport: null });
    const { store, clock, ctx } = f.t;
    await store.mail.enqueue([mail('temp', clock.now()), mail('perm', clock.now()), mail('lost', clock.now())]);
    const t = scripted([{ responseCode: 451, command: 'RCPT TO' }, { responseCode: 550, command: 'RCPT TO' }, { code: 'ETIMEDOUT', command: 'DATA' }]);
    expect(await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger))
      .toEqual({ sent: 0, retried: 1, failed: 1, resent: 1, reclaimed: 0, uncertain: 0 });
    // Not due yet: the backoff holds the retry back.
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(0);
    clock.advance(5 * 60_000);
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(2);
    expect(t.sent.map((m) => m.subject)).toEqual(['Mail temp', 'Mail lost']);
    const lost = (await store.mail.list({})).find((m) => m.dedupeKey === 'lost')!;
    expect(lost).toMatchObject({ status: 'sent', resends: 1, attempts: 2, messageId: t.sent[1]!.messageId });
    expect(await store.mail.counts()).toMatchObject({ sent: 2, failed: 1, uncertain: 0, pending: 0 });
  });

  it('an unknown outcome on the last attempt is uncertain: kept for a person, not resent again', async () => {
    f = await webFixture({ transport: null });
    const { store, clock, ctx } = f.t;
    await store.mail.enqueue([mail('cut', clock.now())]);
    const t = scripted([{ code: 'ETIMEDOUT', command: 'CONN' }, { code: 'ECONNECTION', command: 'CONN' }, { code: 'ETIMEDOUT', command: 'CONN' }]);
    const runs = [];
    for (let i = 0; i < 4; i++) {
      runs.push(await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger));
      clock.advance(10 * 60_000);
    }
    expect(runs.map((r) => [r.resent, r.uncertain])).toEqual([[1, 0], [1, 0], [0, 1], [0, 0]]);
    expect(t.sent).toHaveLength(0);
    expect((await store.mail.list({}))[0]).toMatchObject({ status: 'uncertain', attempts: 3, resends: 2 });
  });

  it('mails commit with their change: a change that fails queues no mail', async () => {
    f = await webFixture({ transport: null });
    const { store, clock } = f.t;
    const before = (await store.mail.list({ limit: 1000 })).length;
    const r = await change({ ctx: f.t.ctx, web: f.web, notifier: f.notifier, logger: f.t.ctx.logger }, async (_ctx, tx) => {
      await tx.events.append([{ leadId: f.leads.RA1, at: clock.now(), type: 'reminder', actor: 'system', partnerId: f.partners.A1, data: {} }]);
      await tx.mail.enqueue([mail('inside', clock.now())]);
      return err(webError('AUTH.FORBIDDEN', 'no'));
    });
    expect(r.ok).toBe(false);
    expect((await store.mail.list({ limit: 1000 })).length).toBe(before);
    expect((await store.events.listByLead(f.leads.RA1)).filter((e) => e.type === 'reminder')).toHaveLength(0);
  });
});
