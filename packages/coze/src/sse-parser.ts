export interface SseEvent {
  /** the `event:` field; `message` when the block had none */
  event: string;
  /** the `data:` lines joined with LF */
  data: string;
}

/**
 * Turns the bytes of a `text/event-stream` into events, whatever the chunk boundaries: events and lines split
 * across chunks, UTF-8 characters split across chunks (a streaming TextDecoder keeps the partial bytes),
 * LF / CRLF / CR line ends (a CR at the end of one chunk and its LF at the start of the next count once),
 * several `data:` lines in one event, `:` comments. Follows the WHATWG event-stream rules.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** text after the last line break seen */
  private partialLine = '';
  /** the last chunk ended in CR: a LF opening the next chunk belongs to that line break */
  private swallowLf = false;
  private eventName = '';
  private dataLines: string[] = [];

  push(bytes: Uint8Array): SseEvent[] {
    return this.feed(this.decoder.decode(bytes, { stream: true }));
  }

  /** The stream ended: flushes the decoder and dispatches a last event that lacked its blank line. */
  end(): SseEvent[] {
    const events = this.feed(this.decoder.decode());
    if (this.partialLine !== '') {
      this.processLine(this.partialLine, events);
      this.partialLine = '';
    }
    this.dispatch(events);
    return events;
  }

  private feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (text === '') return events;
    let buffer = this.partialLine + text;
    if (this.swallowLf) {
      this.swallowLf = false;
      if (buffer.startsWith('\n')) buffer = buffer.slice(1);
    }
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (end < 0) break;
      this.processLine(buffer.slice(start, end), events);
      if (buffer[end] === '\r') {
        if (end + 1 === buffer.length) this.swallowLf = true;
        else if (buffer[end + 1] === '\n') {
          start = end + 2;
          continue;
        }
      }
      start = end + 1;
    }
    this.partialLine = buffer.slice(start);
    return events;
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    // `id` and `retry` mean nothing for a one-shot chat stream
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) events.push({ event: this.eventName || 'message', data: this.dataLines.join('\n') });
    this.eventName = '';
    this.dataLines = [];
  }
}
