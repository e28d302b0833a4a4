import { randomBytes } from 'node:crypto';
import type { FakeAppName } from './wecom-fake-state.ts';

interface IssuedToken {
  app: FakeAppName;
  expiresAt: number;
  /** set by `revokeAll`: the errcode the token answers with from then on */
  revokedWith?: number;
}

export type TokenCheck = { ok: true; app: FakeAppName } | { ok: false; errcode: number };

/**
 * Access tokens as WeCom issues them (https://developer.work.weixin.qq.com/document/path/91039): one per app secret, the same token on every gettoken until it
 * expires, then a new one. Expired tokens answer 42001, revoked ones 40014 (or 40001, which WeCom also uses for
 * "invalid credential"), tokens never issued 40014.
 */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly current = new Map<FakeAppName, string>();

  issue(app: FakeAppName, nowMs: number, ttlSeconds: number): { accessToken: string; expiresIn: number } {
    const existing = this.current.get(app);
    const known = existing ? this.tokens.get(existing) : undefined;
    if (existing && known && known.revokedWith === undefined && nowMs < known.expiresAt) {
      return { accessToken: existing, expiresIn: Math.max(1, Math.floor((known.expiresAt - nowMs) / 1000)) };
    }
    // real tokens are opaque and long (up to 512 bytes); this one is obviously a fake's
    const accessToken = `FAKE_${randomBytes(60).toString('base64url')}`;
    this.tokens.set(accessToken, { app, expiresAt: nowMs + ttlSeconds * 1000 });
    this.current.set(app, accessToken);
    return { accessToken, expiresIn: ttlSeconds };
  }

  check(token: string | undefined, nowMs: number): TokenCheck {
    if (!token) return { ok: false, errcode: 41001 };
    const known = this.tokens.get(token);
    if (!known) return { ok: false, errcode: 40014 };
    if (known.revokedWith !== undefined) return { ok: false, errcode: known.revokedWith };
    if (nowMs >= known.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, app: known.app };
  }

  /** WeCom may invalidate tokens before they expire; the next gettoken issues fresh ones. */
  revokeAll(errcode: 40014 | 40001 | 42001): number {
    let revoked = 0;
    for (const token of this.tokens.values()) {
      if (token.revokedWith === undefined) {
        token.revokedWith = errcode;
        revoked += 1;
      }
    }
    return revoked;
  }
}
