// Identity: how people prove who they are (sessions, magic links, API tokens, an optional password) and what a
// channel manager's portfolio is. Secrets never reach this layer in clear: the store only ever sees hashes of
// session ids, magic-link tokens and API tokens (the web layer hashes them), so a stolen database signs no one in.
import type { NotificationPrefs } from './notification-prefs.ts';
import type { User } from './partner.ts';

/** A channel manager's portfolio entry: a partner (with its descendants), or a territory (country / region). */
export const scopeKinds = ['partner', 'country', 'region'] as const;
export type ScopeKind = (typeof scopeKinds)[number];
export interface UserScope { readonly kind: ScopeKind; readonly value: string }

export interface WebSession {
  /** sha256 of the cookie value. */
  readonly hash: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
}

export interface ApiToken {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** A sales rep a partner manager gave a reserved lead to (team view). */
export interface RepAssignment {
  readonly leadId: string;
  readonly partnerId: string;
  readonly userId: string;
  readonly assignedBy: string;
  readonly at: Date;
}

export interface IdentityRepository {
  /** Every user, ordered by email (admin page). */
  listUsers(): Promise<User[]>;

  createSession(s: Omit<WebSession, 'lastSeenAt'>): Promise<void>;
  session(hash: string): Promise<WebSession | null>;
  /** Slide the expiry; callers do it at most every few minutes, not per request. */
  touchSession(hash: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  deleteSession(hash: string): Promise<void>;
  deleteSessionsOf(userId: string): Promise<number>;
  deleteExpiredSessions(now: Date): Promise<number>;
  /** Forget magic links created before `linksBefore` and action-link nonces used before `noncesBefore` (both expired). */
  purgeLinks(linksBefore: Date, noncesBefore: Date): Promise<number>;

  createMagicLink(l: { hash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /**
   * Use a magic link once: one UPDATE … WHERE used_at IS NULL AND expires_at > now, so two tabs (or a replay)
   * cannot both sign in with it. Returns the user id, or null when unknown, used or expired.
   */
  consumeMagicLink(hash: string, now: Date): Promise<string | null>;

  /** Record a signed action link as used; false when its nonce was used before (a replay). */
  useActionLink(u: { nonce: string; userId: string; leadId: string; action: string; at: Date }): Promise<boolean>;
  actionLinkUsed(nonce: string): Promise<boolean>;

  createApiToken(t: Omit<ApiToken, 'lastUsedAt' | 'revokedAt'> & { hash: string }): Promise<void>;
  /** An active (not revoked) token by its hash. */
  apiToken(hash: string): Promise<ApiToken | null>;
  touchApiToken(id: string, at: Date): Promise<void>;
  listApiTokens(userId: string): Promise<ApiToken[]>;
  revokeApiToken(id: string, userId: string, at: Date): Promise<boolean>;

  setPassword(userId: string, hash: string, at: Date): Promise<void>;
  passwordHash(userId: string): Promise<string | null>;

  scopes(userId: string): Promise<UserScope[]>;
  setScopes(userId: string, scopes: readonly UserScope[]): Promise<void>;

  preferences(userId: string): Promise<NotificationPrefs | null>;
  setPreferences(userId: string, prefs: NotificationPrefs, at: Date): Promise<void>;

  assignRep(a: RepAssignment): Promise<void>;
  reps(leadIds: readonly string[]): Promise<Map<string, RepAssignment>>;
}
