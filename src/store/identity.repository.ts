// Identity for the web client: sessions, magic links, used action links, API tokens, passwords, portfolios,
// preferences and rep assignments. Only hashes of secrets are stored (see domain/identity.ts).
import { z } from 'zod';
import type { ApiToken, IdentityRepository, RepAssignment, UserScope } from '../domain/identity.ts';
import { scopeKinds } from '../domain/identity.ts';
import { notificationPrefsSchema } from '../domain/notification-prefs.ts';
import { userRoles } from '../domain/partner.ts';
import type { User } from '../domain/partner.ts';
import { flag, isoDate, json, parseRow, parseRows, toIso, toJson } from './codecs.ts';
import { chunksFor } from './engine.ts';
import type { Session } from './session.ts';

const userRow = z.object({
  id: z.string(), email: z.string(), name: z.string().nullable(), org_id: z.string(),
  roles: json(z.array(z.enum(userRoles))), active: flag, external_id: z.string().nullable(),
}).transform((r): User => ({ id: r.id, email: r.email, name: r.name, orgId: r.org_id, roles: r.roles, active: r.active, externalId: r.external_id }));

const sessionRow = z.object({
  hash: z.string(), user_id: z.string(), created_at: isoDate, expires_at: isoDate, last_seen_at: isoDate,
}).transform((r) => ({ hash: r.hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at }));

const tokenRow = z.object({
  id: z.string(), user_id: z.string(), name: z.string(), created_at: isoDate, last_used_at: isoDate.nullable(), revoked_at: isoDate.nullable(),
}).transform((r): ApiToken => ({ id: r.id, userId: r.user_id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));

const scopeRow = z.object({ kind: z.enum(scopeKinds), value: z.string() }).transform((r): UserScope => ({ kind: r.kind, value: r.value }));

const repRow = z.object({
  lead_id: z.string(), partner_id: z.string(), user_id: z.string(), assigned_by: z.string(), assigned_at: isoDate,
}).transform((r): RepAssignment => ({ leadId: r.lead_id, partnerId: r.partner_id, userId: r.user_id, assignedBy: r.assigned_by, at: r.assigned_at }));

const TOKEN_COLUMNS = ['id', 'user_id', 'name', 'created_at', 'last_used_at', 'revoked_at'] as const;

export function identityRepository(s: Session): IdentityRepository {
  return {
    async listUsers() {
      return parseRows(userRow, await s.db().selectFrom('users').selectAll().orderBy('email_key').execute(), 'users');
    },

    async createSession(x) {
      const at = toIso(x.createdAt);
      await s.db().insertInto('web_sessions').values({ hash: x.hash, user_id: x.userId, created_at: at, expires_at: toIso(x.expiresAt), last_seen_at: at }).execute();
    },
    async session(hash) {
      const row = await s.db().selectFrom('web_sessions').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row === undefined ? null : parseRow(sessionRow, row, 'web_sessions');
    },
    async touchSession(hash, lastSeenAt, expiresAt) {
      await s.db().updateTable('web_sessions').set({ last_seen_at: toIso(lastSeenAt), expires_at: toIso(expiresAt) }).where('hash', '=', hash).execute();
    },
    async deleteSession(hash) {
      await s.db().deleteFrom('web_sessions').where('hash', '=', hash).execute();
    },
    async deleteSessionsOf(userId) {
      return Number((await s.db().deleteFrom('web_sessions').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
    },
    async deleteExpiredSessions(now) {
      return Number((await s.db().deleteFrom('web_sessions').where('expires_at', '<=', toIso(now)).executeTakeFirst()).numDeletedRows);
    },

    async purgeLinks(linksBefore, noncesBefore) {
      const a = await s.db().deleteFrom('magic_links').where('created_at', '<', toIso(linksBefore)).executeTakeFirst();
      const b = await s.db().deleteFrom('action_links').where('used_at', '<', toIso(noncesBefore)).executeTakeFirst();
      return Number(a.numDeletedRows) + Number(b.numDeletedRows);
    },

    async createMagicLink(l) {
      await s.db().insertInto('magic_links').values({
        hash: l.hash, user_id: l.userId, created_at: toIso(l.createdAt), expires_at: toIso(l.expiresAt), used_at: null,
      }).execute();
    },
    async consumeMagicLink(hash, now) {
      const row = await s.db().updateTable('magic_links').set({ used_at: toIso(now) })
        .where('hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', toIso(now))
        .returning('user_id').executeTakeFirst();
      return row?.user_id ?? null;
    },

    async useActionLink(u) {
      const r = await s.db().insertInto('action_links')
        .values({ nonce: u.nonce, user_id: u.userId, lead_id: u.leadId, action: u.action, used_at: toIso(u.at) })
        .onConflict((oc) => oc.column('nonce').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async actionLinkUsed(nonce) {
      return (await s.db().selectFrom('action_links').select('nonce').where('nonce', '=', nonce).executeTakeFirst()) !== undefined;
    },

    async createApiToken(t) {
      await s.db().insertInto('api_tokens').values({
        id: t.id, user_id: t.userId, name: t.name, hash: t.hash, created_at: toIso(t.createdAt), last_used_at: null, revoked_at: null,
      }).execute();
    },
    async apiToken(hash) {
      const row = await s.db().selectFrom('api_tokens').select(TOKEN_COLUMNS).where('hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      return row === undefined ? null : parseRow(tokenRow, row, 'api_tokens');
    },
    async touchApiToken(id, at) {
      await s.db().updateTable('api_tokens').set({ last_used_at: toIso(at) }).where('id', '=', id).execute();
    },
    async listApiTokens(userId) {
      const rows = await s.db().selectFrom('api_tokens').select(TOKEN_COLUMNS).where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
      return parseRows(tokenRow, rows, 'api_tokens');
    },
    async revokeApiToken(id, userId, at) {
      const r = await s.db().updateTable('api_tokens').set({ revoked_at: toIso(at) })
        .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    async setPassword(userId, hash, at) {
      await s.db().insertInto('user_passwords').values({ user_id: userId, hash, updated_at: toIso(at) })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: toIso(at) })).execute();
    },
    async passwordHash(userId) {
      return (await s.db().selectFrom('user_passwords').select('hash').where('user_id', '=', userId).executeTakeFirst())?.hash ?? null;
    },

    async scopes(userId) {
      const rows = await s.db().selectFrom('user_scopes').select(['kind', 'value']).where('user_id', '=', userId).orderBy('kind').orderBy('value').execute();
      return parseRows(scopeRow, rows, 'user_scopes');
    },
    async setScopes(userId, scopes) {
      await s.atomic(async (db) => {
        await db.deleteFrom('user_scopes').where('user_id', '=', userId).execute();
        const rows = [...new Map(scopes.map((x) => [`${x.kind}\u0000${x.value}`, { user_id: userId, kind: x.kind, value: x.value }])).values()];
        for (const chunk of chunksFor(rows, 3, s.maxParams)) await db.insertInto('user_scopes').values(chunk).execute();
      });
    },

    async preferences(userId) {
      const row = await s.db().selectFrom('notification_prefs').select('prefs').where('user_id', '=', userId).executeTakeFirst();
      return row === undefined ? null : parseRow(json(notificationPrefsSchema), row.prefs, 'notification_prefs');
    },
    async setPreferences(userId, prefs, at) {
      const values = { prefs: toJson(prefs), updated_at: toIso(at) };
      await s.db().insertInto('notification_prefs').values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
    },

    async assignRep(a) {
      const values = { partner_id: a.partnerId, user_id: a.userId, assigned_by: a.assignedBy, assigned_at: toIso(a.at) };
      await s.db().insertInto('lead_reps').values({ lead_id: a.leadId, ...values })
        .onConflict((oc) => oc.column('lead_id').doUpdateSet(values)).execute();
    },
    async reps(leadIds) {
      const out = new Map<string, RepAssignment>();
      for (const chunk of chunksFor([...leadIds], 1, s.maxParams)) {
        if (chunk.length === 0) continue;
        const rows = await s.db().selectFrom('lead_reps').selectAll().where('lead_id', 'in', chunk).execute();
        for (const r of parseRows(repRow, rows, 'lead_reps')) out.set(r.leadId, r);
      }
      return out;
    },
  };
}
