// The running web client: the notifier (mail outbox planner + sender), the fastify app listening on
// web.host:web.port, and the mail loop (every mail.everySeconds: plan what other processes changed, send
// digests and due mails; never two runs at once). `leadrelay serve` runs it alone; the daemon beside its
// schedules when web.enabled (or only the mail loop when just mail.enabled).
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
