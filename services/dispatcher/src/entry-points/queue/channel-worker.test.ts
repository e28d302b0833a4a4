import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger, promClient, type Broker, type RawConsumerSpec, type RawDelivery } from '@doitcrm/kit';
import { createWorkerMetrics } from '../../domain/worker-metrics.ts';
import { ChannelWorker } from './channel-worker.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

/** The broker side of a raw consumer, held in the test's hand: it delivers what the test gives it and records acks. */
function heldBroker() {
  let spec: RawConsumerSpec | undefined;
  const prefetches: number[] = [];
  const settled: Array<{ messageId: number; how: 'ack' | 'nack' }> = [];
  const broker = {
    async consumeRaw(given: RawConsumerSpec) {
      spec = given;
      prefetches.push(given.prefetch);
      return { setPrefetch: async (prefetch: number) => { prefetches.push(prefetch); }, cancel: async () => {} };
    },
  } as unknown as Broker;
  const deliver = (messageId: number) => {
    const envelope = { id: randomUUID(), type: 'dispatch.send', occurredAt: new Date().toISOString(), traceId: randomUUID(), payload: { messageId, attempt: 0 } };
    const delivery: RawDelivery = {
      queue: 'dispatch.app_webhook.t0',
      message: { content: Buffer.from(JSON.stringify(envelope)) } as RawDelivery['message'],
      ack: () => settled.push({ messageId, how: 'ack' }),
      nack: () => settled.push({ messageId, how: 'nack' }),
    };
    spec!.onMessage(delivery);
  };
  return { broker, deliver, prefetches, settled };
}

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { open, opened };
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('channel worker slots', () => {
  it('when a copy\'s provider call is over, then its slot takes the next copy while the first is still recorded, and each is acked only once its handler is done', async () => {
    const held = heldBroker();
    const started: number[] = [];
    const recorded = new Map<number, ReturnType<typeof gate>>();
    const worker = new ChannelWorker({
      broker: held.broker, channel: 'app_webhook', capacity: 1, logger,
      metrics: createWorkerMetrics(new promClient.Registry()),
      async handle(copy, free) {
        started.push(copy.messageId);
        free(); // the provider call is over
        const writing = gate();
        recorded.set(copy.messageId, writing);
        await writing.opened; // the outcome's write
      },
    });
    await worker.start();

    held.deliver(1);
    held.deliver(2);
    await turn();

    expect(started).toEqual([1, 2]);
    expect(held.settled).toEqual([]);
    // two copies per slot in hand, so the broker has one to give a slot freed while the other is recorded
    expect(held.prefetches).toEqual([2]);

    recorded.get(2)!.open();
    await turn();
    expect(held.settled).toEqual([{ messageId: 2, how: 'ack' }]);

    let stopped = false;
    const stopping = worker.stop().then(() => { stopped = true; });
    await turn();
    expect(stopped).toBe(false);
    recorded.get(1)!.open();
    await stopping;
    expect(held.settled).toEqual([{ messageId: 2, how: 'ack' }, { messageId: 1, how: 'ack' }]);
  });

  it('when a handler never frees its slot, then the next copy waits for it to finish', async () => {
    const held = heldBroker();
    const started: number[] = [];
    const first = gate();
    const worker = new ChannelWorker({
      broker: held.broker, channel: 'app_webhook', capacity: 1, logger,
      metrics: createWorkerMetrics(new promClient.Registry()),
      async handle(copy) {
        started.push(copy.messageId);
        if (copy.messageId === 1) await first.opened;
      },
    });
    await worker.start();

    held.deliver(1);
    held.deliver(2);
    await turn();
    expect(started).toEqual([1]);

    first.open();
    await turn();
    await turn();
    expect(started).toEqual([1, 2]);
    await worker.stop();
    expect(held.settled.map((s) => s.messageId)).toEqual([1, 2]);
  });
});
