// The notifier: one object the web layer and the daemon share. Inside a transaction it plans mails (outbox rows
// commit with the change); after the commit `kick()` wakes the sender; on a timer `runOnce()` plans what other
// processes changed (CLI, sync, tick), sends digests and due mails. Sends never overlap.
import type { User } from '../domain/partner.ts';
import type { Clock, Store } from '../domain/ports.ts';
import type { Logger } from '../lib/logger.ts';
import type { ServiceSettings } from '../services/context.ts';
import type { WebConfig } from '../web/config-schema.ts';
import { sha256 } from '../web/auth/tokens.ts';
import type { MailConfig } from './config-schema.ts';
import { magicLinkMail } from './compose.ts';
import { sendDigests } from './digest.ts';
import type { PlannerDeps } from './planner.ts';
import { EVENT_CURSOR, NOTICE_CURSOR, planEvents, planNotices } from './planner.ts';
import type { SendSummary } from './sender.ts';
import { sendDueMails } from './sender.ts';
import type { MailTransport } from './transport.ts';
import { smtpTransport } from './transport.ts';

export interface NotifierOptions {
  readonly store: Store;
  readonly settings: ServiceSettings;
  readonly web: WebConfig;
  readonly mail: MailConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default: SMTP from config when mail.enabled, else none (mails wait in the outbox). */
  readonly transport?: MailTransport | null;
}

export interface NotifySummary { planned: number; digests: number; send: SendSummary | null }

export interface Notifier {
  readonly deps: PlannerDeps;
  /** Plan the mails for the events appended after `afterEventId`, on the caller's transaction. */
  planInTransaction(tx: Store, afterEventId: number): Promise<number>;
  magicLink(tx: Store, user: User, url: string): Promise<void>;
  /** After a commit: send soon. Cheap and safe to call often. */
  kick(): void;
  runOnce(signal?: AbortSignal): Promise<NotifySummary>;
  /** Wait for the send in flight (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const PLAN_BATCH = 500;

export function createNotifier(o: NotifierOptions): Notifier {
  const base = o.web.publicUrl.replace(/\/+$/, '');
  const deps: PlannerDeps = { base, secret: o.web.secret, actionLinkDays: o.web.actionLinkDays, defaults: o.mail.defaults, settings: o.settings };
  const transport = o.transport !== undefined ? o.transport : o.mail.enabled ? smtpTransport(o.mail) : null;
  let sending: Promise<SendSummary | null> | null = null;
  let again = false;
  let closed = false;

  const send = (signal?: AbortSignal): Promise<SendSummary | null> => {
    if (transport === null || closed) return Promise.resolve(null);
    if (sending !== null) {
      again = true;
      return sending;
    }
    sending = (async () => {
      let last: SendSummary;
      do {
        again = false;
        last = await sendDueMails(o.store, transport, o.mail, base, () => o.clock.now(), o.logger, signal);
      } while (again && !closed);
      return last;
    })().catch((e: unknown) => {
      o.logger.error('mail sender failed', { error: e instanceof Error ? e.message : String(e) });
      return null;
    }).finally(() => { sending = null; });
    return sending;
  };

  const planPending = async (): Promise<{ events: number; planned: number }> => o.store.transaction(async (tx) => {
    const now = o.clock.now();
    const stored = await tx.kv.get(EVENT_CURSOR);
    if (stored === null) {
      // First start on this database: mail about what happens from now on, not about its whole history.
      await tx.kv.set(EVENT_CURSOR, String(await tx.mail.lastEventId()), now);
      await tx.kv.set(NOTICE_CURSOR, now.toISOString(), now);
      return { events: 0, planned: 0 };
    }
    const events = await tx.mail.eventsAfter(Number(stored), PLAN_BATCH);
    let planned = await planEvents(tx, deps, events, now);
    if (events.length > 0) await tx.kv.set(EVENT_CURSOR, String(events.at(-1)!.id), now);
    const since = new Date((await tx.kv.get(NOTICE_CURSOR)) ?? now.toISOString());
    const n = await planNotices(tx, deps, since, now);
    planned += n.queued;
    if (n.cursor !== null) await tx.kv.set(NOTICE_CURSOR, n.cursor.toISOString(), now);
    return { events: events.length, planned };
  });

  return {
    deps,
    async planInTransaction(tx, afterEventId) {
      return planEvents(tx, deps, await tx.mail.eventsAfter(afterEventId, PLAN_BATCH), o.clock.now());
    },
    async magicLink(tx, user, url) {
      const now = o.clock.now();
      const m = magicLinkMail(base, url, o.web.magicLinkMinutes);
      await tx.mail.enqueue([{
        dedupeKey: `magic:${sha256(url)}`, kind: 'magic_link', userId: user.id, leadId: null, to: user.email,
        subject: m.subject, html: m.html, text: m.text, createdAt: now, notBefore: now,
      }]);
    },
    kick() {
      if (transport === null || closed) return;
      setImmediate(() => { void send(); });
    },
    async runOnce(signal) {
      let planned = 0;
      for (let i = 0; i < 20; i++) {
        signal?.throwIfAborted();
        const r = await planPending();
        planned += r.planned;
        if (r.events < PLAN_BATCH) break;
      }
      const digests = await sendDigests(o.store, deps, o.clock.now());
      return { planned, digests, send: await send(signal) };
    },
    async idle() {
      while (sending !== null) await sending;
    },
    async close() {
      closed = true;
      while (sending !== null) await sending;
      transport?.close();
    },
  };
}
