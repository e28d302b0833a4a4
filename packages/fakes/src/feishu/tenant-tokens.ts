import { randomBytes } from 'node:crypto';

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true } | { ok: false; code: number; msg: string };

/**
 * Tenant access tokens as Feishu issues them (external-apis.md §2.2): at most `ttl` seconds of validity; a request
 * while the current token has at least `renewWindow` seconds left gets that same token (with the seconds it has
 * left), a request within the window gets a new one, and the old one stays valid until it expires.
 */
export class TenantTokens {
  private readonly tokens = new Map<string, IssuedToken>();
  private current: string | null = null;

  issue(nowMs: number, ttlSeconds: number, renewWindowSeconds: number): { token: string; expire: number } {
    const known = this.current ? this.tokens.get(this.current) : undefined;
    if (this.current && known && !known.revoked) {
      const left = Math.floor((known.expiresAt - nowMs) / 1000);
      if (left >= renewWindowSeconds && left > 0) return { token: this.current, expire: left };
    }
    const token = `t-g1044${randomBytes(20).toString('hex')}`;
    this.tokens.set(token, { expiresAt: nowMs + ttlSeconds * 1000, revoked: false });
    this.current = token;
    return { token, expire: ttlSeconds };
  }

  /** 99991661 without a Bearer token; 99991663 for a token unknown, expired or revoked (go SDK constants, §2.2). */
  check(authorization: string | undefined, nowMs: number): TokenCheck {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : '';
    if (!token) return { ok: false, code: 99991661, msg: 'Missing access token for authorization. Please make a request with token attached.' };
    const known = this.tokens.get(token);
    if (!known || known.revoked || nowMs >= known.expiresAt) {
      return { ok: false, code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' };
    }
    return { ok: true };
  }

  /** Feishu may invalidate tokens early (secret reset): their next use answers 99991663. */
  revokeAll(): number {
    let revoked = 0;
    for (const token of this.tokens.values()) {
      if (!token.revoked) {
        token.revoked = true;
        revoked += 1;
      }
    }
    return revoked;
  }
}
