/** One accepted send as the provider saw it. */
export interface Delivery {
  /** what the count is kept by: the caller's message id, OutId, SessionContext, duplicate-check key… */
  key: string;
  at: number;
  /** the recipient as the provider names it (phone, userid, openid, address) */
  to: string;
  /** what the fake answered with as the provider's own id */
  providerId: string;
  body: unknown;
}

export interface DeliveryReport {
  /** deliveries accepted (duplicates included) */
  total: number;
  /** distinct keys delivered */
  distinct: number;
  /** keys delivered more than once, with how often */
  duplicates: Record<string, number>;
  /** attempts the fake absorbed without delivering again (the provider's own dedupe) */
  deduplicated: number;
  /** attempts the provider accepted but silently dropped (WeCom's per-member limit) */
  dropped: number;
}

/**
 * What a provider delivered, counted per key, so a test or the fault script can tell a lost send (count 0) from a
 * duplicate (count > 1) without reading logs.
 */
export class DeliveryLedger {
  private readonly deliveries: Delivery[] = [];
  private readonly byKey = new Map<string, Delivery[]>();
  private absorbed = 0;
  private silentlyDropped = 0;

  record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    const list = this.byKey.get(delivery.key);
    if (list) list.push(delivery);
    else this.byKey.set(delivery.key, [delivery]);
  }

  /** the provider's dedupe swallowed a repeat: counted so a test sees the repeat happened and was absorbed */
  deduplicate(): void {
    this.absorbed += 1;
  }

  drop(): void {
    this.silentlyDropped += 1;
  }

  count(key: string): number {
    return this.byKey.get(key)?.length ?? 0;
  }

  all(): readonly Delivery[] {
    return this.deliveries;
  }

  last(): Delivery | undefined {
    return this.deliveries.at(-1);
  }

  report(): DeliveryReport {
    const duplicates: Record<string, number> = {};
    for (const [key, list] of this.byKey) if (list.length > 1) duplicates[key] = list.length;
    return { total: this.deliveries.length, distinct: this.byKey.size, duplicates, deduplicated: this.absorbed, dropped: this.silentlyDropped };
  }

  reset(): void {
    this.deliveries.length = 0;
    this.byKey.clear();
    this.absorbed = 0;
    this.silentlyDropped = 0;
  }
}
