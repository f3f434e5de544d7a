// Digests: offers for users who chose `digest` wait as digest items and go out as one mail at the user's next
// digest time (local, notification preferences). An item is due once a digest time has passed since it was
// added. Taking the items and queueing the mail happen in one transaction, keyed by user and slot, so a crash
// or a second run never sends the same digest twice. Offers closed meanwhile are left out.
import type { Store } from '../domain/ports.ts';
import { lastDigestSlot, quietUntil } from '../domain/notification-prefs.ts';
import { teaserOf } from '../domain/teaser.ts';
import { digestMail } from './compose.ts';
import type { PlannerDeps } from './planner.ts';
import { actionUrl, prefsFor } from './planner.ts';

export async function sendDigests(store: Store, deps: PlannerDeps, now: Date): Promise<number> {
  let queued = 0;
  for (const { userId, oldest } of await store.mail.digestBacklog()) {
    queued += await store.transaction(async (tx) => {
      const user = await tx.users.get(userId);
      if (user === null || !user.active) {
        await tx.mail.takeDigestItems(userId, `dropped:${now.toISOString()}`);
        return 0;
      }
      const prefs = prefsFor(deps, await tx.identity.preferences(userId));
      const slot = lastDigestSlot(prefs, now.getTime());
      if (!(oldest.getTime() < slot)) return 0;
      const key = `digest:${userId}:${new Date(slot).toISOString()}`;
      const items = await tx.mail.takeDigestItems(userId, key);
      const open: Array<{ teaser: ReturnType<typeof teaserOf>; expiresAt: Date; reserveUrl: string }> = [];
      for (const item of items) {
        const [lead, offer] = await Promise.all([tx.leads.get(item.leadId), tx.offers.get(item.offerId)]);
        if (lead === null || offer === null || offer.status !== 'open' || lead.status !== 'offered' || offer.partnerId !== user.orgId) continue;
        open.push({ teaser: teaserOf(lead, deps.settings.offers.teaser), expiresAt: offer.expiresAt, reserveUrl: actionUrl(deps, userId, lead.id, now)('reserve') });
      }
      if (open.length === 0) return 0;
      const m = digestMail(deps.base, open, prefs.timezone);
      const quiet = quietUntil(prefs, now.getTime());
      return tx.mail.enqueue([{
        dedupeKey: key, kind: 'digest', userId, leadId: null, to: user.email, subject: m.subject, html: m.html, text: m.text,
        createdAt: now, notBefore: quiet === null ? now : new Date(quiet),
      }]);
    });
  }
  return queued;
}
