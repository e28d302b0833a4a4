import type { ExternalContactFollow } from '@doitcrm/wecom';

/**
 * Writes a staff batch's pairs while its cursor chain is still being followed: a batch of 100 members is one chain of
 * up to thousands of sequential calls, and written only at its end the batch's writes added their whole time to the
 * pass's. Here every `chunk` pairs go to `write` (one at a time, in the background) and the batch's own commit takes
 * only what is left, with the checkpoint. Rows written ahead belong to the pass like the rest: a run killed before
 * the batch's commit fetches the batch again and finds them unchanged (their hashes), so nothing is added twice.
 */
export class WriteAhead {
  private buffer: ExternalContactFollow[] = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly chunk: number, private readonly write: (pairs: ExternalContactFollow[]) => Promise<void>) {}

  add(pair: ExternalContactFollow): void {
    this.buffer.push(pair);
    if (this.buffer.length >= this.chunk && !this.writing && this.failure === null) this.start();
  }

  private start(): void {
    const pairs = this.buffer;
    this.buffer = [];
    this.writing = this.write(pairs)
      .catch((error: unknown) => { this.failure = error; })
      .finally(() => {
        this.writing = null;
        if (this.buffer.length >= this.chunk && this.failure === null) this.start();
      });
  }

  /** Waits for the write in progress; the pairs not written yet, or the write's failure. */
  async finish(): Promise<ExternalContactFollow[]> {
    while (this.writing) await this.writing;
    if (this.failure !== null) throw this.failure;
    const rest = this.buffer;
    this.buffer = [];
    return rest;
  }
}
