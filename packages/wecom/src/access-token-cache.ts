export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

/**
 * Access tokens per (corp id, secret): WeCom wants them cached server-side (calling gettoken per request gets
 * intercepted), and every app secret has its own token. A token is reused until `margin` seconds before its
 * expiry; callers that arrive while a token is being fetched wait for that one request instead of each
 * starting their own.
 */
export class AccessTokenCache {
  private readonly cached = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly issue: (corpId: string, secret: string) => Promise<IssuedToken>,
    private readonly marginSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(corpId: string, secret: string): Promise<string> {
    const key = cacheKey(corpId, secret);
    const hit = this.cached.get(key);
    if (hit && this.now() < hit.refreshAt) return hit.accessToken;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const request = this.fetchAndStore(key, corpId, secret).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /**
   * Forgets a token WeCom rejected. Only that token: if another caller already replaced it, the newer one stays,
   * so a burst of calls that all saw the old token fetches one new token, not one each.
   */
  invalidate(corpId: string, secret: string, rejectedToken: string): void {
    const key = cacheKey(corpId, secret);
    if (this.cached.get(key)?.accessToken === rejectedToken) this.cached.delete(key);
  }

  get size(): number {
    return this.cached.size;
  }

  private async fetchAndStore(key: string, corpId: string, secret: string): Promise<string> {
    const issued = await this.issue(corpId, secret);
    const lifetimeMs = usableLifetimeSeconds(issued.expiresInSeconds, this.marginSeconds) * 1000;
    this.cached.set(key, { accessToken: issued.accessToken, refreshAt: this.now() + lifetimeMs });
    return issued.accessToken;
  }
}

/**
 * `expires_in − margin`, except for tokens so short-lived that the margin would eat them (test fakes): those are
 * used for half their life, so the client never degrades into one gettoken per call.
 */
export function usableLifetimeSeconds(expiresInSeconds: number, marginSeconds: number): number {
  return expiresInSeconds > 2 * marginSeconds ? expiresInSeconds - marginSeconds : expiresInSeconds / 2;
}

// a NUL cannot occur in a corp id, so the two parts cannot run into each other
const cacheKey = (corpId: string, secret: string): string => `${corpId}\u0000${secret}`;
