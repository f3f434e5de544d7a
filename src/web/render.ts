// Server-rendered pages: eta templates in ./views with autoEscape on (every `<%= %>` is HTML-escaped; the only
// raw output, `<%~ it.body %>` in the layout, is a page eta already escaped). Pages carry personal data, so
// they are `no-store`: neither the browser cache nor the service worker keeps them.
import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Slice } from './auth/slice.ts';

const views = new Eta({ views: join(import.meta.dirname, 'views'), autoEscape: true, cache: true });

export interface NavItem { readonly href: string; readonly label: string }

export function navFor(slice: Slice | null): NavItem[] {
  if (slice === null) return [];
  const nav: NavItem[] = [];
  if (slice.can.pick) nav.push({ href: '/picks', label: 'Offers' }, { href: '/leads', label: 'My leads' });
  if (slice.can.team) nav.push({ href: '/team', label: 'Team' });
  if (slice.can.overview) nav.push({ href: '/overview', label: 'Partners' });
  // Report slices exist for managers and admins (src/web/routes/reports-view.ts); sales reps and agencies have none.
  if (slice.roles.has('admin') || slice.roles.has('channel_manager') || slice.roles.has('distributor_manager') || slice.roles.has('partner_manager')) nav.push({ href: '/reports', label: 'Reports' });
  if (slice.can.qualify) nav.push({ href: '/queue', label: 'Queue' });
  if (slice.orgKind !== 'agency') nav.push({ href: '/points', label: 'Points' });
  if (slice.can.admin) nav.push({ href: '/admin', label: 'Admin' });
  nav.push({ href: '/settings', label: 'Settings' });
  return nav;
}

/** The home page of a user: the first thing their role works on. */
export function homeOf(slice: Slice): string {
  if (slice.can.pick) return '/picks';
  if (slice.can.overview) return '/overview';
  if (slice.can.qualify) return '/queue';
  return '/settings';
}

export async function csrfToken(req: FastifyRequest, reply: FastifyReply): Promise<string> {
  return reply.generateCsrf({ userInfo: req.auth?.sessionHash ?? 'anonymous' });
}

export interface PageOptions {
  readonly status?: number;
  readonly flash?: string | null;
  readonly error?: string | null;
}

export async function page(req: FastifyRequest, reply: FastifyReply, view: string, title: string, data: object, o: PageOptions = {}): Promise<FastifyReply> {
  const csrf = await csrfToken(req, reply);
  const auth = req.auth;
  const common = {
    title, csrf, path: req.url.split('?')[0] ?? '/',
    user: auth === null ? null : { name: auth.user.name ?? auth.user.email, email: auth.user.email },
    nav: navFor(auth?.slice ?? null), flash: o.flash ?? null, error: o.error ?? null,
  };
  const body = views.render(view, { ...common, ...data });
  const html = views.render('layout', { ...common, body });
  return reply.code(o.status ?? 200).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** A plain message page (results, errors, refusals), with an optional link onwards. */
export async function messagePage(
  req: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string, next?: { href: string; label: string },
): Promise<FastifyReply> {
  return page(req, reply, 'message', title, { message, next: next ?? null, failed: status >= 400 }, { status });
}
