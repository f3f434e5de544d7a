// Admin: users (organisation, roles, active, a channel manager's portfolio) and partners. Admins only; every
// change is validated (roles must fit the organisation) and deactivating a user ends their sessions at once.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { scopeKinds } from '../../domain/identity.ts';
import type { User } from '../../domain/partner.ts';
import { userRoles } from '../../domain/partner.ts';
import type { Result } from '../../domain/result.ts';
import { err, ok } from '../../domain/result.ts';
import { orgKindOf } from '../auth/slice.ts';
import type { WebDeps } from '../deps.ts';
import type { WebError } from '../errors.ts';
import { webError } from '../errors.ts';
import { page } from '../render.ts';
import { sendError } from '../app.ts';
import { actionLimit, authOf, csrfGuard, seeOther, signedIn } from './guards.ts';
import type { Auth } from '../auth/authenticate.ts';

export const userInput = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().trim().max(200).nullable().optional(),
  orgId: z.string().trim().min(1).max(200),
  roles: z.array(z.enum(userRoles)).max(6),
  active: z.boolean().default(true),
  scopes: z.array(z.strictObject({ kind: z.enum(scopeKinds), value: z.string().trim().min(1).max(100) })).max(500).default([]),
});
export type UserInput = z.infer<typeof userInput>;

const fitting: Readonly<Record<string, readonly string[]>> = {
  manufacturer: ['admin', 'channel_manager'], partner: ['distributor_manager', 'partner_manager', 'sales_rep'], agency: ['agency_qualifier'],
};

/** Create or update (by email) a user; shared by the admin page and the API. */
export async function saveUser(deps: WebDeps, auth: Auth, input: UserInput): Promise<Result<User, WebError>> {
  if (!auth.slice.can.admin) return err(webError('AUTH.FORBIDDEN', 'Only admins manage users.'));
  const store = deps.ctx.store;
  const kind = orgKindOf(input.orgId);
  if (kind === 'partner' && (await store.partners.get(input.orgId)) === null) return err(webError('USER.INVALID', `No partner ${input.orgId}: pick an organisation from the list.`));
  const wrong = input.roles.filter((r) => !(fitting[kind] ?? []).includes(r));
  if (wrong.length > 0) return err(webError('USER.INVALID', `Roles ${wrong.join(', ')} do not fit a ${kind} user.`));
  if (input.scopes.length > 0 && !input.roles.includes('channel_manager')) return err(webError('USER.INVALID', 'Only channel managers have a portfolio.'));
  return store.transaction(async (tx) => {
    const existing = await tx.users.getByEmail(input.email);
    if (existing?.id === auth.user.id && (!input.active || !input.roles.includes('admin'))) {
      return err(webError('USER.INVALID', 'You cannot remove your own admin role or deactivate yourself.'));
    }
    const user: User = {
      id: existing?.id ?? deps.ctx.ids.next(), email: input.email, name: input.name ?? existing?.name ?? null, orgId: input.orgId,
      roles: [...new Set(input.roles)], active: input.active, externalId: existing?.externalId ?? null,
    };
    await tx.users.upsert(user);
    await tx.identity.setScopes(user.id, input.scopes);
    if (!user.active) await tx.identity.deleteSessionsOf(user.id);
    return ok(user);
  });
}

const form = z.object({
  email: z.string(), name: z.string().optional(), orgId: z.string(), roles: z.union([z.string(), z.array(z.string())]).optional(),
  active: z.string().optional(), scopes: z.string().max(20_000).optional(), _csrf: z.string().optional(),
});

/** "partner:ID, country:DE, region:Bavaria" → scopes. */
function parseScopes(text: string): Array<{ kind: string; value: string }> {
  return text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const i = s.indexOf(':');
    return i < 0 ? { kind: 'partner', value: s } : { kind: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
  });
}

export function registerAdminPages(app: FastifyInstance, deps: WebDeps): void {
  const pre = [signedIn(deps), csrfGuard(app)];
  const forbidden = { code: 'AUTH.FORBIDDEN' as const, message: 'The admin page is for admins.', status: 403 };

  const render = async (req: Parameters<typeof page>[0], reply: Parameters<typeof page>[1], status = 200, error: string | null = null) => {
    const [users, partners] = await Promise.all([deps.ctx.store.identity.listUsers(), deps.ctx.store.partners.list()]);
    const scopes = new Map<string, string>();
    for (const u of users.filter((x) => x.roles.includes('channel_manager'))) {
      scopes.set(u.id, (await deps.ctx.store.identity.scopes(u.id)).map((s) => `${s.kind}:${s.value}`).join(', '));
    }
    const names = new Map(partners.map((p) => [p.id, p.data.name]));
    return page(req, reply, 'admin', 'Admin', { users, partners, scopes, names, roles: userRoles }, { status, error, flash: (req.query as Record<string, unknown>)['done'] === 'saved' ? 'Saved.' : null });
  };

  app.get('/admin', { preHandler: pre }, async (req, reply) => (authOf(req).slice.can.admin ? render(req, reply) : sendError(deps, req, reply, forbidden)));

  app.post('/admin/users', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const auth = authOf(req);
    if (!auth.slice.can.admin) return sendError(deps, req, reply, forbidden);
    const f = form.safeParse(req.body);
    const parsed = f.success ? userInput.safeParse({
      email: f.data.email, name: f.data.name ?? null, orgId: f.data.orgId, roles: [f.data.roles ?? []].flat(),
      active: f.data.active === 'on' || f.data.active === 'true', scopes: parseScopes(f.data.scopes ?? ''),
    }) : null;
    if (parsed === null || !parsed.success) {
      const why = parsed === null ? 'Fill in the email and organisation.' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return render(req, reply, 400, why);
    }
    const r = await saveUser(deps, auth, parsed.data);
    return r.ok ? seeOther(reply, '/admin?done=saved') : render(req, reply, r.error.status, r.error.message);
  });
}
