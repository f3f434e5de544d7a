// `serve`: the partner web client and JSON API (and the mail sender) until SIGTERM/SIGINT.
import type { Command } from 'commander';
import { exitCodes } from '../../lib/exit-codes.ts';
import { UserFacingError } from '../../lib/errors.ts';
import { signalPromise } from '../../scheduler/daemon.ts';
import { startWebRuntime } from '../../web/server.ts';
import type { CliIO } from '../shared.ts';
import { withApp } from '../shared.ts';
import { webhookHooks } from '../../sync/realtime-runtime.ts';

interface ServeOptions { host?: string; port?: number; bootstrapAdmin?: string }

export function registerServe(program: Command, io: CliIO): void {
  program.command('serve')
    .description('run the web client, the JSON API (/api/v1) and the mail sender until SIGTERM/SIGINT')
    .option('--host <host>', 'interface to listen on (default web.host)')
    .option('--port <port>', 'port (default web.port; 0 = any free port)', (v) => Number.parseInt(v, 10))
    .option('--bootstrap-admin <email>', 'create this manufacturer admin if no user has the address (the first sign-in)')
    .action(async (o: ServeOptions, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
          throw new UserFacingError(`--port must be 0..65535, not ${String(o.port)}.`, exitCodes.invalidInput);
        }
        if (o.bootstrapAdmin !== undefined) {
          const email = o.bootstrapAdmin.trim().toLowerCase();
          if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UserFacingError(`--bootstrap-admin needs an email address, not "${o.bootstrapAdmin}".`, exitCodes.invalidInput);
          if ((await app.store.users.getByEmail(email)) === null) {
            await app.store.users.upsert({ id: app.ctx.ids.next(), email, name: null, orgId: 'manufacturer', roles: ['admin'], active: true, externalId: null });
            io.out(`created admin ${email}: sign in at ${app.config.web.publicUrl}/login`);
          }
        }
        // Realtime webhooks are received here too; the daemon drains the inbox they land in.
        const hooks = app.config.realtime.enabled ? webhookHooks(app, app.connector(), () => undefined) : null;
        const rt = await startWebRuntime(app, { ...(o.host === undefined ? {} : { host: o.host }), ...(o.port === undefined ? {} : { port: o.port }), hooks });
        io.out(`leadrelay web client on ${rt.url ?? '-'} (public URL ${app.config.web.publicUrl}; mail ${app.config.mail.enabled ? 'on' : 'off: mails wait in the outbox'})`);
        const why = await signalPromise();
        io.out(`stopping (${why})`);
        await rt.close();
      });
    });
}
