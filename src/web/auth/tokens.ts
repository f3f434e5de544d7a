// Random secrets and their hashes. Session ids, magic-link tokens and API tokens are 256-bit random values:
// storing their sha256 is enough (no brute force over 2^256); only passwords, chosen by people, need argon2.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** Constant-time comparison of two strings (HMACs, hashes). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A personal API token: `lr_<id>_<secret>`; the id finds the row cheaply in logs, the secret is never stored. */
export function newApiToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(6).toString('hex');
  const token = `lr_${id}_${randomToken()}`;
  return { id, token, hash: sha256(token) };
}
