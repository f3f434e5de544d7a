// The web app factory: fastify with security headers (helmet, strict CSP: no inline script or style), CSRF
// protection for forms (double-submit cookie bound to the session), rate limits, zod validation, OpenAPI for
// /api/v1, the auth hook, and every page and API route. `buildWebApp(deps)` returns it unstarted; `.listen()`
// or `.inject()` is the caller's choice. `app.routeTable` lists what was registered (the authorisation matrix
// test walks it, so a new route cannot escape the matrix).
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, isHttps } from './auth/authenticate.ts';
import type { WebDeps } from './deps.ts';
import type { WebError } from './errors.ts';
import { errorBody, webError } from './errors.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import { messagePage } from './render.ts';
import { registerApi } from './routes/api.ts';
import { registerAuthPages } from './routes/auth-pages.ts';
import { registerLinkPages } from './routes/link-pages.ts';
import { registerManagerPages } from './routes/manager-pages.ts';
import { registerPartnerPages } from './routes/partner-pages.ts';
import { registerPwa } from './routes/pwa.ts';
import { registerReportPages } from './routes/reports.ts';
import { registerSettingsPages } from './routes/settings-pages.ts';
import { RequestInvalid, swaggerTransform, zodValidator } from './zod-schema.ts';
import { registerHooks } from './routes/hooks.ts';

export interface RouteInfo { readonly method: string; readonly url: string }

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}

export const isApi = (req: FastifyRequest): boolean => req.url.startsWith('/api/');

export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  const web = deps.web;
  // Signed mail links carry ~250 characters in one path segment (find-my-way's default limit is 100).
  const app = Fastify({ logger: false, trustProxy: web.trustProxy, bodyLimit: 512 * 1024, routerOptions: { maxParamLength: 2048 } });
  app.setValidatorCompiler(zodValidator);
  const routes: RouteInfo[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });

  await app.register(cookie, { secret: web.secret });
  await app.register(formbody);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], fontSrc: ["'self'"],
        connectSrc: ["'self'"], manifestSrc: ["'self'"], workerSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
        baseUri: ["'none'"], objectSrc: ["'none'"], ...(isHttps(deps) ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Links in mails carry signed tokens in the path: never send them on as a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    hsts: isHttps(deps) ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  // Route-level onRequest hooks run after the app-level auth hook: changes are counted per user, reads per
  // client address, and before the body is parsed or the CSRF token checked (a flood costs little).
  // Counted in the database (rate-limit-store.ts): the limits hold across every instance behind a load balancer.
  await app.register(rateLimit, {
    global: true, hook: 'onRequest', max: web.rateLimit.readsPerMinute, timeWindow: 60_000,
    store: databaseRateLimitStore(deps.ctx.store.rateLimits, deps.ctx.clock),
  });
  await app.register(csrf, {
    cookieKey: isHttps(deps) ? '__Host-lr_csrf' : 'lr_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: isHttps(deps), signed: true },
    // Bound to the session, so a token planted before sign-in (cookie tossing) is worthless after it.
    getUserInfo: (req: FastifyRequest) => req.auth?.sessionHash ?? 'anonymous',
    csrfOpts: { hmacKey: web.secret },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'leadrelay API', version: 'v1', description: 'Partner and manager API. Authenticate with a personal API token: `Authorization: Bearer lr_…` (Settings → API tokens). Failures are `{ error: { code, message } }`.' },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
      security: [{ token: [] }],
    },
    hideUntagged: true,
    transform: swaggerTransform,
  });

  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req) => { await authenticate(deps, req); });

  app.setErrorHandler(async (e: FastifyError, req, reply) => sendError(deps, req, reply, toWebError(deps, e)));
  app.setNotFoundHandler(async (req, reply) => sendError(deps, req, reply, webError('ROUTE.NOT_FOUND', 'There is nothing at this address.')));

  registerPwa(app, deps);
  registerAuthPages(app, deps);
  registerPartnerPages(app, deps);
  registerManagerPages(app, deps);
  registerReportPages(app, deps);
  registerSettingsPages(app, deps);
  registerLinkPages(app, deps);
  registerApi(app, deps);
  if (deps.hooks !== undefined) registerHooks(app, deps, deps.hooks);
  app.get('/api/v1/openapi.json', { config: { public: true } }, async () => app.swagger());
  app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
  return app;
}

function toWebError(deps: WebDeps, e: FastifyError): WebError {
  if (e instanceof RequestInvalid) return webError('REQUEST.INVALID', e.message);
  if (e.statusCode === 429) return webError('REQUEST.RATE_LIMITED', 'Too many requests: wait a minute, then try again.');
  if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET') {
    return webError('CSRF.INVALID', 'This form has expired or came from elsewhere: reload the page and try again.');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { code: 'REQUEST.INVALID', message: e.message.slice(0, 200), status: e.statusCode };
  }
  deps.logger.error('web request failed', { error: e.message, code: e.code ?? null });
  return webError('INTERNAL', 'Something went wrong on our side. Try again; if it keeps happening, tell your administrator.');
}

export async function sendError(_deps: WebDeps, req: FastifyRequest, reply: FastifyReply, e: WebError): Promise<FastifyReply> {
  if (isApi(req) || (req.headers.accept ?? '').startsWith('application/json')) return reply.code(e.status).send(errorBody(e));
  if (e.status === 401) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  return messagePage(req, reply, e.status, e.status === 404 ? 'Not found' : 'That did not work', e.message, { href: '/', label: 'Back to the start' });
}
