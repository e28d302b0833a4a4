export interface IssuedTenantToken {
  token: string;
  expireSeconds: number;
}

/** §2.2: Feishu hands out a new token only when the current one has less than 30 minutes left. */
export const RENEW_WINDOW_SECONDS = 1_800;

/**
 * The app's tenant access token. It is reused until it has less than 30 minutes left: asking earlier only gets the
 * same token back (a wasted, counted call), asking then gets a new one while the old stays valid to its end, so the
 * switch never races an expiry. Tokens shorter-lived than an hour (test fakes) are used for half their life.
 * Callers that arrive while a token is being fetched wait for that one request.
 */
export class TenantTokenCache {
  private cached: { token: string; refreshAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly issue: () => Promise<IssuedTenantToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Forgets a token Feishu refused — only that one: a newer token another caller fetched stays. */
  invalidate(refused: string): void {
    if (this.cached?.token === refused) this.cached = null;
  }

  private async fetch(): Promise<string> {
    const issued = await this.issue();
    const usable = issued.expireSeconds > 2 * RENEW_WINDOW_SECONDS ? issued.expireSeconds - RENEW_WINDOW_SECONDS : issued.expireSeconds / 2;
    this.cached = { token: issued.token, refreshAt: this.now() + usable * 1000 };
    return issued.token;
  }
}
