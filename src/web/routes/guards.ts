// Route guards shared by pages and the API: signed in, CSRF for forms (and for cookie-authenticated API
// writes; token-authenticated API calls carry no ambient credential, so they need none), and the per-user
// rate limit on changes.
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { Auth } from '../auth/authenticate.ts';
import type { WebDeps } from '../deps.ts';
import { webError } from '../errors.ts';
import { sendError } from '../app.ts';

/** The caller, after `signedIn` ran. */
export function authOf(req: FastifyRequest): Auth {
  if (req.auth === null) throw new Error('authOf() on a route without the signedIn guard');
  return req.auth;
}

export function signedIn(deps: WebDeps): preHandlerAsyncHookHandler {
  // Returning the reply tells fastify the request is answered: later hooks and the handler do not run.
  return async (req, reply) => {
    if (req.auth === null) return sendError(deps, req, reply, webError('AUTH.REQUIRED', 'Sign in first (or send an API token: Authorization: Bearer lr_…).'));
    return undefined;
  };
}

const unsafe = (m: string): boolean => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS';

/**
 * CSRF check for form posts and cookie-authenticated API writes (@fastify/csrf-protection; the token comes in
 * the `_csrf` field or an `x-csrf-token` header). Callback style: the plugin answers a bad token itself.
 */
export function csrfGuard(app: FastifyInstance): preHandlerHookHandler {
  return function guard(req, reply, done) {
    if (!unsafe(req.method) || req.auth?.via === 'token') {
      done();
      return;
    }
    app.csrfProtection(req, reply, done);
  };
}

/** Route config: changes are limited per user (or client address before sign-in). */
export function actionLimit(deps: WebDeps) {
  return {
    rateLimit: {
      max: deps.web.rateLimit.actionsPerMinute, timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => (req.auth === null ? `ip:${req.ip}` : `user:${req.auth.user.id}`),
    },
  };
}

export function loginLimit(deps: WebDeps) {
  return { rateLimit: { max: deps.web.rateLimit.loginPerMinute, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `login:${req.ip}` } };
}

/** Only same-site relative paths: `next` must never send someone to another host after sign-in. */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500 ? next : null;
}

export const seeOther = (reply: FastifyReply, to: string): FastifyReply => reply.redirect(to, 303);
