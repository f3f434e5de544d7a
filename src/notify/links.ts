// Signed action links for one-click buttons in mails (issue 5): bound to one user, one lead and one action,
// expiring, and usable once. The token is `<payload>.<hmac>`, both base64url; the payload is JSON
// { u: user, l: lead, a: action, e: expiry (epoch seconds), n: nonce }. The HMAC-SHA256 key is `web.secret`.
// Opening the link (GET) only shows a confirmation page; the answer is recorded by the POST from that page,
// and the nonce is stored then, in the same transaction, so a replay finds it used.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { feedbackStatuses } from '../domain/offer.ts';
import { randomToken, sameSecret } from '../web/auth/tokens.ts';

/** What a link can do: a feedback status, or open the lead (sign-in free view of what was sent). */
export const linkActions = ['reserve', ...feedbackStatuses.map((s) => `feedback:${s}` as const)] as const;
export type LinkAction = (typeof linkActions)[number];

const payloadSchema = z.strictObject({
  u: z.string().min(1).max(100),
  l: z.string().min(1).max(100),
  a: z.enum(linkActions),
  e: z.number().int().positive(),
  n: z.string().min(8).max(64),
});

export interface ActionLink {
  readonly userId: string;
  readonly leadId: string;
  readonly action: LinkAction;
  readonly expiresAt: Date;
  readonly nonce: string;
}

export type LinkCheck =
  | { readonly ok: true; readonly link: ActionLink }
  | { readonly ok: false; readonly reason: 'malformed' | 'tampered' | 'expired' };

const mac = (secret: string, payload: string): string => createHmac('sha256', secret).update(payload).digest('base64url');

export function signActionLink(secret: string, link: Omit<ActionLink, 'nonce'> & { nonce?: string }): string {
  const body = { u: link.userId, l: link.leadId, a: link.action, e: Math.floor(link.expiresAt.getTime() / 1000), n: link.nonce ?? randomToken(12) };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** Check signature first (nothing in an unsigned payload is trusted, not even for the error message), then expiry. */
export function verifyActionLink(secret: string, token: string, now: Date): LinkCheck {
  const parts = token.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '' || token.length > 1024) return { ok: false, reason: 'malformed' };
  const [payload, sig] = parts as [string, string];
  if (!sameSecret(mac(secret, payload), sig)) return { ok: false, reason: 'tampered' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const p = payloadSchema.safeParse(raw);
  if (!p.success) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(p.data.e * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, link: { userId: p.data.u, leadId: p.data.l, action: p.data.a, expiresAt, nonce: p.data.n } };
}
