// The running web client: the notifier (mail outbox planner + sender), the fastify app listening on
// web.host:web.port, and the mail loop (every mail.everySeconds: plan what other processes changed, send
// digests and due mails; never two runs at once). `leadrelay serve` runs it alone; the daemon beside its
// schedules when web.enabled (or only the mail loop when just mail.enabled).
//
// Several instances (issue #9): any number of these may run on one database behind a load balancer. The audit of
// what a process keeps in memory, and why each is safe (README "Running several instances" has the same table):
// - in the database, so any instance serves any request: sessions (web_sessions, read on every request, no
//   cache), sign-in links (magic_links, single use by a conditional update), API tokens, spent mail-button
//   nonces (action_links), rate-limit counters (rate_limits via rate-limit-store.ts, including the per-email
//   sign-in limit that used to be a Map in auth-pages.ts);
// - stateless, derived from web.secret, which must therefore be the same on every instance: CSRF tokens
//   (@fastify/csrf-protection: secret in a cookie signed with web.secret, HMAC bound to the session hash) and
//   the signed one-click links in mails (notify/links.ts);
// - shared work, claimed in the database: the mail loop runs on every instance; sendDueMails claims rows with
//   one UPDATE … WHERE status = 'pending' RETURNING, so no mail is sent by two; planning writes mails and digest
//   items with unique keys (ON CONFLICT DO NOTHING), so two planners of the same events queue each mail once;
//   housekeeping below is idempotent deletes, harmless when every instance runs it;
// - per instance on purpose (caches of immutable data or per-process by nature): compiled Eta templates,
//   Intl formatters (present.ts), the argon2 timing-equaliser hash (auth-pages.ts), the notifier's `sending`
//   flag and kick() (other instances pick mails up on their own timer), the hourly housekeeping timestamp.
import type { FastifyInstance } from 'fastify';
import { UserFacingError } from '../lib/errors.ts';
import { exitCodes } from '../lib/exit-codes.ts';
import type { Notifier } from '../notify/notifier.ts';
import { createNotifier } from '../notify/notifier.ts';
import type { MailTransport } from '../notify/transport.ts';
import type { App } from '../runtime/app.ts';
import { buildWebApp } from './app.ts';
import type { HubSpotHooks } from './routes/hooks.ts';

export interface WebRuntime {
  /** The listening address (null when only the mail loop runs). */
  readonly url: string | null;
  readonly app: FastifyInstance | null;
  readonly notifier: Notifier;
  close(): Promise<void>;
}

export interface WebRuntimeOptions {
  /** Serve pages and the API (default true); false runs only the mail loop. */
  readonly listen?: boolean;
  readonly host?: string;
  readonly port?: number;
  /** Tests and the demo pass their own; default SMTP from config when mail.enabled. */
  readonly transport?: MailTransport | null;
  /** Run the mail loop on a timer (default true). */
  readonly mailLoop?: boolean;
  /** Serve POST /hooks/hubspot (realtime ingestion). */
  readonly hooks?: HubSpotHooks | null;
}

export function requireWebSecret(app: App): string {
  const secret = app.config.web.secret;
  if (secret === null) {
    throw new UserFacingError('web.secret is not set: it signs the buttons in mails and the CSRF tokens.', exitCodes.invalidInput, [
      'export LEADRELAY_WEB_SECRET="$(openssl rand -base64 48)" (config/default.yaml reads web.secret from it)',
    ]);
  }
  return secret;
}

export async function startWebRuntime(app: App, o: WebRuntimeOptions = {}): Promise<WebRuntime> {
  const listen = o.listen ?? true;
  const secret = listen ? requireWebSecret(app) : app.config.web.secret;
  const notifier = createNotifier({
    store: app.store, settings: app.ctx.settings, web: app.config.web, mail: app.config.mail, clock: app.ctx.clock, logger: app.logger,
    ...(o.transport === undefined ? {} : { transport: o.transport }),
  });
  let web: FastifyInstance | null = null;
  let url: string | null = null;
  if (listen) {
    web = await buildWebApp({ ctx: app.ctx, web: { ...app.config.web, secret: secret! }, notifier, logger: app.logger.child({ component: 'web' }), ...(o.hooks ? { hooks: o.hooks } : {}) });
    url = await web.listen({ host: o.host ?? app.config.web.host, port: o.port ?? app.config.web.port });
  }
  let lastHousekeeping = 0;
  // Expired sessions, sign-in links and spent button nonces are deleted hourly. A nonce can go once its link
  // has expired (the expiry refuses a replay by itself), hence the actionLinkDays margin.
  const housekeeping = async (): Promise<void> => {
    const now = app.ctx.clock.now();
    if (now.getTime() - lastHousekeeping < 3_600_000) return;
    lastHousekeeping = now.getTime();
    await app.store.identity.deleteExpiredSessions(now);
    await app.store.identity.purgeLinks(new Date(now.getTime() - 86_400_000), new Date(now.getTime() - (app.config.web.actionLinkDays + 1) * 86_400_000));
    // Rate-limit windows last a minute; an hour's margin keeps this from racing a window still in use.
    await app.store.rateLimits.purge(new Date(now.getTime() - 3_600_000));
  };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const controller = new AbortController();
  const tickMail = (): void => {
    if (running !== null) return;
    running = housekeeping().then(() => notifier.runOnce(controller.signal))
      .catch((e: unknown) => { if (!controller.signal.aborted) app.logger.error('mail loop failed', { error: e instanceof Error ? e.message : String(e) }); })
      .finally(() => { running = null; });
  };
  if (o.mailLoop ?? true) {
    tickMail();
    timer = setInterval(tickMail, app.config.mail.everySeconds * 1000);
    timer.unref();
  }
  app.logger.info('web client started', { url, publicUrl: app.config.web.publicUrl, mail: app.config.mail.enabled });
  return {
    url, app: web, notifier,
    async close() {
      if (timer !== null) clearInterval(timer);
      controller.abort();
      if (web !== null) await web.close();
      await running;
      await notifier.close();
    },
  };
}
