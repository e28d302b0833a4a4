import type { Writable } from 'node:stream';

/**
 * Writes text lines into a small pool of reusable buffers handed to a Writable. Encoding each line into a
 * buffer right away lets the line string die young; collecting strings and joining them (the obvious way)
 * promotes them to the old generation and roughly doubles the cost of writing a large archive.
 * A buffer is reused only after the stream's write callback says it has been consumed, which is also the
 * backpressure: with every buffer in flight, `push` returns a promise to await.
 */
export class LineSink {
  private readonly free: Buffer[] = [];
  private current: Buffer | null;
  private offset = 0;
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;
  bytes = 0;

  constructor(private readonly target: Writable, private readonly chunkBytes = 1 << 20, poolSize = 4) {
    for (let i = 0; i < poolSize; i++) this.free.push(Buffer.allocUnsafeSlow(chunkBytes));
    this.current = this.free.pop() ?? null;
    target.on('error', (err: Error) => {
      this.failure = err;
      this.wake();
    });
  }

  /** Adds one line (a newline is appended). Returns a promise only when the caller must wait for a free buffer. */
  push(line: string): Promise<void> | null {
    if (this.failure) throw this.failure;
    // a UTF-16 code unit never takes more than 3 UTF-8 bytes, so this bound is safe without measuring the line
    const worst = line.length * 3 + 1;
    if (worst > this.chunkBytes) {
      this.flush();
      const big = Buffer.from(`${line}\n`);
      this.bytes += big.length;
      this.target.write(big);
      return null;
    }
    if (this.current && this.offset + worst <= this.chunkBytes) {
      this.append(line);
      return null;
    }
    this.flush();
    if (this.current) {
      this.append(line);
      return null;
    }
    return this.nextBuffer().then(() => {
      this.append(line);
    });
  }

  /** Flushes what is buffered and ends the stream (the caller awaits the stream's own completion). */
  async end(): Promise<void> {
    this.flush();
    this.target.end();
  }

  private append(line: string): void {
    const buf = this.current as Buffer;
    this.offset += buf.write(line, this.offset);
    buf[this.offset++] = 10;
  }

  private flush(): void {
    const buf = this.current;
    if (!buf || this.offset === 0) return;
    const used = this.offset;
    this.current = null;
    this.offset = 0;
    this.bytes += used;
    this.target.write(buf.subarray(0, used), () => {
      this.free.push(buf);
      this.wake();
    });
    this.current = this.free.pop() ?? null;
  }

  private async nextBuffer(): Promise<void> {
    while (!this.current) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      if (this.failure) throw this.failure;
      this.current = this.free.pop() ?? null;
    }
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }
}
