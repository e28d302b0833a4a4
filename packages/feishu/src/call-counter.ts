/**
 * HTTP requests sent to Feishu, per endpoint — retries and token fetches included, because that is what Feishu's
 * free tier counts (10,000 or 50,000 calls a month, sources disagree; peer-lessons.md). The sync and the bench print it.
 */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  count(endpoint: string): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  /** e.g. `{ tenant_access_token: 1, records_search: 4, records_batch_create: 2 }` */
  byEndpoint(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  get total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  reset(): void {
    this.counts.clear();
  }
}
