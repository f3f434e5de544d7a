// Signed action links: bound to user, lead and action; expiring; any change to payload or signature refused.
import { describe, expect, it } from 'vitest';
import { signActionLink, verifyActionLink } from '../../src/notify/links.ts';

const secret = 'k'.repeat(40);
const now = new Date('2026-11-02T09:00:00Z');
const link = { userId: 'u-1', leadId: 'lead-1', action: 'feedback:won' as const, expiresAt: new Date(now.getTime() + 3_600_000) };

describe('signed action links', () => {
  it('round-trips user, lead, action, expiry and a nonce', () => {
    const v = verifyActionLink(secret, signActionLink(secret, link), now);
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.link).toMatchObject({ userId: 'u-1', leadId: 'lead-1', action: 'feedback:won' });
    if (v.ok) expect(v.link.nonce.length).toBeGreaterThanOrEqual(16);
  });

  it('gives every link its own nonce (each button works once, independently)', () => {
    const a = verifyActionLink(secret, signActionLink(secret, link), now);
    const b = verifyActionLink(secret, signActionLink(secret, link), now);
    expect(a.ok && b.ok && a.link.nonce !== b.link.nonce).toBe(true);
  });

  it('refuses a changed payload, a changed signature, another key and garbage', () => {
    const token = signActionLink(secret, link);
    const [payload, mac] = token.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), u: 'u-2' })).toString('base64url');
    expect(verifyActionLink(secret, `${other}.${mac}`, now)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyActionLink(secret, `${payload}.${mac.slice(0, -2)}xx`, now)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyActionLink('z'.repeat(40), token, now)).toEqual({ ok: false, reason: 'tampered' });
    for (const junk of ['', 'abc', 'a.b.c', '.', `${payload}.`, 'x'.repeat(2000)]) expect(verifyActionLink(secret, junk, now).ok).toBe(false);
  });

  it('refuses an expired link, and a well-signed payload of the wrong shape', () => {
    expect(verifyActionLink(secret, signActionLink(secret, link), new Date(link.expiresAt.getTime() + 1))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyActionLink(secret, signActionLink(secret, { ...link, action: 'delete:everything' as never }), now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
