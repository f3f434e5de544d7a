// Users: people who sign in. Emails are matched case-insensitively through a lower-cased key column.
import { z } from 'zod';
import { userRoles } from '../domain/partner.ts';
import type { User } from '../domain/partner.ts';
import type { UserRepository } from '../domain/ports.ts';
import { flag, json, parseRow, parseRows, toFlag, toJson } from './codecs.ts';
import type { Session } from './session.ts';

const userRow = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    org_id: z.string(),
    roles: json(z.array(z.enum(userRoles))),
    active: flag,
    external_id: z.string().nullable(),
  })
  .transform((r): User => ({
    id: r.id, email: r.email, name: r.name, orgId: r.org_id, roles: r.roles, active: r.active, externalId: r.external_id,
  }));

const emailKey = (email: string): string => email.trim().toLowerCase();

export function userRepository(s: Session): UserRepository {
  return {
    async get(id) {
      const row = await s.db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : parseRow(userRow, row, 'users');
    },

    async getByEmail(email) {
      const row = await s.db().selectFrom('users').selectAll().where('email_key', '=', emailKey(email)).executeTakeFirst();
      return row === undefined ? null : parseRow(userRow, row, 'users');
    },

    /** Insert or replace by id. Another user with the same email (any case) is a conflict and throws. */
    async upsert(user) {
      const row = {
        id: user.id, email: user.email, email_key: emailKey(user.email), name: user.name, org_id: user.orgId,
        roles: toJson(user.roles), active: toFlag(user.active), external_id: user.externalId,
      };
      const { id: _id, ...update } = row;
      await s.db().insertInto('users').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
    },

    async listByOrg(orgId) {
      const rows = await s.db().selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('email_key').execute();
      return parseRows(userRow, rows, 'users');
    },
  };
}
