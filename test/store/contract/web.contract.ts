// Contract for the web client's repositories (identity, mail outbox, slice views): the same behaviour from
// every store implementation. Secrets arrive hashed; one-time things (magic links, action-link nonces, mail
// claims) are one-time in a single statement, so two racing callers cannot both win.
import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../src/domain/mail.ts';
import { defaultPrefs } from '../../../src/domain/notification-prefs.ts';
import type { User } from '../../../src/domain/partner.ts';
import type { Store } from '../../../src/domain/ports.ts';
import { at, seedLeads, seedPartners, T0, useStore } from './fixtures.ts';
import type { OpenStore } from './fixtures.ts';

const user = (id: string, orgId = 'manufacturer'): User => ({ id, email: `${id}@x.example`, name: null, orgId, roles: ['admin'], active: true, externalId: null });
const mail = (key: string, notBefore = T0): OutgoingMail => ({ dedupeKey: key, kind: 'reminder', userId: 'u1', leadId: null, to: 'u1@x.example', subject: key, html: '<p>h</p>', text: 't', createdAt: T0, notBefore });

export function webContract(open: OpenStore): void {
  describe('web: identity', () => {
    const store = useStore(open);
    const withUser = async (): Promise<Store> => {
      await store().users.upsert(user('u1'));
      return store();
    };

    it('sessions: create, read, slide, delete, expire', async () => {
      const s = await withUser();
      await s.identity.createSession({ hash: 'h1', userId: 'u1', createdAt: T0, expiresAt: at(60) });
      expect(await s.identity.session('h1')).toEqual({ hash: 'h1', userId: 'u1', createdAt: T0, expiresAt: at(60), lastSeenAt: T0 });
      await s.identity.touchSession('h1', at(10), at(120));
      expect((await s.identity.session('h1'))?.expiresAt).toEqual(at(120));
      expect(await s.identity.deleteExpiredSessions(at(121))).toBe(1);
      expect(await s.identity.session('h1')).toBeNull();
    });

    it('a magic link is used once and only before it expires', async () => {
      const s = await withUser();
      await s.identity.createMagicLink({ hash: 'm1', userId: 'u1', createdAt: T0, expiresAt: at(15) });
      await s.identity.createMagicLink({ hash: 'm2', userId: 'u1', createdAt: T0, expiresAt: at(15) });
      const [a, b] = await Promise.all([s.identity.consumeMagicLink('m1', at(1)), s.identity.consumeMagicLink('m1', at(1))]);
      expect([a, b].filter((x) => x === 'u1')).toHaveLength(1);
      expect(await s.identity.consumeMagicLink('m2', at(15))).toBeNull();
      expect(await s.identity.consumeMagicLink('nope', at(1))).toBeNull();
    });

    it('an action-link nonce is spent once', async () => {
      const s = await withUser();
      const use = { nonce: 'n1', userId: 'u1', leadId: 'l1', action: 'feedback:won', at: T0 };
      expect(await s.identity.actionLinkUsed('n1')).toBe(false);
      expect(await s.identity.useActionLink(use)).toBe(true);
      expect(await s.identity.useActionLink(use)).toBe(false);
      expect(await s.identity.actionLinkUsed('n1')).toBe(true);
      await s.identity.createMagicLink({ hash: 'old', userId: 'u1', createdAt: T0, expiresAt: at(15) });
      expect(await s.identity.purgeLinks(at(1), at(1))).toBe(2);
      expect(await s.identity.actionLinkUsed('n1')).toBe(false);
    });

    it('API tokens are found by hash until revoked, and only their owner revokes them', async () => {
      const s = await withUser();
      await s.users.upsert(user('u2'));
      await s.identity.createApiToken({ id: 't1', userId: 'u1', name: 'sync', createdAt: T0, hash: 'th1' });
      expect((await s.identity.apiToken('th1'))?.id).toBe('t1');
      expect(await s.identity.revokeApiToken('t1', 'u2', at(1))).toBe(false);
      expect(await s.identity.revokeApiToken('t1', 'u1', at(1))).toBe(true);
      expect(await s.identity.apiToken('th1')).toBeNull();
      expect((await s.identity.listApiTokens('u1'))[0]?.revokedAt).toEqual(at(1));
    });

    it('passwords, scopes (replaced as a set) and preferences round-trip', async () => {
      const s = await withUser();
      expect(await s.identity.passwordHash('u1')).toBeNull();
      await s.identity.setPassword('u1', '$argon2id$x', T0);
      expect(await s.identity.passwordHash('u1')).toBe('$argon2id$x');
      await s.identity.setScopes('u1', [{ kind: 'country', value: 'DE' }, { kind: 'partner', value: 'p1' }, { kind: 'country', value: 'DE' }]);
      await s.identity.setScopes('u1', [{ kind: 'region', value: 'Bavaria' }, { kind: 'country', value: 'AT' }]);
      expect(await s.identity.scopes('u1')).toEqual([{ kind: 'country', value: 'AT' }, { kind: 'region', value: 'Bavaria' }]);
      const prefs = { ...defaultPrefs('Europe/Berlin'), offers: 'digest' as const };
      await s.identity.setPreferences('u1', prefs, T0);
      expect(await s.identity.preferences('u1')).toEqual(prefs);
    });

    it('rep assignments are one per lead, the last one wins', async () => {
      const s = await withUser();
      const [lead] = await seedLeads(s, ['L1']);
      await s.identity.assignRep({ leadId: lead!.id, partnerId: 'p1', userId: 'u1', assignedBy: 'm', at: T0 });
      await s.identity.assignRep({ leadId: lead!.id, partnerId: 'p1', userId: 'u2', assignedBy: 'm', at: at(1) });
      expect((await s.identity.reps([lead!.id, 'other'])).get(lead!.id)).toMatchObject({ userId: 'u2', at: at(1) });
    });
  });

  describe('web: mail outbox', () => {
    const store = useStore(open);

    it('dedupes by key, claims due mails once, settles them', async () => {
      const s = store();
      expect(await s.mail.enqueue([mail('a'), mail('b', at(5)), mail('a')])).toBe(2);
      expect(await s.mail.enqueue([mail('a')])).toBe(0);
      const mid = (m: { dedupeKey: string }) => `<${m.dedupeKey}@x>`;
      const [x, y] = await Promise.all([s.mail.claimDue(T0, 10, mid), s.mail.claimDue(T0, 10, mid)]);
      expect([...x, ...y].map((m) => m.dedupeKey)).toEqual(['a']);
      expect(x.concat(y)[0]).toMatchObject({ status: 'sending', attempts: 1, messageId: '<a@x>' });
      await s.mail.markSent(x.concat(y)[0]!.id, '250 queued as A1', at(1));
      expect((await s.mail.claimDue(at(5), 10, mid)).map((m) => m.dedupeKey)).toEqual(['b']);
      // A dead sender's claim: resent (same Message-ID) until the last attempt, then uncertain.
      expect(await s.mail.reclaimStale(at(6), 2)).toEqual({ resend: 1, uncertain: 0 });
      const again = await s.mail.claimDue(at(7), 10, () => '<other@x>');
      expect(again).toMatchObject([{ dedupeKey: 'b', attempts: 2, resends: 1, messageId: '<b@x>' }]);
      expect(await s.mail.reclaimStale(at(8), 2)).toEqual({ resend: 0, uncertain: 1 });
      expect(await s.mail.counts()).toEqual({ pending: 0, sending: 0, sent: 1, failed: 0, uncertain: 1 });
      expect(await s.mail.purgeSentBodies(at(2))).toBe(1);
      expect((await s.mail.list({ kind: 'reminder' })).find((m) => m.dedupeKey === 'a')).toMatchObject({ html: '', text: '', messageId: '<a@x>', smtpResponse: '250 queued as A1' });
    });

    it('digest items: one per user and lead, taken once', async () => {
      const s = store();
      await s.mail.addDigestItems([{ userId: 'u1', leadId: 'l1', offerId: 'o1', createdAt: T0 }, { userId: 'u1', leadId: 'l1', offerId: 'o1', createdAt: at(1) }, { userId: 'u1', leadId: 'l2', offerId: 'o2', createdAt: at(2) }]);
      expect(await s.mail.digestBacklog()).toEqual([{ userId: 'u1', oldest: T0 }]);
      expect((await s.mail.takeDigestItems('u1', 'k1')).map((i) => i.leadId)).toEqual(['l1', 'l2']);
      expect(await s.mail.takeDigestItems('u1', 'k2')).toEqual([]);
      expect(await s.mail.digestBacklog()).toEqual([]);
    });

    it('reads the lead history after an event id', async () => {
      const s = store();
      const [lead] = await seedLeads(s, ['L1']);
      const before = await s.mail.lastEventId();
      await s.events.append([{ leadId: lead!.id, at: T0, type: 'reminder', actor: 'system', partnerId: null, data: { n: 1 } }]);
      const after = await s.mail.eventsAfter(before, 10);
      expect(after.map((e) => e.event.type)).toEqual(['reminder']);
      expect(await s.mail.lastEventId()).toBe(after[0]!.id);
    });
  });

  describe('web: slice views', () => {
    const store = useStore(open);

    it('only the partner ids passed in reach the results', async () => {
      const s = store();
      const [p1, p2] = await seedPartners(s, ['P1', 'P2']);
      const [a, b] = await seedLeads(s, ['A', 'B']);
      for (const [lead, p] of [[a!, p1!], [b!, p2!]] as const) {
        await s.leads.save({ ...lead, status: 'reserved', partnerId: p.id, reservedAt: T0, feedbackDueAt: at(60), version: lead.version + 1 });
      }
      expect((await s.views.heldLeads({ partnerIds: [p1!.id] }, { statuses: ['reserved'], limit: 10 })).map((l) => l.id)).toEqual([a!.id]);
      expect(await s.views.heldLeads({ partnerIds: [] }, { statuses: ['reserved'], limit: 10 })).toEqual([]);
      expect(await s.views.heldLead(b!.id, { partnerIds: [p1!.id] })).toBeNull();
      expect((await s.views.heldLeads({ partnerIds: 'all' }, { statuses: ['reserved'], limit: 10 })).length).toBe(2);
      expect(await s.views.heldLead(a!.id, { partnerIds: [p1!.id], repUserId: 'someone' })).toBeNull();
    });

    it('held leads: overdue first, then newest reservation; missing dates last on every engine', async () => {
      const s = store();
      const [p] = await seedPartners(s, ['P1']);
      const [a, b, c, d] = await seedLeads(s, ['A', 'B', 'C', 'D']);
      const hold = (lead: typeof a, reservedAt: Date | null, feedbackDueAt: Date | null) =>
        s.leads.save({ ...lead!, status: 'reserved', partnerId: p!.id, reservedAt, feedbackDueAt, version: lead!.version + 1 });
      await hold(a, at(1), null);
      await hold(b, null, at(60));
      await hold(c, at(2), at(60));
      await hold(d, at(3), at(30));
      expect((await s.views.heldLeads({ partnerIds: 'all' }, { statuses: ['reserved'], limit: 10 })).map((l) => l.externalId)).toEqual(['D', 'C', 'B', 'A']);
    });
  });
}
