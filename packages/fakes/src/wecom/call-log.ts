/** One request the fake received and what it answered. */
export interface LoggedCall {
  endpoint: string;
  method: string;
  /** fake-clock milliseconds */
  at: number;
  /** the ids the request was about */
  ids: string[];
  /** 0 for success; -1 … for errors; null when the answer was not a WeCom answer (HTTP 404) */
  errcode: number | null;
}

/** Every request, per endpoint, so tests can count what a client really sent (retries included). */
export class CallLog {
  private readonly entries: LoggedCall[] = [];

  record(call: LoggedCall): void {
    this.entries.push(call);
  }

  all(): readonly LoggedCall[] {
    return this.entries;
  }

  forEndpoint(endpoint: string): LoggedCall[] {
    return this.entries.filter((e) => e.endpoint === endpoint);
  }

  /** calls of an endpoint, optionally only those answered with one errcode */
  count(endpoint: string, errcode?: number): number {
    return this.entries.filter((e) => e.endpoint === endpoint && (errcode === undefined || e.errcode === errcode)).length;
  }

  /** calls per endpoint, e.g. `{ gettoken: 1, "user/get": 3 }` */
  byEndpoint(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) counts[e.endpoint] = (counts[e.endpoint] ?? 0) + 1;
    return counts;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
