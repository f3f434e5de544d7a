// A user's own settings: notification preferences (instant / digest at chosen times / off; products, regions,
// temperatures; quiet hours), personal API tokens (shown once, stored hashed) and an optional password.
import { hash } from '@node-rs/argon2';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { NotificationPrefs } from '../../domain/notification-prefs.ts';
import { notificationPrefsSchema } from '../../domain/notification-prefs.ts';
import { prefsFor } from '../../notify/planner.ts';
import { newApiToken } from '../auth/tokens.ts';
import type { WebDeps } from '../deps.ts';
import { page } from '../render.ts';
import { idParam } from '../zod-schema.ts';
import { actionLimit, authOf, csrfGuard, seeOther, signedIn } from './guards.ts';

const list = (s: string | undefined): string[] => (s ?? '').split(/[,;\n]/).map((x) => x.trim()).filter((x) => x !== '');

const prefsForm = z.object({
  offers: z.string(), digestTimes: z.string().optional(), timezone: z.string().optional(), products: z.string().optional(), regions: z.string().optional(),
  temperatures: z.union([z.string(), z.array(z.string())]).optional(), quietFrom: z.string().optional(), quietTo: z.string().optional(),
  reminders: z.string().optional(), reports: z.string().optional(), _csrf: z.string().optional(),
});
const tokenForm = z.object({ name: z.string().trim().min(1).max(100), _csrf: z.string().optional() });
const passwordForm = z.object({ password: z.string().min(12, { error: 'use at least 12 characters' }).max(200), _csrf: z.string().optional() });

/** Form fields → preferences, validated by the same schema the API uses. */
export function prefsFromForm(raw: unknown): ReturnType<typeof notificationPrefsSchema.safeParse> {
  const f = prefsForm.safeParse(raw);
  if (!f.success) return notificationPrefsSchema.safeParse(null);
  const d = f.data;
  const quiet = (d.quietFrom ?? '') !== '' && (d.quietTo ?? '') !== '' ? { from: d.quietFrom, to: d.quietTo } : null;
  return notificationPrefsSchema.safeParse({
    offers: d.offers, digestTimes: list(d.digestTimes).length > 0 ? list(d.digestTimes) : undefined, timezone: d.timezone || undefined,
    filters: { products: list(d.products), regions: list(d.regions), temperatures: [d.temperatures ?? []].flat() },
    quietHours: quiet, reminders: d.reminders === 'on', reports: d.reports === 'on',
  });
}

export function registerSettingsPages(app: FastifyInstance, deps: WebDeps): void {
  const pre = [signedIn(deps), csrfGuard(app)];
  const store = deps.ctx.store;

  const render = async (req: Parameters<typeof page>[0], reply: Parameters<typeof page>[1], o: { status?: number; error?: string | null; flash?: string | null; newToken?: string | null; prefs?: NotificationPrefs } = {}) => {
    const auth = authOf(req);
    const prefs = o.prefs ?? prefsFor(deps.notifier.deps, await store.identity.preferences(auth.user.id));
    const tokens = await store.identity.listApiTokens(auth.user.id);
    return page(req, reply, 'settings', 'Settings', { prefs, tokens, newToken: o.newToken ?? null, passwords: deps.web.passwords, user: auth.user }, {
      status: o.status ?? 200, error: o.error ?? null, flash: o.flash ?? null,
    });
  };

  app.get('/settings', { preHandler: pre }, async (req, reply) => render(req, reply, { flash: (req.query as Record<string, unknown>)['done'] === '1' ? 'Saved.' : null }));

  app.post('/settings/notifications', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const p = prefsFromForm(req.body);
    if (!p.success) return render(req, reply, { status: 400, error: `Check your settings: ${p.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')}` });
    await store.identity.setPreferences(authOf(req).user.id, p.data, deps.ctx.clock.now());
    return seeOther(reply, '/settings?done=1');
  });

  app.post('/settings/tokens', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    const body = tokenForm.safeParse(req.body);
    if (!body.success) return render(req, reply, { status: 400, error: 'Give the token a name, e.g. "CRM sync".' });
    const t = newApiToken();
    await store.identity.createApiToken({ id: t.id, userId: authOf(req).user.id, name: body.data.name, createdAt: deps.ctx.clock.now(), hash: t.hash });
    // Shown once, on this response only (no-store): it is not kept anywhere in clear.
    return render(req, reply, { newToken: t.token, flash: 'Token created. Copy it now: it will not be shown again.' });
  });

  app.post('/settings/tokens/:id/revoke', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    await store.identity.revokeApiToken(idParam.parse(req.params).id, authOf(req).user.id, deps.ctx.clock.now());
    return seeOther(reply, '/settings?done=1');
  });

  app.post('/settings/password', { preHandler: pre, config: actionLimit(deps) }, async (req, reply) => {
    if (!deps.web.passwords) return render(req, reply, { status: 403, error: 'Passwords are switched off here: sign in with the emailed link.' });
    const body = passwordForm.safeParse(req.body);
    if (!body.success) return render(req, reply, { status: 400, error: 'Use a password of at least 12 characters.' });
    await store.identity.setPassword(authOf(req).user.id, await hash(body.data.password), deps.ctx.clock.now());
    return seeOther(reply, '/settings?done=1');
  });
}
