// Access and refresh tokens. Access tokens look like real ones (`<org id>!<opaque>`, no dots, so jsforce does not
// mistake them for JWT-based tokens and refuse SOAP calls); refresh tokens start with 5Aep861 like real ones.
import { randomBytes } from 'node:crypto';

export interface Session {
  token: string;
  userId: string;
  issuedAt: number;
}

export class Sessions {
  private readonly access = new Map<string, Session>();
  private readonly refresh = new Map<string, string>();

  constructor(private readonly orgId: string) {}

  issueAccess(userId: string, nowMs: number): Session {
    const token = `${this.orgId.slice(0, 15)}!AQ${randomBytes(72).toString('base64url').replace(/[-_]/g, 'x')}`;
    const s = { token, userId, issuedAt: nowMs };
    this.access.set(token, s);
    return s;
  }

  issueRefresh(userId: string): string {
    const token = `5Aep861${randomBytes(48).toString('base64url').replace(/[-_]/g, 'Z')}`;
    this.refresh.set(token, userId);
    return token;
  }

  /** The session behind an access token, or undefined if unknown, expired or revoked. */
  check(token: string | undefined): Session | undefined {
    return token === undefined ? undefined : this.access.get(token);
  }

  refreshOwner(token: string): string | undefined {
    return this.refresh.get(token);
  }

  revokeRefresh(token: string): void {
    this.refresh.delete(token);
  }

  /** Revokes an access or refresh token (POST /services/oauth2/revoke). */
  revoke(token: string): boolean {
    return this.access.delete(token) || this.refresh.delete(token);
  }

  /** Every access token answers 401 INVALID_SESSION_ID from now on; refresh tokens keep working. */
  expireAll(): void {
    this.access.clear();
  }
}
