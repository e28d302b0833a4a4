// Shared arrangements for the kit's own tests: server URLs, a logger whose lines the test can read, polling (kit/testing's waitFor), and a
// raw amqplib channel to look at queues the way an operator would. Not exported from the package.
import amqplib, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { withAmqpChannel } from './broker.ts';
import { createLogger, type Logger } from './logger.ts';
import { uniqueSuffix } from './testing/unique.ts';
import { waitFor } from './testing/wait-for.ts';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An AMQP namespace no other test (file, run or person) uses: `test.kit.<random>.`. */
export function uniqueNamespace(): string {
  return `test.kit.${uniqueSuffix()}.`;
}

// one polling helper for every test: a failed wait names what it waited for and the last value it saw
export { sleep, waitFor } from './testing/wait-for.ts';

export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** The services' logger (same mixin and redaction), keeping its JSON lines in memory so tests can check them. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ service: 'kit-test', level: 'debug', destination: { write: (line: string) => { lines.push(JSON.parse(line) as LogLine); } } });
  return { logger, lines };
}

export interface RawAmqp {
  connection: ChannelModel;
  /** Runs fn on a channel of its own (a 404 closes a channel, so none is shared). */
  withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T>;
  /** The next message of a queue (taken off it), waiting for it to arrive. */
  take(queue: string, timeoutMs?: number): Promise<GetMessage>;
  /** Ready messages in a queue (unacknowledged ones not counted). */
  messageCount(queue: string): Promise<number>;
  /** Deletes exactly the queues and exchanges named, nothing else. */
  deleteAll(names: { queues?: string[]; exchanges?: string[] }): Promise<void>;
  close(): Promise<void>;
}

/** A plain connection (no recovery, no namespace logic) for arranging and checking broker state. */
export async function openRawAmqp(): Promise<RawAmqp> {
  const connection: ChannelModel = await amqplib.connect(AMQP_URL);
  connection.on('error', () => {});
  const withChannel = <T>(fn: (channel: Channel) => Promise<T>): Promise<T> => withAmqpChannel(connection, fn);
  return {
    connection,
    withChannel,
    take: (queue, timeoutMs = 5_000) => withChannel(async (channel) =>
      (await waitFor(`a message on ${queue}`, () => channel.get(queue, { noAck: true }), { timeoutMs })) as GetMessage),
    messageCount: (queue) => withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount),
    deleteAll: ({ queues = [], exchanges = [] }) => withChannel(async (channel) => {
      for (const queue of queues) await channel.deleteQueue(queue);
      for (const exchange of exchanges) await channel.deleteExchange(exchange);
    }),
    close: () => connection.close().catch(() => {}),
  };
}
