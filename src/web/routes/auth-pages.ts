// Signing in: an emailed magic link (always), or a password (argon2) when enabled and set. The answer to "send
// me a link" is the same whether the address is known or not, so the form cannot be used to find users.
// The link opens a page with a button; only its POST signs in, so mail scanners that fetch links burn nothing.
import { hash as argon2Hash, verify } from '@node-rs/argon2';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { endSession, startSession } from '../auth/authenticate.ts';
import { randomToken, sha256 } from '../auth/tokens.ts';
import type { WebDeps } from '../deps.ts';
import { limiter } from '../rate-limit-store.ts';
import { homeOf, messagePage, page } from '../render.ts';
import { csrfGuard, loginLimit, safeNext, seeOther } from './guards.ts';

const email = z.string().trim().toLowerCase().max(320).pipe(z.email({ error: 'enter an email address like name@company.com' }));
const loginBody = z.object({ email, next: z.string().max(500).optional(), _csrf: z.string().optional() });
const passwordBody = z.object({ email, password: z.string().min(1).max(200), next: z.string().max(500).optional(), _csrf: z.string().optional() });
const confirmBody = z.object({ token: z.string().min(10).max(200), next: z.string().max(500).optional(), _csrf: z.string().optional() });

let dummyHash: Promise<string> | null = null;
const dummy = (): Promise<string> => (dummyHash ??= argon2Hash('leadrelay timing equaliser'));

export function registerAuthPages(app: FastifyInstance, deps: WebDeps): void {
  const store = deps.ctx.store;
  // Per email address, on top of the per-address route limit: nobody floods one inbox with links. Counted in the
  // database like the route limits, so it holds across instances.
  const perEmail = limiter(store.rateLimits, deps.ctx.clock, 'login-email', deps.web.rateLimit.loginPerMinute, 60_000);
  const csrf = csrfGuard(app);

  app.get('/', async (req, reply) => seeOther(reply, req.auth === null ? '/login' : homeOf(req.auth.slice)));

  app.get('/login', async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>)['next']);
    if (req.auth !== null) return seeOther(reply, next ?? homeOf(req.auth.slice));
    return page(req, reply, 'login', 'Sign in', { next, passwords: deps.web.passwords });
  });

  app.post('/login', { config: loginLimit(deps), preHandler: csrf }, async (req, reply) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) {
      return page(req, reply, 'login', 'Sign in', { next: null, passwords: deps.web.passwords }, { status: 400, error: 'Enter an email address like name@company.com.' });
    }
    const now = deps.ctx.clock.now();
    const next = safeNext(body.data.next);
    if (await perEmail(body.data.email)) {
      const user = await store.users.getByEmail(body.data.email);
      if (user !== null && user.active) {
        const token = randomToken();
        const url = `${deps.notifier.deps.base}/auth/${token}${next === null ? '' : `?next=${encodeURIComponent(next)}`}`;
        await store.transaction(async (tx) => {
          await tx.identity.createMagicLink({ hash: sha256(token), userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + deps.web.magicLinkMinutes * 60_000) });
          await deps.notifier.magicLink(tx, user, url);
        });
        deps.notifier.kick();
      }
    }
    return page(req, reply, 'login-sent', 'Check your mail', { minutes: deps.web.magicLinkMinutes });
  });

  app.post('/login/password', { config: loginLimit(deps), preHandler: csrf }, async (req, reply) => {
    const body = passwordBody.safeParse(req.body);
    const refuse = () => page(req, reply, 'login', 'Sign in', { next: null, passwords: deps.web.passwords }, { status: 401, error: 'That email and password do not match. Use the emailed link instead, or try again.' });
    if (!deps.web.passwords || !body.success || !(await perEmail(`pw:${body.data.email}`))) return refuse();
    const user = await store.users.getByEmail(body.data.email);
    const hash = user === null || !user.active ? null : await store.identity.passwordHash(user.id);
    // Unknown users and users without a password cost one argon2 verification too: timing tells nothing.
    const matches = await verify(hash ?? await dummy(), body.data.password).catch(() => false);
    if (user === null || hash === null || !matches) return refuse();
    await startSession(deps, reply, user);
    return seeOther(reply, safeNext(body.data.next) ?? '/');
  });

  // GET shows a button and changes nothing (mail scanners follow links); POST signs in.
  app.get('/auth/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const next = safeNext((req.query as Record<string, unknown>)['next']);
    return page(req, reply, 'auth-confirm', 'Sign in', { token, next });
  });

  app.post('/auth', { config: loginLimit(deps), preHandler: csrf }, async (req, reply) => {
    const body = confirmBody.safeParse(req.body);
    const userId = body.success ? await store.identity.consumeMagicLink(sha256(body.data.token), deps.ctx.clock.now()) : null;
    const user = userId === null ? null : await store.users.get(userId);
    if (user === null || !user.active) {
      return messagePage(req, reply, 400, 'This link no longer works', 'Sign-in links work once and only for a short time. Ask for a new one.', { href: '/login', label: 'Get a new link' });
    }
    await startSession(deps, reply, user);
    return seeOther(reply, (body.success ? safeNext(body.data.next) : null) ?? '/');
  });

  app.post('/logout', { preHandler: csrf }, async (req, reply) => {
    await endSession(deps, req, reply);
    return seeOther(reply, '/login');
  });
}
