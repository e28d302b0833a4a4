/**
 * One cached access token (WeCom app, WeChat OA), refreshed `marginMs` before it expires and dropped when the provider
 * says it is invalid. Concurrent callers share one fetch.
 */
export class AccessToken {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<{ value: string; expiresInSeconds: number }>,
    private readonly marginMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - this.marginMs > this.now()) return this.token.value;
    this.pending ??= this.fetchToken()
      .then(({ value, expiresInSeconds }) => {
        this.token = { value, expiresAt: this.now() + expiresInSeconds * 1000 };
        return value;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  invalidate(value: string): void {
    if (this.token?.value === value) this.token = null;
  }
}
