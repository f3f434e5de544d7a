// The mail sender is at most once: a mail is claimed before the SMTP call and marked sent (with the server's
// message id) after it; refusals are retried or failed; an unknown outcome (or a sender that died mid-send) is
// never resent. Mails are written in the transaction of their change: a rolled-back change sends nothing.
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

const cfg = { ...configSchema.parse({}).mail, enabled: true, maxAttempts: 3 };
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
    expect(first).toEqual({ sent: 2, retried: 0, failed: 0, uncertain: 0 });
    expect(t.sent.map((m) => m.subject)).toEqual(['Mail a', 'Mail b']);
    expect(t.sent[0]!.headers['Auto-Submitted']).toBe('auto-generated');
    const rows = await store.mail.list({});
    expect(rows.map((r) => [r.status, r.messageId])).toEqual([['sent', '<server-2@smtp.test>'], ['sent', '<server-1@smtp.test>']]);
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(0);
    expect(t.sent).toHaveLength(2);
  });

  it('retries a temporary refusal with backoff, fails a permanent one, never resends an unknown outcome', async () => {
    f = await webFixture({ transport: null });
    const { store, clock, ctx } = f.t;
    await store.mail.enqueue([mail('temp', clock.now()), mail('perm', clock.now()), mail('lost', clock.now())]);
    const t = scripted([{ responseCode: 451, command: 'RCPT TO' }, { responseCode: 550, command: 'RCPT TO' }, { code: 'ETIMEDOUT', command: 'DATA' }]);
    expect(await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).toEqual({ sent: 0, retried: 1, failed: 1, uncertain: 1 });
    // Not due yet: the backoff holds the retry back.
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(0);
    clock.advance(5 * 60_000);
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(1);
    expect(t.sent.map((m) => m.subject)).toEqual(['Mail temp']);
    expect(await store.mail.counts()).toMatchObject({ sent: 1, failed: 1, uncertain: 1, pending: 0 });
  });

  it('a sender that dies between claim and SMTP answer leaves the mail uncertain, not sent twice', async () => {
    f = await webFixture({ transport: null });
    const { store, clock, ctx } = f.t;
    await store.mail.enqueue([mail('crash', clock.now())]);
    // The dead sender: it claimed the mail (and may have handed it to SMTP) but never recorded the outcome.
    expect(await store.mail.claimDue(clock.now(), 10)).toHaveLength(1);
    const t = scripted([]);
    expect((await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).sent).toBe(0);
    clock.advance(10 * 60_000);
    expect(await sendDueMails(store, t, cfg, f.web.publicUrl, () => clock.now(), ctx.logger)).toMatchObject({ sent: 0, uncertain: 1 });
    expect(t.sent).toHaveLength(0);
    expect((await store.mail.list({}))[0]).toMatchObject({ status: 'uncertain' });
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
