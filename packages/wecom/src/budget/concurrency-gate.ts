/** A place in the gate; `generation` tells which limit the call was started under. */
export interface Permit {
  readonly generation: number;
  release(): void;
}

/** Consecutive successes before one more call may run in parallel again. */
const SUCCESSES_PER_STEP_UP = 50;

/**
 * Caps calls in flight. WeCom answers 45033 when one corp has too many calls to one storage-heavy API in
 * flight; the gate then halves its limit (never below 1) and creeps back up by one after a run of successes.
 * A burst of calls started under the old limit all see 45033 together; only the first of them halves the limit
 * (they share a generation), otherwise one burst would collapse the limit to 1.
 */
export class ConcurrencyGate {
  private current: number;
  private running = 0;
  private generationNo = 0;
  private successes = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('concurrency must be a positive integer');
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.running;
  }

  get generation(): number {
    return this.generationNo;
  }

  async acquire(): Promise<Permit> {
    while (this.running >= this.current) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
    const generation = this.generationNo;
    let released = false;
    return {
      generation,
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        this.wakeOne();
      },
    };
  }

  /** Called on 45033 by a call started under `generation`; returns whether the limit went down. */
  lower(generation: number): boolean {
    this.successes = 0;
    if (generation !== this.generationNo || this.current === 1) return false;
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.generationNo += 1;
    return true;
  }

  noteSuccess(): void {
    if (this.current >= this.max) return;
    this.successes += 1;
    if (this.successes < SUCCESSES_PER_STEP_UP) return;
    this.successes = 0;
    this.current += 1;
    this.generationNo += 1;
    this.wakeOne();
  }

  private wakeOne(): void {
    const next = this.waiting.shift();
    if (next) next();
  }
}
