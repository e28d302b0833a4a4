/**
 * Aborts a request once nothing has arrived for `timeoutMs` (an LLM may think for a while, but a stream that
 * stays silent is dead), or when the caller's signal aborts. `touch()` on every chunk re-arms it.
 */
export class IdleWatch {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fired = false;

  constructor(
    readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.signal = callerSignal ? AbortSignal.any([callerSignal, this.controller.signal]) : this.controller.signal;
    this.touch();
  }

  get timedOut(): boolean {
    return this.fired;
  }

  get callerAborted(): boolean {
    return this.callerSignal?.aborted ?? false;
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new DOMException(`no data from Coze for ${this.timeoutMs} ms`, 'TimeoutError'));
    }, this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
