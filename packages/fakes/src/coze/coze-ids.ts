/**
 * Coze ids are long numeric strings (19 digits, beyond 2^53: never parse them as numbers). Sequential from a
 * fixed base so runs repeat.
 */
export class CozeIdSequence {
  private next: bigint;

  constructor(base = 7_400_000_000_000_000_000n) {
    this.next = base;
  }

  take(): string {
    this.next += 1n;
    return this.next.toString();
  }
}

/** A log id shaped like Coze's `x-tt-logid` (timestamp + hex). */
export function cozeLogId(now: number, serial: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `${stamp}${serial.toString(16).padStart(20, '0').toUpperCase()}`;
}
