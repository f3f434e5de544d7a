// Who is asking: a session cookie (people in the browser) or a personal API token (integrations), resolved on
// every request into `req.auth` = user + slice. Sessions live in the database (several web instances can share
// them); the cookie holds a 256-bit random id, the table only its sha256. Cookies are HttpOnly, SameSite=Lax,
// Secure (and `__Host-` prefixed) when the public URL is https.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../domain/partner.ts';
import type { WebDeps } from '../deps.ts';
import type { Slice } from './slice.ts';
import { computeSlice } from './slice.ts';
import { randomToken, sha256 } from './tokens.ts';

export interface Auth {
  readonly user: User;
  readonly slice: Slice;
  readonly via: 'session' | 'token' | 'link';
  /** sha256 of the session id (session auth only): CSRF tokens are bound to it. */
  readonly sessionHash: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
}

const TOUCH_EVERY_MS = 5 * 60_000;
const DAY = 86_400_000;

export const isHttps = (deps: WebDeps): boolean => deps.web.publicUrl.startsWith('https:');
export const sessionCookie = (deps: WebDeps): string => (isHttps(deps) ? '__Host-lr_session' : 'lr_session');

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? null;
}

/** The onRequest hook: sets req.auth or leaves it null. Never throws for bad credentials: routes decide. */
export async function authenticate(deps: WebDeps, req: FastifyRequest): Promise<void> {
  req.auth = null;
  const store = deps.ctx.store;
  const now = deps.ctx.clock.now();
  const token = bearer(req);
  if (token !== null) {
    const t = await store.identity.apiToken(sha256(token));
    if (t === null) return;
    const user = await store.users.get(t.userId);
    if (user === null || !user.active) return;
    if (t.lastUsedAt === null || now.getTime() - t.lastUsedAt.getTime() > TOUCH_EVERY_MS) await store.identity.touchApiToken(t.id, now);
    req.auth = { user, slice: await computeSlice(store, user), via: 'token', sessionHash: null };
    return;
  }
  const raw = req.cookies[sessionCookie(deps)];
  if (raw === undefined || raw === '' || raw.length > 200) return;
  const hash = sha256(raw);
  const s = await store.identity.session(hash);
  if (s === null || s.expiresAt.getTime() <= now.getTime()) return;
  const user = await store.users.get(s.userId);
  if (user === null || !user.active) return;
  // Sliding expiry, written at most every few minutes: a page view is not a database write.
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await store.identity.touchSession(hash, now, new Date(now.getTime() + deps.web.sessionDays * DAY));
  }
  req.auth = { user, slice: await computeSlice(store, user), via: 'session', sessionHash: hash };
}

export async function startSession(deps: WebDeps, reply: FastifyReply, user: User): Promise<void> {
  const id = randomToken();
  const now = deps.ctx.clock.now();
  const expiresAt = new Date(now.getTime() + deps.web.sessionDays * DAY);
  await deps.ctx.store.identity.createSession({ hash: sha256(id), userId: user.id, createdAt: now, expiresAt });
  reply.setCookie(sessionCookie(deps), id, {
    httpOnly: true, sameSite: 'lax', secure: isHttps(deps), path: '/', maxAge: Math.floor((expiresAt.getTime() - now.getTime()) / 1000),
  });
}

export async function endSession(deps: WebDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.auth?.sessionHash != null) await deps.ctx.store.identity.deleteSession(req.auth.sessionHash);
  reply.clearCookie(sessionCookie(deps), { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(deps) });
}
